"""Approving a claim (R16–R20): documents, contributions and membership checked, the benefit
frozen, and the death's effects on every enrolment of the member."""

import uuid
from datetime import date

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app import clock
from app.auth.subject import Subject
from app.billing.coverage import CoverageStatus, coverage_on
from app.claims import benefits
from app.claims.documents import require_complete
from app.claims.models import Claim
from app.claims.transitions import move, record_step
from app.claims.workflow import ClaimAction
from app.db import lock_by_ids
from app.enrolments.ending import end_enrolment, withdraw
from app.enrolments.membership import chains_of
from app.enrolments.models import Enrolment, EnrolmentStatus, TerminationReason
from app.errors import DomainError
from app.i18n import msg
from app.months import month_of
from app.programs.models import Program
from app.workers.models import Person


class ContributionUnpaid(DomainError):
    status, code, title = 409, "CONTRIBUTION_UNPAID", "The month of death is not paid"


class MembershipLapsed(DomainError):
    status, code, title = 409, "MEMBERSHIP_LAPSED", "The membership had lapsed at the death"


async def _lock_cover(session: AsyncSession, claim: Claim) -> tuple[Program, Enrolment]:
    """Programme, then enrolment: the order every enrolment flow takes."""
    enrolment = await session.get(Enrolment, claim.enrolment_id)
    assert enrolment is not None
    program = (await lock_by_ids(session, Program, [enrolment.program_id]))[enrolment.program_id]
    locked = (await lock_by_ids(session, Enrolment, [claim.enrolment_id]))[claim.enrolment_id]
    return program, locked


async def _benefit(session: AsyncSession, claim: Claim, program: Program) -> benefits.Benefit:
    """R16's money checks on the member's whole membership, then R17–R19's amounts."""
    died, death_month = claim.date_of_death, month_of(claim.date_of_death)
    covers = (await chains_of(session, [claim.nik])).by_nik[claim.nik]
    cover = next((c for c in covers if c.start_month <= death_month <= c.end_month), None)
    if cover is None or death_month not in cover.settled:
        raise ContributionUnpaid(msg("claim.contribution_unpaid", month=death_month))
    # Judged as things stood on the day of death: arrears paid afterwards revive nothing.
    standing = coverage_on(died, covers)
    if standing.status is CoverageStatus.lapsed or standing.membership_begins_on is None:
        raise MembershipLapsed(msg("claim.membership_lapsed"))
    return benefits.calculate(
        cause=benefits.CauseOfDeath(claim.cause_of_death),
        date_of_death=died,
        membership_start=standing.membership_begins_on,
        declared_income_idr=program.declared_income_idr,
        contribution_months=sum(1 for c in covers for month in c.settled if month <= death_month),
        children=[
            benefits.Child(
                c["full_name"],
                date.fromisoformat(c["birth_date"]),
                benefits.EducationLevel(c["education_level"]),
            )
            for c in claim.children
        ],
    )


async def approve(session: AsyncSession, subject: Subject, claim_id: uuid.UUID) -> Claim:
    # Lock order: claim, programme, enrolment, person (enrolment flows: programme, person).
    claim, before = await move(session, subject, claim_id, ClaimAction.approve)
    require_complete(claim)
    program, enrolment = await _lock_cover(session, claim)
    benefit = await _benefit(session, claim, program)
    claim.benefit = benefit_dict(benefit)
    claim.benefit_total_idr = benefit.total_idr
    claim.approved_on = clock.today()
    # R20: no cover after the month of death; the money of later months back (R23).
    death_month = month_of(claim.date_of_death)
    await end_enrolment(
        session, subject, program, enrolment, death_month, TerminationReason.deceased
    )
    # The person row first: once it says deceased (and stays locked), no new enrolment of
    # this NIK can appear, so the later ones found below are all there will be.
    await session.exec(
        update(Person)
        .where(col(Person.nik) == claim.nik)
        .values(died_on=claim.date_of_death, death_claim_id=claim.id)
    )
    await _withdraw_later_enrolments(session, subject, claim.nik, death_month)
    session.add(claim)
    await session.flush()
    record_step(session, subject, claim, before, f"total Rp {benefit.total_idr:,}")
    return claim


async def _withdraw_later_enrolments(
    session: AsyncSession, subject: Subject, nik: str, death_month: str
) -> None:
    """Enrolments that would only start after the death (a later programme, another region)
    never cover anything: withdrawn, their money back. Programme rows are locked before
    enrolment rows, as everywhere else."""
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
    programs = await lock_by_ids(session, Program, program_ids)
    for other in list(
        await session.exec(later.with_for_update().execution_options(populate_existing=True))
    ):
        await withdraw(
            session,
            subject,
            programs[other.program_id],
            other,
            "member deceased before this cover began",
        )


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
