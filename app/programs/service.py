"""Programmes: creation, revision, closing and the budget figures (R5, R6)."""

from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from app import clock
from app.audit.service import record
from app.auth.scopes import Role
from app.auth.subject import Subject
from app.billing.repository import billing_totals
from app.db import utcnow
from app.errors import DomainError, Forbidden, Unprocessable
from app.i18n import msg
from app.months import month_of
from app.programs import costing
from app.programs.costing import FundingSource, Occupation
from app.programs.models import Program, ProgramStatus
from app.programs.schemas import BudgetFigures, ProgramCreate, ProgramPublic, ProgramUpdate
from app.regions.models import Region


class BudgetBelowCommitted(DomainError):
    status, code, title = (
        409,
        "BUDGET_BELOW_COMMITTED",
        "The budget cannot go below what is committed",
    )


class UnknownRegion(Unprocessable):
    code, title = "UNKNOWN_REGION", "No such region"


def remaining_window(program: Program) -> tuple[str, str]:
    """The months still to be covered: from this month (or the start) to the end."""
    return max(program.coverage_start, month_of(clock.today())), program.coverage_end


@dataclass(frozen=True)
class Billed:
    """What billing knows of a programme's money."""

    invoiced_idr: int = 0
    paid_idr: int = 0
    outstanding_idr: int = 0
    credited_idr: int = 0
    credit_applied_idr: int = 0


def has_ended(program: Program) -> bool:
    return program.status == ProgramStatus.closed or program.coverage_end < month_of(clock.today())


def budget_figures(program: Program, billed: Billed = Billed()) -> BudgetFigures:
    remaining = program.budget_idr - program.committed_idr
    start, end = remaining_window(program)
    balance = billed.credited_idr - billed.credit_applied_idr
    return BudgetFigures(
        budget_idr=program.budget_idr,
        committed_idr=program.committed_idr,
        invoiced_idr=billed.invoiced_idr,
        paid_idr=billed.paid_idr,
        outstanding_idr=billed.outstanding_idr,
        credited_idr=billed.credited_idr,
        credit_balance_idr=balance,
        refundable_idr=balance if has_ended(program) else 0,
        remaining_idr=remaining,
        capacity_workers=costing.capacity_workers(
            remaining,
            start,
            end,
            FundingSource(program.funding_source),
            program.declared_income_idr,
        ),
    )


def to_public(program: Program, billed: Billed = Billed()) -> ProgramPublic:
    return ProgramPublic.model_validate(
        {
            **program.model_dump(),
            "monthly_contribution_idr": costing.monthly_contribution(
                program.coverage_start,
                FundingSource(program.funding_source),
                Occupation.lainnya,
                program.declared_income_idr,
            ),
            "budget": budget_figures(program, billed),
        }
    )


async def publish(session: AsyncSession, programs: list[Program]) -> list[ProgramPublic]:
    """Programmes as the API shows them, with invoiced and paid money from billing."""
    ids = [p.id for p in programs]
    totals = await billing_totals(session, ids)
    return [to_public(p, Billed(*totals[p.id])) for p in programs]


async def create_program(session: AsyncSession, subject: Subject, data: ProgramCreate) -> Program:
    region_code = data.region_code or subject.region
    if region_code is None:
        raise Unprocessable(msg("program.region_required"))
    if subject.role is Role.pemda and region_code != subject.region:
        raise Forbidden(msg("program.own_region_only"))
    if not subject.can_see(region_code):
        raise Forbidden(msg("program.region_outside_territory"))
    if await session.get(Region, region_code) is None:
        raise UnknownRegion(msg("region.unknown", code=region_code))
    program = Program(
        **data.model_dump(exclude={"region_code"}, mode="json"), region_code=region_code
    )
    session.add(program)
    await session.flush()
    record(
        session,
        subject,
        "program.create",
        "program",
        program.id,
        region_code=region_code,
        details={"budget_idr": program.budget_idr},
    )
    return program


async def update_program(
    session: AsyncSession, subject: Subject, program: Program, data: ProgramUpdate
) -> Program:
    """`program` must have been read FOR UPDATE: a budget cut races with enrolments."""
    changes = data.model_dump(exclude_unset=True)
    if "budget_idr" in changes and changes["budget_idr"] is None:
        raise Unprocessable(msg("program.budget_null"))
    if "budget_idr" in changes and changes["budget_idr"] < program.committed_idr:
        raise BudgetBelowCommitted(
            msg(
                "program.budget_below_committed",
                committed_idr=program.committed_idr,
                budget_idr=changes["budget_idr"],
            )
        )
    before = {k: getattr(program, k) for k in changes}
    for field, value in changes.items():
        setattr(program, field, value)
    program.updated_at = utcnow()
    session.add(program)
    await session.flush()
    record(
        session,
        subject,
        _action_for(changes),
        "program",
        program.id,
        region_code=program.region_code,
        details={
            "changed": sorted(changes),
            "before": _numbers(before),
            "after": _numbers(changes),
        },
    )
    return program


def _action_for(changes: dict[str, object]) -> str:
    if changes.get("status") == ProgramStatus.closed:
        return "program.close"
    if "budget_idr" in changes:
        return "program.revise_budget"
    return "program.update"


def _numbers(values: dict[str, object]) -> dict[str, object]:
    return {k: v for k, v in values.items() if k != "name"}
