"""Whether a person can be enrolled now, and at what price (R8, R9): nothing is written."""

import uuid
from dataclasses import dataclass
from datetime import date

from sqlmodel.ext.asyncio.session import AsyncSession

from app import clock
from app.auth.subject import Subject
from app.enrolments import eligibility, repository
from app.enrolments.eligibility import ProgramTerms, ReasonCode
from app.enrolments.schemas import EligibilityResult
from app.errors import Reason
from app.months import month_of
from app.programs import costing
from app.programs.costing import FundingSource, Occupation
from app.programs.models import Program, ProgramStatus
from app.programs.repository import read_program
from app.workers import nik as nik_rules
from app.workers.schemas import WorkerInput


def window(program: Program, start_month: str | None, registered_on: date) -> tuple[str, str]:
    """R9: start defaults to the later of the programme start and the registration month;
    the end is the programme's end."""
    start = start_month or max(program.coverage_start, month_of(registered_on))
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
    registered_on: date
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
    """Every reason the person cannot be enrolled today (R8, R9); nothing is written."""
    today = clock.today()
    start, end = window(program, start_month, today)
    nik = nik_rules.normalise(data.nik)
    person = eligibility.Person(nik, data.birth_date, data.sex, data.domicile_region_code)
    program_terms = terms(program)
    reasons = eligibility.person_reasons(person, program_terms, today)
    window_reasons = eligibility.program_reasons(program_terms, start, end)
    reasons += window_reasons + eligibility.start_reasons(start, today)
    if nik_rules.is_valid(nik):
        enrolled, deceased = await repository.standing_of(session, nik, start, end)
        reasons += eligibility.standing_reasons(already_enrolled=enrolled, deceased=deceased)
    monthly = cost = None
    if not any(r.code == ReasonCode.OUTSIDE_PROGRAM_WINDOW for r in window_reasons):
        monthly, cost = price(program, data.occupation, start, end)
        reasons += eligibility.money_reasons(
            cost_idr=cost,
            remaining_idr=program.budget_idr - program.committed_idr,
            enrolled_workers=program.enrolled_workers,
            max_workers=program.max_workers,
        )
    return Assessment(nik, today, start, end, reasons, monthly, cost)


async def check_eligibility(
    session: AsyncSession,
    subject: Subject,
    program_id: uuid.UUID,
    data: WorkerInput,
    start_month: str | None,
) -> EligibilityResult:
    program = await read_program(session, subject, program_id)
    return (await assess(session, program, data, start_month)).result()
