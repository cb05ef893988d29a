import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from app import examples
from app.billing.coverage import CoverageStatus
from app.enrolments.models import EnrolmentStatus, TerminationReason
from app.errors import Reason
from app.months import Month
from app.workers.schemas import WORKER_INPUT_EXAMPLE, WorkerInput

KpjNumber = Annotated[str, StringConstraints(pattern=r"^[0-9]{11}$")]

# Registered on 6 January 2026 for the whole programme year; verified by BPJS the next day.
ENROLMENT_EXAMPLE: dict[str, Any] = {
    "id": examples.ENROLMENT_ID,
    "program_id": examples.PROGRAM_ID,
    "worker_id": examples.WORKER_ID,
    "region_code": examples.REGION_CODE,
    "nik_masked": examples.MEMBER_NIK_MASKED,
    "occupation": "petani_tembakau",
    "status": "active",
    "start_month": "2026-01",
    "end_month": "2026-12",
    "monthly_contribution_idr": examples.MONTHLY_CONTRIBUTION_IDR,
    "cost_idr": examples.YEAR_COST_IDR,
    "registered_on": "2026-01-06",
    "kpj_number": examples.MEMBER_KPJ,
    "activated_at": "2026-01-07T03:12:45Z",
    "rejection_reason": None,
    "termination_reason": None,
    "terminated_at": None,
    "created_at": "2026-01-06T02:14:05Z",
    "updated_at": "2026-01-07T03:12:45Z",
    "coverage": {"status": "covered", "covered": True, "paid_through": "2026-12"},
}
# The answer to `POST /v1/programs/{program_id}/enrolments`: pending until BPJS verifies it.
PENDING_ENROLMENT_EXAMPLE: dict[str, Any] = ENROLMENT_EXAMPLE | {
    "status": "pending",
    "kpj_number": None,
    "activated_at": None,
    "updated_at": "2026-01-06T02:14:05Z",
    "coverage": {"status": "not_covered", "covered": False, "paid_through": None},
}
PROGRAM_ID_DESCRIPTION = (
    "The `id` of a programme of the caller's territory: from `GET /v1/programs`, or the "
    "`Location` of `POST /v1/programs`. The example id is made up for this documentation: "
    "replace it, or the answer is 404 `PROGRAM_NOT_FOUND` (as for any id the caller cannot "
    "see)."
)


class EnrolmentCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"worker": WORKER_INPUT_EXAMPLE}]}
    )

    worker: WorkerInput
    start_month: Month | None = Field(
        default=None,
        description="Default: the later of the programme start and the current month; an "
        "earlier month is refused (`START_BEFORE_REGISTRATION`)",
        examples=["2026-07"],
    )


class EligibilityCheckRequest(EnrolmentCreate):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"program_id": examples.PROGRAM_ID, "worker": WORKER_INPUT_EXAMPLE}]
        }
    )

    program_id: uuid.UUID = Field(description=PROGRAM_ID_DESCRIPTION)


class EligibilityResult(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "eligible": True,
                    "reasons": [],
                    "monthly_contribution_idr": examples.MONTHLY_CONTRIBUTION_IDR,
                    "start_month": "2026-01",
                    "end_month": "2026-12",
                    "cost_idr": examples.YEAR_COST_IDR,
                },
                {
                    "eligible": False,
                    "reasons": [
                        {
                            "code": "NOT_RESIDENT",
                            "detail": "Domicile is not in region 3514.",
                        }
                    ],
                    "monthly_contribution_idr": examples.MONTHLY_CONTRIBUTION_IDR,
                    "start_month": "2026-07",
                    "end_month": "2026-12",
                    "cost_idr": 6 * examples.MONTHLY_CONTRIBUTION_IDR,
                },
            ]
        }
    )

    eligible: bool
    reasons: list[Reason]
    monthly_contribution_idr: int | None
    start_month: str
    end_month: str
    cost_idr: int | None


class EnrolmentCoverage(BaseModel):
    """Derived from months, registration and payments (R14), as of today; never stored."""

    model_config = ConfigDict(json_schema_extra={"examples": [ENROLMENT_EXAMPLE["coverage"]]})

    status: CoverageStatus
    covered: bool
    paid_through: str | None


class EnrolmentPublic(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [ENROLMENT_EXAMPLE]})

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
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"kpj_number": examples.MEMBER_KPJ}]}
    )

    kpj_number: KpjNumber | None = Field(
        default=None, description="BPJS's own KPJ number; absent: one is assigned"
    )


class BulkActivateRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"enrolment_ids": [examples.ENROLMENT_ID, examples.OTHER_ENROLMENT_ID]}]
        },
    )

    enrolment_ids: list[uuid.UUID] | None = Field(
        default=None, max_length=100_000, description="Absent: every pending enrolment"
    )


class BulkActivateResult(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"activated": 2, "skipped": 0}]})

    activated: int
    skipped: int = Field(description="Listed ids that were not pending in this programme")


class RejectRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"reason": "NIK tidak ditemukan di data Dukcapil"}]},
    )

    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]


class TerminateRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"reason": "formal_employment", "last_month": "2026-08"}]},
    )

    reason: Literal["moved_out", "formal_employment", "withdrawn", "deceased"] = Field(
        description="`lapsed` is derived from payments, never set by hand"
    )
    last_month: Month


# A roster of three imported with `start_month=2026-07`: two workers for July to December
# (2 × 6 × Rp 16,800); the third row's NIK encodes another birth date.
IMPORT_REJECTION_EXAMPLE: dict[str, Any] = {
    "row": 3,
    "nik_masked": "************0011",
    "reasons": [
        {
            "code": "NIK_MISMATCH",
            "detail": "The NIK does not agree with the stated birth date.",
        }
    ],
}


class ImportRejection(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [IMPORT_REJECTION_EXAMPLE]})

    row: int = Field(description="Data row number, from 1")
    nik_masked: str
    reasons: list[Reason]


class ImportReport(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {  # the import's own example roster: one row, accepted
                    "dry_run": False,
                    "total_rows": 1,
                    "accepted": 1,
                    "rejected": 0,
                    "start_month": "2026-07",
                    "end_month": "2026-12",
                    "accepted_cost_idr": 6 * examples.MONTHLY_CONTRIBUTION_IDR,
                    "rejections": [],
                    "created_enrolment_ids": [examples.IMPORTED_ENROLMENT_IDS[0]],
                },
                {
                    "dry_run": False,
                    "total_rows": 3,
                    "accepted": 2,
                    "rejected": 1,
                    "start_month": "2026-07",
                    "end_month": "2026-12",
                    "accepted_cost_idr": 2 * 6 * examples.MONTHLY_CONTRIBUTION_IDR,
                    "rejections": [IMPORT_REJECTION_EXAMPLE],
                    "created_enrolment_ids": list(examples.IMPORTED_ENROLMENT_IDS),
                },
            ]
        }
    )

    dry_run: bool
    total_rows: int
    accepted: int
    rejected: int
    start_month: str
    end_month: str
    accepted_cost_idr: int
    rejections: list[ImportRejection]
    created_enrolment_ids: list[uuid.UUID] = Field(
        description="The enrolments this import created, one per accepted row in file order "
        "(the rows not listed in `rejections`); empty on a dry run",
        examples=[["0192f2a4-5b1c-7d3e-8f40-1a2b3c4d5e6f", "0192f2a4-5b1c-7d3e-8f40-1a2b3c4d5e70"]],
    )
