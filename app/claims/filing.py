"""Filing a death-benefit claim (R15, R22): who died, when, covered by what, claimed by whom."""

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app import clock
from app.auth.subject import Subject
from app.calendar import add_years
from app.claims import heirs
from app.claims.documents import note_documents
from app.claims.models import CauseOfDeath, Claim, Relationship
from app.claims.repository import live_claim_exists
from app.claims.schemas import ClaimCreate
from app.claims.transitions import record_step
from app.enrolments.models import VERIFIED, Enrolment
from app.errors import DomainError
from app.i18n import msg
from app.months import month_of
from app.territory import visible
from app.workers.repository import lock_persons

JKK_CLAIM_LIMIT_YEARS = 5  # PP 82/2019 art. 26: a JKK claim expires 5 years after the death


class NotCovered(DomainError):
    status, code, title = 422, "NOT_COVERED", "No enrolment covered the member on that day"


class DeathInFuture(DomainError):
    status, code, title = 422, "DEATH_DATE_IN_FUTURE", "The date of death is in the future"


class DuplicateClaim(DomainError):
    status, code, title = 409, "DUPLICATE_CLAIM", "A claim for this member is already open"


class ClaimExpired(DomainError):
    status, code, title = 422, "CLAIM_EXPIRED", "The right to claim has expired"


class HeirNotEntitled(DomainError):
    status, code, title = 422, "HEIR_NOT_ENTITLED", "The claimant is not the entitled heir"


def _check_dates(data: ClaimCreate) -> None:
    today = clock.today()
    if data.date_of_death > today:
        raise DeathInFuture(msg("claim.death_in_future"))
    if data.cause_of_death is CauseOfDeath.work_accident:
        limit = add_years(data.date_of_death, JKK_CLAIM_LIMIT_YEARS)
        if today > limit:
            raise ClaimExpired(
                msg("claim.jkk_expired", years=JKK_CLAIM_LIMIT_YEARS, limit=limit.isoformat())
            )


def _check_heir(data: ClaimCreate) -> None:
    problem = heirs.heir_problem(
        data.claimant.relationship,
        [Relationship(f.relationship) for f in data.family],
        has_children=bool(data.children),
    )
    if problem is not None:
        raise HeirNotEntitled(problem)


async def file_claim(session: AsyncSession, subject: Subject, data: ClaimCreate) -> Claim:
    _check_dates(data)
    _check_heir(data)
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
        raise NotCovered(msg("claim.not_covered"))
    # The person row serialises claims for one NIK; the partial unique index backs it up.
    await lock_persons(session, [data.nik])
    if await live_claim_exists(session, data.nik):
        raise DuplicateClaim(msg("claim.duplicate"))
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
        family=[f.model_dump(mode="json") for f in data.family],
    )
    note_documents(claim, data.documents)
    session.add(claim)
    await session.flush()
    record_step(session, subject, claim, None)
    return claim
