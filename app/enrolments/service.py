"""Enrolment: eligibility, single enrolment, BPJS verification, rejection and termination."""

import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import bindparam, func, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app import clock
from app.audit.service import record
from app.auth.subject import Subject
from app.billing.models import InvoiceLine
from app.db import chunks, utcnow
from app.enrolments import eligibility, repository
from app.enrolments.eligibility import ProgramTerms, ReasonCode
from app.enrolments.models import Enrolment, EnrolmentStatus, TerminationReason
from app.enrolments.schemas import EligibilityResult
from app.errors import DomainError, InvalidState, Reason, Unprocessable
from app.months import month_of
from app.programs import costing
from app.programs.costing import FundingSource, Occupation
from app.programs.models import Program, ProgramStatus
from app.programs.repository import get_visible as get_program
from app.workers import nik as nik_rules
from app.workers import repository as worker_repository
from app.workers.schemas import WorkerInput
from app.workers.service import upsert_worker


class Ineligible(DomainError):
    status, code, title = 422, "INELIGIBLE", "The person is not eligible for this programme"


class KpjTaken(DomainError):
    status, code, title = 409, "KPJ_TAKEN", "This KPJ number belongs to another enrolment"


def window(program: Program, start_month: str | None) -> tuple[str, str]:
    """R9: start defaults to the later of the programme start and this month; end = its end."""
    start = start_month or max(program.coverage_start, month_of(clock.today()))
    return start, program.coverage_end


def terms(program: Program) -> ProgramTerms:
    return ProgramTerms(
        region_code=program.region_code,
        is_open=program.status == ProgramStatus.open,
        coverage_start=program.coverage_start,
        coverage_end=program.coverage_end,
        min_age=program.min_age,
        max_age=program.max_age,
    )


def price(program: Program, occupation: Occupation, start: str, end: str) -> tuple[int, int]:
    """(first month's contribution, Σ over start…end) for this programme's funding."""
    source = FundingSource(program.funding_source)
    return (
        costing.monthly_contribution(start, source, occupation, program.declared_income_idr),
        costing.enrolment_cost(start, end, source, occupation, program.declared_income_idr),
    )


@dataclass
class Assessment:
    nik: str
    start_month: str
    end_month: str
    reasons: list[Reason]
    monthly_contribution_idr: int | None
    cost_idr: int | None

    def result(self) -> EligibilityResult:
        return EligibilityResult(
            eligible=not self.reasons,
            reasons=self.reasons,
            monthly_contribution_idr=self.monthly_contribution_idr,
            start_month=self.start_month,
            end_month=self.end_month,
            cost_idr=self.cost_idr,
        )


async def assess(
    session: AsyncSession, program: Program, data: WorkerInput, start_month: str | None
) -> Assessment:
    """Every reason the person cannot be enrolled now (R8); nothing is written."""
    start, end = window(program, start_month)
    nik = nik_rules.normalise(data.nik)
    person = eligibility.Person(nik, data.birth_date, data.sex, data.domicile_region_code)
    program_terms = terms(program)
    reasons = eligibility.person_reasons(person, program_terms, start)
    window_reasons = eligibility.program_reasons(program_terms, start, end)
    reasons += window_reasons
    if nik_rules.is_valid(nik):
        reasons += eligibility.standing_reasons(
            already_enrolled=bool(await repository.niks_with_cover(session, [nik], start, end)),
            deceased=bool(await worker_repository.deceased_niks(session, [nik])),
        )
    monthly = cost = None
    if not any(r.code == ReasonCode.OUTSIDE_PROGRAM_WINDOW for r in window_reasons):
        monthly, cost = price(program, data.occupation, start, end)
        reasons += eligibility.money_reasons(
            cost_idr=cost,
            remaining_idr=program.budget_idr - program.committed_idr,
            enrolled_workers=program.enrolled_workers,
            max_workers=program.max_workers,
        )
    return Assessment(nik, start, end, reasons, monthly, cost)


async def check_eligibility(
    session: AsyncSession,
    subject: Subject,
    program_id: uuid.UUID,
    data: WorkerInput,
    start_month: str | None,
) -> EligibilityResult:
    program = await get_program(session, subject, program_id)
    return (await assess(session, program, data, start_month)).result()


def commit_budget(program: Program, cost_idr: int, workers: int) -> None:
    program.committed_idr += cost_idr
    program.enrolled_workers += workers
    program.updated_at = utcnow()


async def enrol(
    session: AsyncSession,
    subject: Subject,
    program_id: uuid.UUID,
    data: WorkerInput,
    start_month: str | None,
) -> Enrolment:
    # Lock order everywhere: programme row, then person rows (R6 budget, one cover per NIK).
    program = await get_program(session, subject, program_id, for_update=True)
    nik = nik_rules.normalise(data.nik)
    if nik_rules.is_valid(nik):
        await worker_repository.lock_persons(session, [nik])
    assessment = await assess(session, program, data, start_month)
    if assessment.reasons:
        raise Ineligible(
            "See `reasons` for every rule the person does not meet.", reasons=assessment.reasons
        )
    assert assessment.cost_idr is not None and assessment.monthly_contribution_idr is not None
    existing = await worker_repository.workers_by_nik(session, program.region_code, [nik])
    worker = await upsert_worker(session, program.region_code, data, existing.get(nik))
    enrolment = Enrolment(
        program_id=program.id,
        worker_id=worker.id,
        region_code=program.region_code,
        nik=nik,
        occupation=data.occupation.value,
        start_month=assessment.start_month,
        end_month=assessment.end_month,
        monthly_contribution_idr=assessment.monthly_contribution_idr,
        cost_idr=assessment.cost_idr,
        registered_on=clock.today(),
    )
    session.add(enrolment)
    commit_budget(program, assessment.cost_idr, 1)
    session.add(program)
    await session.flush()
    record(
        session,
        subject,
        "enrolment.create",
        "enrolment",
        enrolment.id,
        region_code=program.region_code,
        details={
            "program_id": str(program.id),
            "worker_id": str(worker.id),
            "cost_idr": enrolment.cost_idr,
        },
    )
    return enrolment


async def billed_after(session: AsyncSession, enrolment_id: uuid.UUID, month: str) -> int:
    """Σ of the enrolment's live invoice lines for months after `month`."""
    total = (
        await session.exec(
            select(func.coalesce(func.sum(InvoiceLine.amount_idr), 0)).where(
                InvoiceLine.enrolment_id == enrolment_id,
                InvoiceLine.month > month,
                col(InvoiceLine.live).is_(True),
            )
        )
    ).one()
    return int(total)


def _require_status(enrolment: Enrolment, *allowed: EnrolmentStatus) -> None:
    if enrolment.status not in allowed:
        raise InvalidState(
            f"The enrolment is {enrolment.status}; this needs "
            f"{' or '.join(s.value for s in allowed)}.",
            current_status=enrolment.status,
        )


def _random_kpj() -> str:
    return str(10**10 + secrets.randbelow(9 * 10**10))


async def new_kpj_numbers(session: AsyncSession, count: int) -> list[str]:
    """`count` distinct 11-digit KPJ numbers not yet used (the unique index still guards)."""
    chosen: set[str] = set()
    while len(chosen) < count:
        candidates = {_random_kpj() for _ in range(count - len(chosen))} - chosen
        taken: set[str] = set()
        for part in chunks(sorted(candidates)):
            rows = await session.exec(
                select(col(Enrolment.kpj_number)).where(col(Enrolment.kpj_number).in_(part))
            )
            taken.update(kpj for kpj in rows if kpj is not None)
        chosen |= candidates - taken
    return sorted(chosen)


async def activate(
    session: AsyncSession, subject: Subject, enrolment_id: uuid.UUID, kpj_number: str | None
) -> Enrolment:
    enrolment = await repository.get_visible(session, subject, enrolment_id, for_update=True)
    _require_status(enrolment, EnrolmentStatus.pending)
    if kpj_number is not None:
        holder = (
            await session.exec(select(Enrolment.id).where(Enrolment.kpj_number == kpj_number))
        ).first()
        if holder is not None:
            raise KpjTaken(f"KPJ {kpj_number} is already assigned.")
    else:
        kpj_number = (await new_kpj_numbers(session, 1))[0]
    enrolment.status = EnrolmentStatus.active.value
    enrolment.kpj_number = kpj_number
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


async def activate_many(
    session: AsyncSession,
    subject: Subject,
    program_id: uuid.UUID,
    enrolment_ids: Sequence[uuid.UUID] | None,
) -> tuple[int, int]:
    """Activate a programme's pending enrolments (all, or the listed ones), set-based."""
    program = await get_program(session, subject, program_id)
    stmt = select(Enrolment.id).where(
        Enrolment.program_id == program.id, Enrolment.status == EnrolmentStatus.pending.value
    )
    pending: list[uuid.UUID] = []
    if enrolment_ids is None:
        pending = list(await session.exec(stmt.order_by(col(Enrolment.id)).with_for_update()))
    else:
        for part in chunks(sorted(set(enrolment_ids))):
            pending += list(
                await session.exec(
                    stmt.where(col(Enrolment.id).in_(part))
                    .order_by(col(Enrolment.id))
                    .with_for_update()
                )
            )
    skipped = 0 if enrolment_ids is None else len(set(enrolment_ids)) - len(pending)
    if pending:
        now = utcnow()
        numbers = await new_kpj_numbers(session, len(pending))
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
            params=[
                {"enrolment_id": eid, "kpj": kpj} for eid, kpj in zip(pending, numbers, strict=True)
            ],
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
    enrolment = await repository.get_visible(session, subject, enrolment_id)
    program = await get_program(session, subject, enrolment.program_id, for_update=True)
    enrolment = await repository.get_visible(session, subject, enrolment_id, for_update=True)
    _require_status(enrolment, EnrolmentStatus.pending)
    enrolment.status = EnrolmentStatus.rejected.value
    enrolment.rejection_reason = reason_text
    enrolment.updated_at = utcnow()
    commit_budget(program, -enrolment.cost_idr, -1)  # R10: a rejection releases all of it
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


async def terminate(
    session: AsyncSession,
    subject: Subject,
    enrolment_id: uuid.UUID,
    reason_code: TerminationReason,
    last_month: str,
) -> Enrolment:
    enrolment = await repository.get_visible(session, subject, enrolment_id)
    program = await get_program(session, subject, enrolment.program_id, for_update=True)
    enrolment = await repository.get_visible(session, subject, enrolment_id, for_update=True)
    _require_status(enrolment, EnrolmentStatus.active)
    if not enrolment.start_month <= last_month <= enrolment.end_month:
        raise Unprocessable(
            f"last_month must lie in {enrolment.start_month}…{enrolment.end_month}."
        )
    released = await end_cover(session, program, enrolment, last_month)
    program.enrolled_workers -= 1
    enrolment.status = EnrolmentStatus.terminated.value
    enrolment.termination_reason = reason_code.value
    enrolment.terminated_at = enrolment.updated_at = utcnow()
    session.add_all([enrolment, program])
    await session.flush()
    record(
        session,
        subject,
        "enrolment.terminate",
        "enrolment",
        enrolment.id,
        region_code=enrolment.region_code,
        details={"reason": reason_code.value, "last_month": last_month, "released_idr": released},
    )
    return enrolment


async def end_cover(
    session: AsyncSession, program: Program, enrolment: Enrolment, last_month: str
) -> int:
    """Shorten the cover to `last_month` and release the months no longer covered (R10).

    Months after it that already sit on a live invoice stay committed: that money is billed
    (perhaps paid) and must not be spent twice; crediting it is a billing matter."""
    _, kept = price(program, Occupation(enrolment.occupation), enrolment.start_month, last_month)
    kept += await billed_after(session, enrolment.id, last_month)
    released = enrolment.cost_idr - kept
    enrolment.end_month = last_month
    enrolment.cost_idr = kept
    program.committed_idr -= released
    program.updated_at = utcnow()
    return released
