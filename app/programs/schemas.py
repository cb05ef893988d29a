import uuid
from datetime import datetime
from typing import Annotated, Any, Literal, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    StringConstraints,
    field_validator,
    model_validator,
)

from app import examples
from app.months import Month
from app.programs.costing import (
    CONTRIBUTION_RATES,
    DEFAULT_DECLARED_INCOME_IDR,
    FundingSource,
)
from app.programs.models import ProgramStatus

RegionCode = Annotated[str, StringConstraints(pattern=r"^[0-9]{4}$")]
# Strict: JSON's `true` or `"5"` is not a number of rupiah or of workers (lax pydantic says 1, 5).
Rupiah = Annotated[StrictInt, Field(ge=0, le=10**15)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


EARLIEST_RATE_MONTH = min(rate.valid_from for rate in CONTRIBUTION_RATES)

# Target 13,500 workers × Rp 201,600 for the year = Rp 2,721,600,000: within the budget.
PROGRAM_CREATE_EXAMPLE: dict[str, Any] = {
    "name": examples.PROGRAM_NAME,
    "fiscal_year": 2026,
    "funding_source": "DBHCHT",
    "budget_idr": 2_800_000_000,
    "target_workers": 13_500,
    "coverage_start": "2026-01",
    "coverage_end": "2026-12",
    "declared_income_idr": 1_000_000,
    "min_age": 15,
    "max_age": 65,
    "max_workers": None,
    "region_code": examples.REGION_CODE,
}
# On 1 June 2026: 11,999 workers enrolled for the year (11,999 × Rp 201,600) plus January-May
# of the member who died in May (5 × Rp 16,800); the whole year billed in January for the
# 11,950 then active and paid; June-December of the deceased credited back (7 × Rp 16,800);
# Rp 380,917,600 left covers 3,239 more workers for June-December (7 × Rp 16,800 each).
BUDGET_EXAMPLE: dict[str, Any] = {
    "budget_idr": 2_800_000_000,
    "committed_idr": 2_419_082_400,
    "invoiced_idr": 2_409_120_000,
    "paid_idr": 2_409_120_000,
    "outstanding_idr": 0,
    "credited_idr": 117_600,
    "credit_balance_idr": 117_600,
    "refundable_idr": 0,
    "remaining_idr": 380_917_600,
    "capacity_workers": 3_239,
}
PROGRAM_EXAMPLE: dict[str, Any] = {
    "id": examples.PROGRAM_ID,
    **PROGRAM_CREATE_EXAMPLE,
    "status": "open",
    "enrolled_workers": 11_999,
    "monthly_contribution_idr": examples.MONTHLY_CONTRIBUTION_IDR,
    "budget": BUDGET_EXAMPLE,
    "created_at": "2026-01-02T02:00:00Z",
    "updated_at": "2026-05-20T04:10:00Z",
}


class ProgramCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [PROGRAM_CREATE_EXAMPLE]}
    )

    name: Name = Field(examples=["Perlindungan Pekerja Rentan DBHCHT 2026"])
    fiscal_year: StrictInt = Field(ge=2015, le=2100, examples=[2026])
    funding_source: FundingSource = Field(examples=["DBHCHT"])
    budget_idr: Rupiah = Field(examples=[2_800_000_000])
    target_workers: StrictInt = Field(
        ge=0, le=10_000_000, description="A goal for reports, not a cap"
    )
    coverage_start: Month = Field(examples=["2026-01"])
    coverage_end: Month = Field(examples=["2026-12"])
    declared_income_idr: StrictInt = Field(
        default=DEFAULT_DECLARED_INCOME_IDR, ge=DEFAULT_DECLARED_INCOME_IDR, le=10**10
    )
    min_age: StrictInt = Field(default=15, ge=0, le=120)
    max_age: StrictInt = Field(default=65, ge=0, le=120)
    max_workers: StrictInt | None = Field(default=None, ge=1, le=10_000_000)
    region_code: RegionCode | None = Field(
        default=None, description="A pemda may omit it: its own region"
    )

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        year = str(self.fiscal_year)
        if not (self.coverage_start[:4] == self.coverage_end[:4] == year):
            raise ValueError("coverage_start and coverage_end must lie in the fiscal year")
        if self.coverage_start < EARLIEST_RATE_MONTH:
            raise ValueError(f"no BPU contribution rates before {EARLIEST_RATE_MONTH}")
        if self.coverage_start > self.coverage_end:
            raise ValueError("coverage_start must not be after coverage_end")
        if self.min_age > self.max_age:
            raise ValueError("min_age must not exceed max_age")
        return self


class ProgramUpdate(BaseModel):
    """A budget revision, a change of goal or cap, or closing the programme."""

    model_config = ConfigDict(
        extra="forbid",
        # The APBD-P revision adds Rp 300 million and raises the goal.
        json_schema_extra={"examples": [{"budget_idr": 3_100_000_000, "target_workers": 15_000}]},
    )

    name: Name | None = None
    budget_idr: Rupiah | None = None
    target_workers: StrictInt | None = Field(default=None, ge=0, le=10_000_000)
    max_workers: StrictInt | None = Field(
        default=None, ge=1, le=10_000_000, description="`null` removes the cap"
    )
    status: Literal["closed", "open"] | None = None

    @field_validator("name", "budget_idr", "target_workers", "status")
    @classmethod
    def _not_null(cls, value: object) -> object:
        # Left out means "unchanged"; null would blank a value the programme must have.
        if value is None:
            raise ValueError("may be left out, but not null")
        return value


class BudgetFigures(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [BUDGET_EXAMPLE]})

    budget_idr: int
    committed_idr: int
    invoiced_idr: int
    paid_idr: int
    outstanding_idr: int = Field(description="Due on issued invoices and not yet paid")
    credited_idr: int = Field(
        description="Every credit note: money paid for months whose cover ended (R23)"
    )
    credit_balance_idr: int = Field(
        description="Credit notes not yet applied to an invoice (applied to the next one)"
    )
    refundable_idr: int = Field(
        description="The credit balance once the programme has ended or closed: to refund"
    )
    remaining_idr: int = Field(description="Budget not yet committed")
    capacity_workers: int = Field(
        description="How many more workers the remaining money covers for the remaining months"
    )


class ProgramPublic(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [PROGRAM_EXAMPLE]})

    id: uuid.UUID
    region_code: str
    name: str
    fiscal_year: int
    funding_source: FundingSource
    target_workers: int
    max_workers: int | None
    coverage_start: str
    coverage_end: str
    declared_income_idr: int
    min_age: int
    max_age: int
    status: ProgramStatus
    enrolled_workers: int = Field(description="Pending and active enrolments")
    monthly_contribution_idr: int = Field(
        description="Contribution for one worker in the first coverage month (before discounts "
        "for particular occupations)"
    )
    budget: BudgetFigures
    created_at: datetime
    updated_at: datetime
