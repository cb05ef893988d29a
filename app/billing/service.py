"""Coverage look-ups over enrolments and paid months (R14)."""

import uuid
from datetime import date

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.auth.subject import Subject
from app.billing import repository
from app.billing.coverage import Cover, Coverage, coverage_on
from app.billing.schemas import CoveragePublic
from app.enrolments.models import VERIFIED, Enrolment
from app.months import month_of
from app.territory import visible
from app.workers import nik as nik_rules
from app.workers.repository import deceased_niks


def cover_of(enrolment: Enrolment, paid: frozenset[str]) -> Cover:
    return Cover(enrolment.start_month, enrolment.end_month, enrolment.registered_on, paid)


async def enrolment_coverage(
    session: AsyncSession, enrolments: list[Enrolment], day: date
) -> dict[uuid.UUID, Coverage]:
    """Coverage of each enrolment on `day` (a pending or rejected one covers nothing)."""
    paid = await repository.paid_months(session, [e.id for e in enrolments])
    died = await deceased_niks(session, [e.nik for e in enrolments])
    return {
        e.id: coverage_on(
            day, cover_of(e, paid[e.id]) if e.status in VERIFIED else None, died.get(e.nik)
        )
        for e in enrolments
    }


async def lookup(session: AsyncSession, subject: Subject, nik: str, day: date) -> CoveragePublic:
    """A NIK's status on `day` as the caller's territory knows it; unknown → not_covered."""
    nik = nik_rules.normalise(nik)
    month = month_of(day)
    stmt = visible(
        select(Enrolment).where(
            Enrolment.nik == nik,
            col(Enrolment.status).in_(VERIFIED),
            Enrolment.start_month <= month,
            Enrolment.end_month >= month,
        ),
        subject,
        Enrolment.region_code,
    )
    enrolment = (await session.exec(stmt.order_by(col(Enrolment.registered_on)))).first()
    died = (await deceased_niks(session, [nik])).get(nik)
    if enrolment is None:
        coverage = coverage_on(day, None, died)
    else:
        paid = (await repository.paid_months(session, [enrolment.id]))[enrolment.id]
        coverage = coverage_on(day, cover_of(enrolment, paid), died)
    return CoveragePublic(
        status=coverage.status,
        covered=coverage.covered,
        on=day,
        nik_masked=nik_rules.mask(nik),
        kpj_number=enrolment.kpj_number if enrolment else None,
        paid_through=coverage.paid_through,
        region_code=enrolment.region_code if enrolment else None,
    )
