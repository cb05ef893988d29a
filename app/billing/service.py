"""Coverage look-ups: a NIK's status on a day, and each enrolment's today (R14)."""

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Protocol

from sqlmodel.ext.asyncio.session import AsyncSession

from app.auth.subject import Subject
from app.billing.coverage import Coverage, coverage_on, paid_through, status_on
from app.billing.schemas import CoveragePublic
from app.enrolments.membership import chains_of
from app.errors import Unprocessable
from app.i18n import msg
from app.months import month_of, months_between
from app.workers import nik as nik_rules


class NikInvalid(Unprocessable):
    code, title = "NIK_INVALID", "The NIK is not a valid NIK"


class Identified(Protocol):
    @property
    def id(self) -> uuid.UUID: ...
    @property
    def nik(self) -> str: ...


async def enrolment_coverage(
    session: AsyncSession, enrolments: Sequence[Identified], day: date
) -> dict[uuid.UUID, Coverage]:
    """Each enrolment on `day`: the member's status, judged over the whole membership, while
    the enrolment holds month(day); otherwise it covers nothing. `paid_through` is the
    enrolment's own."""
    chains = await chains_of(session, sorted({e.nik for e in enrolments}))
    died = chains.died
    month = month_of(day)
    found: dict[uuid.UUID, Coverage] = {}
    for e in enrolments:
        own = chains.by_enrolment.get(e.id)
        if own is None:
            found[e.id] = Coverage(coverage_on(day, [], died.get(e.nik)).status)
            continue
        through = paid_through([(m, own) for m in months_between(own.start_month, own.end_month)])
        holds = own.start_month <= month <= own.end_month
        status = status_on(day, chains.by_nik[e.nik] if holds else [], died.get(e.nik))
        found[e.id] = Coverage(status, through)
    return found


async def lookup(session: AsyncSession, subject: Subject, nik: str, day: date) -> CoveragePublic:
    """A NIK's status on `day`, answered only where the caller's territory holds an enrolment
    for month(day); an unknown NIK is `not_covered`, a malformed one 422."""
    nik = nik_rules.normalise(nik)
    if not nik_rules.is_valid(nik):
        raise NikInvalid(msg("coverage.nik_invalid"))
    month = month_of(day)
    chains = await chains_of(session, [nik])
    enrolment = next(
        (
            h
            for h in chains.held[nik]
            if h.cover.start_month <= month <= h.cover.end_month and subject.can_see(h.region_code)
        ),
        None,
    )
    covers = chains.by_nik[nik] if enrolment is not None else []
    # A death is told only to who may know it: a caller whose territory holds the person's
    # enrolment, or a national one. A region asking about someone else's member learns
    # nothing — `not_covered`, as for a NIK nobody knows.
    died = chains.died.get(nik) if enrolment is not None or subject.regions is None else None
    coverage = coverage_on(day, covers, died)
    return CoveragePublic(
        status=coverage.status,
        covered=coverage.covered,
        on=day,
        nik_masked=nik_rules.mask(nik),
        kpj_number=enrolment.kpj_number if enrolment else None,
        paid_through=coverage.paid_through,
        region_code=enrolment.region_code if enrolment else None,
    )
