import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from app.billing.coverage import CoverageStatus
from app.enrolments.models import EnrolmentStatus, TerminationReason
from app.errors import Reason
from app.months import Month
from app.workers.schemas import WorkerInput

KpjNumber = Annotated[str, StringConstraints(pattern=r"^[0-9]{11}$")]


class EnrolmentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    worker: WorkerInput
    start_month: Month | None = Field(
        default=None,
        description="Default: the later of the programme start and the current month",
    )


class EligibilityCheckRequest(EnrolmentCreate):
    program_id: uuid.UUID


class EligibilityResult(BaseModel):
    eligible: bool
    reasons: list[Reason]
    monthly_contribution_idr: int | None
    start_month: str
    end_month: str
    cost_idr: int | None


class EnrolmentCoverage(BaseModel):
    """Derived from months, registration and payments (R14), as of today; never stored."""

    status: CoverageStatus
    covered: bool
    paid_through: str | None


class EnrolmentPublic(BaseModel):
    id: uuid.UUID
    program_id: uuid.UUID
    worker_id: uuid.UUID
    region_code: str
    nik_masked: str
    occupation: str
    status: EnrolmentStatus
    start_month: str
    end_month: str
    monthly_contribution_idr: int
    cost_idr: int
    registered_on: date
    kpj_number: str | None
    activated_at: datetime | None
    rejection_reason: str | None
    termination_reason: TerminationReason | None
    terminated_at: datetime | None
    created_at: datetime
    updated_at: datetime
    coverage: EnrolmentCoverage


class ActivateRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kpj_number: KpjNumber | None = Field(
        default=None, description="BPJS's own KPJ number; absent: one is assigned"
    )


class BulkActivateRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enrolment_ids: list[uuid.UUID] | None = Field(
        default=None, max_length=100_000, description="Absent: every pending enrolment"
    )


class BulkActivateResult(BaseModel):
    activated: int
    skipped: int = Field(description="Listed ids that were not pending in this programme")


class RejectRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]


class TerminateRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Literal["moved_out", "formal_employment", "withdrawn", "deceased"] = Field(
        description="`lapsed` is derived from payments, never set by hand"
    )
    last_month: Month


class ImportRejection(BaseModel):
    row: int = Field(description="Data row number, from 1")
    nik_masked: str
    reasons: list[Reason]


class ImportReport(BaseModel):
    dry_run: bool
    total_rows: int
    accepted: int
    rejected: int
    start_month: str
    end_month: str
    accepted_cost_idr: int
    rejections: list[ImportRejection]
