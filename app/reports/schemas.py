from datetime import date

from pydantic import BaseModel, Field

from app.programs.schemas import ProgramPublic


class EnrolmentSummary(BaseModel):
    by_status: dict[str, int]
    by_occupation: dict[str, int] = Field(description="Pending and active enrolments")
    target_reached_percent: float | None = Field(
        description="Pending and active enrolments as a share of target_workers"
    )


class ClaimsSummary(BaseModel):
    by_status: dict[str, int]
    paid_total_idr: int
    median_working_days_to_payment: float | None = Field(
        description="From complete documents to payment (BPJS aims at about 3)"
    )


class ProgramReport(BaseModel):
    program: ProgramPublic
    on: date
    enrolments: EnrolmentSummary
    coverage_today: dict[str, int] = Field(
        description="Active and terminated enrolments by coverage status today"
    )
    claims: ClaimsSummary
