"""BPJS verification: activation with the person's KPJ (R10), and rejection."""

import secrets
import uuid
from collections.abc import Sequence

from sqlalchemy import bindparam, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.audit.service import record
from app.auth.subject import Subject
from app.db import chunks, utcnow
from app.enrolments import repository
from app.enrolments.models import Enrolment, EnrolmentStatus
from app.errors import DomainError, violation_means
from app.i18n import msg
from app.programs import budget
from app.programs.repository import get_visible as get_program
from app.workers.models import Person
from app.workers.repository import lock_persons


class KpjTaken(DomainError):
    status, code, title = 409, "KPJ_TAKEN", "This KPJ number belongs to another person"


# R10 held by the database: two persons activated at once with one KPJ both find it free.
KPJ_UNIQUE = "uq_persons_kpj_number"


class KpjMismatch(DomainError):
    status, code, title = 409, "KPJ_MISMATCH", "The person already holds another KPJ number"


def _random_kpj() -> str:
    return str(10**10 + secrets.randbelow(9 * 10**10))


async def _kpj_in_use(session: AsyncSession, candidates: Sequence[str]) -> set[str]:
    """Numbers held by a person, or (from before KPJs were the person's) by an enrolment."""
    taken: set[str] = set()
    for part in chunks(sorted(candidates)):
        for column in (Person.kpj_number, Enrolment.kpj_number):
            rows = await session.exec(select(col(column)).where(col(column).in_(part)))
            taken.update(kpj for kpj in rows if kpj is not None)
    return taken


async def new_kpj_numbers(session: AsyncSession, count: int) -> list[str]:
    """`count` distinct 11-digit KPJ numbers never used (the unique index still guards)."""
    chosen: set[str] = set()
    while len(chosen) < count:
        candidates = {_random_kpj() for _ in range(count - len(chosen))} - chosen
        chosen |= candidates - await _kpj_in_use(session, sorted(candidates))
    return sorted(chosen)


async def _persons(session: AsyncSession, niks: Sequence[str]) -> dict[str, Person]:
    """The person rows of `niks`, locked in NIK order and read fresh."""
    await lock_persons(session, niks)
    found: dict[str, Person] = {}
    for part in chunks(sorted(set(niks))):
        rows = await session.exec(
            select(Person)
            .where(col(Person.nik).in_(part))
            .execution_options(populate_existing=True)
        )
        found.update({p.nik: p for p in rows})
    return found


async def membership_number(session: AsyncSession, person: Person, wanted: str | None) -> str:
    """R10: the KPJ is the person's for life. Reuse it; give a new one only to a person who has
    none; refuse BPJS's own number when it differs from the person's or is another's."""
    if person.kpj_number is not None:
        if wanted is not None and wanted != person.kpj_number:
            raise KpjMismatch(
                msg("enrolment.kpj_mismatch", kpj=person.kpj_number),
            )
        return person.kpj_number
    if wanted is None:
        return (await new_kpj_numbers(session, 1))[0]
    if await _kpj_in_use(session, [wanted]):
        raise KpjTaken(msg("enrolment.kpj_taken", kpj=wanted))
    return wanted


def _require_pending(enrolment: Enrolment) -> None:
    repository.require_status(enrolment, EnrolmentStatus.pending)


async def activate(
    session: AsyncSession, subject: Subject, enrolment_id: uuid.UUID, kpj_number: str | None
) -> Enrolment:
    # Lock order: enrolment, then person (the person row guards its KPJ).
    enrolment = await repository.get_visible(session, subject, enrolment_id, for_update=True)
    _require_pending(enrolment)
    person = (await _persons(session, [enrolment.nik]))[enrolment.nik]
    kpj = await membership_number(session, person, kpj_number)
    if person.kpj_number is None:
        person.kpj_number = kpj
        session.add(person)
        with violation_means(KPJ_UNIQUE, KpjTaken(msg("enrolment.kpj_taken", kpj=kpj))):
            await session.flush()  # the person holds the KPJ before an enrolment refers to it
    enrolment.status = EnrolmentStatus.active.value
    enrolment.kpj_number = kpj
    enrolment.activated_at = enrolment.updated_at = utcnow()
    session.add(enrolment)
    await session.flush()
    record(
        session,
        subject,
        "enrolment.activate",
        "enrolment",
        enrolment.id,
        region_code=enrolment.region_code,
    )
    return enrolment


async def _lock_pending(
    session: AsyncSession, program_id: uuid.UUID, enrolment_ids: Sequence[uuid.UUID] | None
) -> list[tuple[uuid.UUID, str]]:
    stmt = select(Enrolment.id, Enrolment.nik).where(
        Enrolment.program_id == program_id, Enrolment.status == EnrolmentStatus.pending.value
    )
    if enrolment_ids is None:
        return list(await session.exec(stmt.order_by(col(Enrolment.id)).with_for_update()))
    pending: list[tuple[uuid.UUID, str]] = []
    for part in chunks(sorted(set(enrolment_ids))):
        pending += list(
            await session.exec(
                stmt.where(col(Enrolment.id).in_(part))
                .order_by(col(Enrolment.id))
                .with_for_update()
            )
        )
    return pending


async def activate_many(
    session: AsyncSession,
    subject: Subject,
    program_id: uuid.UUID,
    enrolment_ids: Sequence[uuid.UUID] | None,
) -> tuple[int, int]:
    """Activate a programme's pending enrolments (all, or the listed ones), set-based; each
    person keeps the KPJ it has, a person without one gets a new one."""
    program = await get_program(session, subject, program_id)
    pending = await _lock_pending(session, program.id, enrolment_ids)
    skipped = 0 if enrolment_ids is None else len(set(enrolment_ids)) - len(pending)
    if pending:
        persons = await _persons(session, [nik for _, nik in pending])
        without = sorted(nik for nik, p in persons.items() if p.kpj_number is None)
        numbers = dict(zip(without, await new_kpj_numbers(session, len(without)), strict=True))
        people = Person.__table__  # type: ignore[attr-defined]
        if numbers:
            await session.exec(
                update(people)
                .where(people.c.nik == bindparam("person_nik"))
                .values(kpj_number=bindparam("kpj")),
                params=[{"person_nik": nik, "kpj": kpj} for nik, kpj in numbers.items()],
            )
        held = {nik: p.kpj_number or numbers[nik] for nik, p in persons.items()}
        now = utcnow()
        table = Enrolment.__table__  # type: ignore[attr-defined]
        await session.exec(
            update(table)
            .where(table.c.id == bindparam("enrolment_id"))
            .values(
                status=EnrolmentStatus.active.value,
                kpj_number=bindparam("kpj"),
                activated_at=now,
                updated_at=now,
            ),
            params=[{"enrolment_id": eid, "kpj": held[nik]} for eid, nik in pending],
        )
    record(
        session,
        subject,
        "enrolment.activate_many",
        "program",
        program.id,
        region_code=program.region_code,
        details={"activated": len(pending)},
    )
    return len(pending), skipped


async def reject(
    session: AsyncSession, subject: Subject, enrolment_id: uuid.UUID, reason_text: str
) -> Enrolment:
    # Lock order: programme, then enrolment (the budget moves back).
    enrolment = await repository.get_visible(session, subject, enrolment_id)
    program = await get_program(session, subject, enrolment.program_id, for_update=True)
    enrolment = await repository.get_visible(session, subject, enrolment_id, for_update=True)
    _require_pending(enrolment)
    enrolment.status = EnrolmentStatus.rejected.value
    enrolment.rejection_reason = reason_text
    enrolment.updated_at = utcnow()
    budget.release(program, enrolment.cost_idr, workers=1)  # R10: a rejection releases all
    session.add_all([enrolment, program])
    await session.flush()
    record(
        session,
        subject,
        "enrolment.reject",
        "enrolment",
        enrolment.id,
        region_code=enrolment.region_code,
        details={"released_idr": enrolment.cost_idr},
    )
    return enrolment
