"""Programme reports: money, enrolments, coverage today and claims, in a few grouped queries."""

import statistics
from collections import Counter
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app import clock
from app.billing.service import Identified, enrolment_coverage
from app.billing.standing import coverage_counts
from app.claims.models import Claim, ClaimStatus
from app.claims.service import working_days_to_payment
from app.db import dialect_name
from app.enrolments.models import VERIFIED, Enrolment, EnrolmentStatus
from app.programs.models import Program
from app.programs.service import publish
from app.reports.schemas import ClaimsSummary, EnrolmentSummary, ProgramReport


async def _coverage_today(session: AsyncSession, program: Program, today: date) -> Counter[str]:
    """Every verified enrolment's status today: counted in SQL on PostgreSQL, where only the
    members the set-based rules cannot decide are judged one by one; in Python on SQLite."""
    undecided: Sequence[Identified]
    if dialect_name(session) == "postgresql":
        counts, undecided = await coverage_counts(session, program.id, today)
    else:
        counts = Counter()
        rows: list[Any] = list(  # rows with .id and .nik: no ORM objects for 100,000 members
            await session.exec(
                select(Enrolment.id, Enrolment.nik).where(
                    Enrolment.program_id == program.id,
                    col(Enrolment.status).in_(VERIFIED),
                )
            )
        )
        undecided = rows
    judged = await enrolment_coverage(session, undecided, today)
    counts.update(c.status.value for c in judged.values())
    return counts


async def program_report(session: AsyncSession, program: Program) -> ProgramReport:
    public = (await publish(session, [program]))[0]
    by_status = dict(
        (
            await session.exec(
                select(Enrolment.status, func.count())
                .where(Enrolment.program_id == program.id)
                .group_by(col(Enrolment.status))
            )
        ).all()
    )
    live = (EnrolmentStatus.pending.value, EnrolmentStatus.active.value)
    by_occupation = dict(
        (
            await session.exec(
                select(Enrolment.occupation, func.count())
                .where(Enrolment.program_id == program.id, col(Enrolment.status).in_(live))
                .group_by(col(Enrolment.occupation))
            )
        ).all()
    )
    today = clock.today()
    coverage = await _coverage_today(session, program, today)
    claims = list(
        await session.exec(
            select(Claim)
            .join(Enrolment, col(Enrolment.id) == col(Claim.enrolment_id))
            .where(Enrolment.program_id == program.id)
        )
    )
    days = [d for d in map(working_days_to_payment, claims) if d is not None]
    enrolled = by_status.get(EnrolmentStatus.pending.value, 0) + by_status.get(
        EnrolmentStatus.active.value, 0
    )
    return ProgramReport(
        program=public,
        on=today,
        enrolments=EnrolmentSummary(
            by_status={s.value: by_status.get(s.value, 0) for s in EnrolmentStatus},
            by_occupation=by_occupation,
            target_reached_percent=round(100 * enrolled / program.target_workers, 1)
            if program.target_workers
            else None,
        ),
        coverage_today=dict(sorted(coverage.items())),
        claims=ClaimsSummary(
            by_status=dict(sorted(Counter(c.status for c in claims).items())),
            paid_total_idr=sum(
                c.benefit_total_idr or 0 for c in claims if c.status == ClaimStatus.paid
            ),
            median_working_days_to_payment=statistics.median(days) if days else None,
        ),
    )
