"""Death-benefit claims: filing, the R16 workflow, approval effects (R20) and payment."""

import uuid
from datetime import date, timedelta

from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from app import clock
from app.audit.service import record
from app.auth.subject import Subject
from app.billing.repository import paid_months
from app.claims import benefits, workflow
from app.claims.models import Claim, ClaimEvent, ClaimStatus, DocumentType, Relationship
from app.claims.schemas import ClaimCreate, ClaimPayment, ClaimRejection
from app.claims.workflow import ClaimAction
from app.db import utcnow
from app.enrolments.models import VERIFIED, Enrolment, EnrolmentStatus, TerminationReason
from app.enrolments.service import end_cover
from app.errors import DomainError, NotFound, Unprocessable
from app.months import add_months, first_day, month_of
from app.programs.models import Program
from app.territory import get_visible_by_id, visible
from app.workers.models import Person
from app.workers.repository import lock_persons

ALWAYS_REQUIRED = frozenset(
    {
        DocumentType.akta_kematian,
        DocumentType.ktp_member,
        DocumentType.kk_member,
        DocumentType.ktp_heir,
        DocumentType.surat_keterangan_ahli_waris,
        DocumentType.buku_tabungan,
    }
)


class ClaimNotFound(NotFound):
    code, title = "CLAIM_NOT_FOUND", "No such claim"


class NotCovered(DomainError):
    status, code, title = 422, "NOT_COVERED", "No enrolment covered the member on that day"


class DeathInFuture(DomainError):
    status, code, title = 422, "DEATH_DATE_IN_FUTURE", "The date of death is in the future"


class DuplicateClaim(DomainError):
    status, code, title = 409, "DUPLICATE_CLAIM", "A claim for this member is already open"


class ContributionUnpaid(DomainError):
    status, code, title = 409, "CONTRIBUTION_UNPAID", "The month of death is not paid"


def required_documents(relationship: Relationship) -> frozenset[DocumentType]:
    if relationship is Relationship.spouse:
        return ALWAYS_REQUIRED | {DocumentType.buku_nikah}
    return ALWAYS_REQUIRED


def missing_documents(claim: Claim) -> list[DocumentType]:
    held = set(claim.documents)
    needed = required_documents(Relationship(claim.claimant_relationship))
    return sorted(d for d in needed if d.value not in held)


def working_days_between(start: date, end: date) -> int:
    """Monday–Friday days after `start` up to and including `end`."""
    days, day = 0, start
    while day < end:
        day += timedelta(days=1)
        days += day.weekday() < 5
    return days


def working_days_to_payment(claim: Claim) -> int | None:
    """R16: from complete documents to payment (BPJS aims at about 3 working days)."""
    if claim.paid_on is None or claim.documents_complete_on is None:
        return None
    return working_days_between(claim.documents_complete_on, claim.paid_on)


async def get_claim(
    session: AsyncSession, subject: Subject, claim_id: uuid.UUID, *, for_update: bool = False
) -> Claim:
    return await get_visible_by_id(
        session, subject, Claim, claim_id, ClaimNotFound, for_update=for_update
    )


def _event(
    session: AsyncSession,
    subject: Subject,
    claim: Claim,
    before: ClaimStatus | None,
    note: str | None = None,
) -> None:
    session.add(
        ClaimEvent(
            claim_id=claim.id,
            from_status=before,
            to_status=claim.status,
            actor=subject.sub,
            role=subject.role.value,
            note=note,
        )
    )
    record(
        session,
        subject,
        f"claim.{claim.status}",
        "claim",
        claim.id,
        region_code=claim.region_code,
        details={"from": before},
    )


def _note_documents(claim: Claim, documents: list[DocumentType]) -> None:
    claim.documents = sorted(set(claim.documents) | {d.value for d in documents})
    if claim.documents_complete_on is None and not missing_documents(claim):
        claim.documents_complete_on = clock.today()  # R16: days counted in Jakarta dates


async def file_claim(session: AsyncSession, subject: Subject, data: ClaimCreate) -> Claim:
    if data.date_of_death > clock.today():
        raise DeathInFuture("A claim is filed after the death, not before.")
    month = month_of(data.date_of_death)
    stmt = visible(
        select(Enrolment).where(
            Enrolment.nik == data.nik,
            col(Enrolment.status).in_(VERIFIED),
            Enrolment.start_month <= month,
            Enrolment.end_month >= month,
            Enrolment.registered_on <= data.date_of_death,
        ),
        subject,
        Enrolment.region_code,
    )
    enrolment = (await session.exec(stmt)).first()
    if enrolment is None:
        raise NotCovered(
            "No enrolment in the caller's territory covered this NIK on the date of death "
            "(cover registered after a death does not count)."
        )
    # The person row serialises claims for one NIK; the partial unique index backs it up.
    await lock_persons(session, [data.nik])
    live = (
        await session.exec(
            select(Claim.id).where(
                Claim.nik == data.nik, Claim.status != ClaimStatus.rejected.value
            )
        )
    ).first()
    if live is not None:
        raise DuplicateClaim("This member already has a claim that is not rejected.")
    claim = Claim(
        region_code=enrolment.region_code,
        nik=data.nik,
        enrolment_id=enrolment.id,
        date_of_death=data.date_of_death,
        cause_of_death=data.cause_of_death.value,
        death_certificate_number=data.death_certificate_number,
        claimant_nik=data.claimant.nik,
        claimant_name=data.claimant.full_name,
        claimant_relationship=data.claimant.relationship.value,
        bank_name=data.claimant.bank_name,
        bank_account_number=data.claimant.bank_account_number,
        children=[c.model_dump(mode="json") for c in data.children],
    )
    _note_documents(claim, data.documents)
    session.add(claim)
    await session.flush()
    _event(session, subject, claim, None)
    return claim


async def _move(
    session: AsyncSession, subject: Subject, claim_id: uuid.UUID, action: ClaimAction
) -> tuple[Claim, ClaimStatus]:
    claim = await get_claim(session, subject, claim_id, for_update=True)
    before = ClaimStatus(claim.status)
    claim.status = workflow.next_status(before, action).value
    claim.updated_at = utcnow()
    return claim, before


async def review(session: AsyncSession, subject: Subject, claim_id: uuid.UUID) -> Claim:
    claim, before = await _move(session, subject, claim_id, ClaimAction.review)
    _event(session, subject, claim, before)
    return claim


async def request_documents(
    session: AsyncSession, subject: Subject, claim_id: uuid.UUID, note: str
) -> Claim:
    claim, before = await _move(session, subject, claim_id, ClaimAction.request_documents)
    claim.documents_note = note
    _event(session, subject, claim, before, note)
    return claim


async def submit_documents(
    session: AsyncSession, subject: Subject, claim_id: uuid.UUID, documents: list[DocumentType]
) -> Claim:
    claim, before = await _move(session, subject, claim_id, ClaimAction.submit_documents)
    _note_documents(claim, documents)
    _event(session, subject, claim, before, ", ".join(sorted({d.value for d in documents})))
    return claim


async def reject(
    session: AsyncSession, subject: Subject, claim_id: uuid.UUID, data: ClaimRejection
) -> Claim:
    claim, before = await _move(session, subject, claim_id, ClaimAction.reject)
    claim.rejection_code, claim.rejection_detail = data.reason_code, data.detail
    _event(session, subject, claim, before, data.reason_code)
    return claim


async def _membership(
    session: AsyncSession, nik: str, enrolment: Enrolment, death_month: str
) -> tuple[date, int]:
    """(start of continuous membership, paid months up to the month of death) for the member:
    enrolments that follow one another month after month count as one membership; months
    prepaid beyond the death do not count towards R19's 36."""
    history = list(
        await session.exec(
            select(Enrolment).where(Enrolment.nik == nik, col(Enrolment.status).in_(VERIFIED))
        )
    )
    start = enrolment.start_month
    by_end = {e.end_month: e for e in history}
    while (previous := by_end.get(add_months(start, -1))) is not None:
        start = previous.start_month
    paid = await paid_months(session, [e.id for e in history])
    return first_day(start), sum(
        1 for months in paid.values() for month in months if month <= death_month
    )


async def approve(session: AsyncSession, subject: Subject, claim_id: uuid.UUID) -> Claim:
    # Lock order: claim, programme, enrolment, person (enrolment flows: programme, person).
    claim, before = await _move(session, subject, claim_id, ClaimAction.approve)
    enrolment = await session.get(Enrolment, claim.enrolment_id)
    assert enrolment is not None
    program = (
        await session.exec(
            select(Program).where(Program.id == enrolment.program_id).with_for_update()
        )
    ).one()
    enrolment = (
        await session.exec(
            select(Enrolment)
            .where(Enrolment.id == claim.enrolment_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    ).one()
    death_month = month_of(claim.date_of_death)
    if death_month not in (await paid_months(session, [enrolment.id]))[enrolment.id]:
        raise ContributionUnpaid(f"The contribution for {death_month} is not paid yet.")
    membership_start, contribution_months = await _membership(
        session, claim.nik, enrolment, death_month
    )
    benefit = benefits.calculate(
        cause=benefits.CauseOfDeath(claim.cause_of_death),
        date_of_death=claim.date_of_death,
        membership_start=membership_start,
        declared_income_idr=program.declared_income_idr,
        contribution_months=contribution_months,
        children=[
            benefits.Child(
                c["full_name"],
                date.fromisoformat(c["birth_date"]),
                benefits.EducationLevel(c["education_level"]),
            )
            for c in claim.children
        ],
    )
    claim.benefit = benefit_dict(benefit)
    claim.benefit_total_idr = benefit.total_idr
    # R20: no cover after the month of death, its money back to the budget, NIK deceased.
    if enrolment.end_month > death_month:
        await end_cover(session, program, enrolment, death_month)
    if enrolment.status == EnrolmentStatus.active:
        program.enrolled_workers -= 1
        enrolment.status = EnrolmentStatus.terminated.value
        enrolment.termination_reason = TerminationReason.deceased.value
        enrolment.terminated_at = enrolment.updated_at = utcnow()
    # The person row first: once it says deceased (and stays locked), no new enrolment of
    # this NIK can appear, so the later ones found below are all there will be.
    await session.exec(
        update(Person)
        .where(col(Person.nik) == claim.nik)
        .values(died_on=claim.date_of_death, death_claim_id=claim.id)
    )
    await _withdraw_later_enrolments(session, claim.nik, death_month)
    session.add_all([claim, program, enrolment])
    await session.flush()
    _event(session, subject, claim, before, f"total Rp {benefit.total_idr:,}")
    return claim


async def _withdraw_later_enrolments(session: AsyncSession, nik: str, death_month: str) -> None:
    """Enrolments that would only start after the death (a later programme, another region)
    never cover anything: they are rejected and their whole cost goes back to the budget.
    Programme rows are locked before enrolment rows, as everywhere else."""
    later = (
        select(Enrolment)
        .where(
            Enrolment.nik == nik,
            col(Enrolment.status).in_(
                (EnrolmentStatus.pending.value, EnrolmentStatus.active.value)
            ),
            Enrolment.start_month > death_month,
        )
        .order_by(col(Enrolment.program_id))
    )
    program_ids = sorted({e.program_id for e in await session.exec(later)})
    if not program_ids:
        return
    programs = {
        p.id: p
        for p in await session.exec(
            select(Program)
            .where(col(Program.id).in_(program_ids))
            .order_by(col(Program.id))
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    }
    for other in await session.exec(
        later.with_for_update().execution_options(populate_existing=True)
    ):
        program = programs.get(other.program_id)
        if program is None:  # cannot appear while the person row is locked; be safe anyway
            continue
        program.committed_idr -= other.cost_idr
        program.enrolled_workers -= 1
        program.updated_at = other.updated_at = utcnow()
        other.status = EnrolmentStatus.rejected.value
        other.rejection_reason = "member deceased before this cover began"
        session.add_all([program, other])


def benefit_dict(benefit: benefits.Benefit) -> dict[str, object]:
    return {
        "type": benefit.type.value,
        "lump_sum_idr": benefit.lump_sum_idr,
        "periodic_idr": benefit.periodic_idr,
        "funeral_idr": benefit.funeral_idr,
        "scholarship_first_year_idr": benefit.scholarship_first_year_idr,
        "total_idr": benefit.total_idr,
        "scholarships": [
            {
                "child": s.child,
                "education_level": s.education_level.value,
                "max_entitlement_idr": s.max_entitlement_idr,
                "first_year_idr": s.first_year_idr,
            }
            for s in benefit.scholarships
        ],
    }


async def pay(
    session: AsyncSession, subject: Subject, claim_id: uuid.UUID, data: ClaimPayment
) -> Claim:
    claim, before = await _move(session, subject, claim_id, ClaimAction.pay)
    if data.paid_on > clock.today():
        raise Unprocessable("paid_on cannot be in the future.")
    claim.payment_reference, claim.paid_on = data.reference, data.paid_on
    _event(session, subject, claim, before, data.reference)
    return claim


async def histories(
    session: AsyncSession, claim_ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[ClaimEvent]]:
    """Each claim's steps in order, for a whole page of claims in one query."""
    found: dict[uuid.UUID, list[ClaimEvent]] = {claim_id: [] for claim_id in claim_ids}
    for event in await session.exec(
        select(ClaimEvent)
        .where(col(ClaimEvent.claim_id).in_(claim_ids))
        .order_by(col(ClaimEvent.occurred_at), col(ClaimEvent.id))
    ):
        found[event.claim_id].append(event)
    return found
