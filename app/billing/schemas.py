import uuid
from datetime import date, datetime
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator
from pydantic.config import JsonDict

from app import examples
from app.billing.coverage import CoverageStatus
from app.billing.models import InvoiceStatus, PaymentStatus
from app.calendar import Day
from app.months import Month, month_count

MAX_INVOICE_MONTHS = 24


class InvoiceCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"from_month": "2026-01", "to_month": "2026-12"}]},
    )

    from_month: Month = Field(examples=["2026-01"])
    to_month: Month = Field(examples=["2026-12"])

    @model_validator(mode="after")
    def _range(self) -> Self:
        if self.from_month > self.to_month:
            raise ValueError("from_month must not be after to_month")
        if month_count(self.from_month, self.to_month) > MAX_INVOICE_MONTHS:
            raise ValueError(f"an invoice spans at most {MAX_INVOICE_MONTHS} months")
        return self


LISTED_PAYMENT: JsonDict = {
    "id": "0193f1c2-8a4e-7d10-b5c3-2e9f6a7b8c01",
    "amount_idr": 1_008_000,
    "paid_on": "2026-01-12",
    "reference": "BJTM-TRF-20260112-0042",
    "status": "confirmed",
    "reported_at": "2026-01-12T07:41:09Z",
    "decided_at": "2026-01-13T02:15:30Z",
}


class InvoicePaymentPublic(BaseModel):
    """A payment as its invoice lists it (the whole record: `GET /v1/payments/{id}`)."""

    model_config = ConfigDict(json_schema_extra={"examples": [LISTED_PAYMENT]})

    id: uuid.UUID
    amount_idr: int
    paid_on: date
    reference: str
    status: PaymentStatus
    reported_at: datetime
    decided_at: datetime | None


class InvoicePublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "0193f0b7-41d2-7a8c-9e36-5b1d2c3e4f50",
                    "program_id": "0193e0a1-2b7d-7c44-8e15-3f6a9d0c4b21",
                    "region_code": "3514",
                    "from_month": "2026-01",
                    "to_month": "2026-12",
                    "status": "paid",
                    "total_idr": 1_008_000,
                    "credit_applied_idr": 0,
                    "credited_idr": 0,
                    "amount_due_idr": 1_008_000,
                    "line_count": 60,
                    "paid_idr": 1_008_000,
                    "outstanding_idr": 0,
                    "due_on": "2026-01-15",
                    "overdue": False,
                    "issued_at": "2026-01-05T03:00:00Z",
                    "paid_at": "2026-01-13T02:15:30Z",
                    "settled_on": "2026-01-12",
                    "cancelled_at": None,
                    "payments": [LISTED_PAYMENT],
                }
            ]
        }
    )

    id: uuid.UUID
    program_id: uuid.UUID
    region_code: str
    from_month: str
    to_month: str
    status: InvoiceStatus
    total_idr: int = Field(description="Σ of its lines as issued")
    credit_applied_idr: int = Field(
        description="The programme's credit notes taken off at issue (R23)"
    )
    credited_idr: int = Field(
        description="Lines credited after issue: cover that ended by death or termination"
    )
    amount_due_idr: int = Field(description="total − credit applied − credited: what is owed")
    line_count: int
    paid_idr: int = Field(description="Confirmed payments")
    outstanding_idr: int = Field(description="amount due − paid, never below 0")
    due_on: date = Field(description="The earliest due date of its months (R3)")
    overdue: bool = Field(description="Issued, not fully paid, and past its due date")
    issued_at: datetime
    paid_at: datetime | None
    settled_on: date | None = Field(
        description="The day its money was all there (the latest paid_on that settled it)"
    )
    cancelled_at: datetime | None
    payments: list[InvoicePaymentPublic] = Field(
        description="Every payment reported against it, confirmed, rejected or awaiting BPJS, "
        "in the order they were reported"
    )


class InvoiceLinePublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "enrolment_id": examples.ENROLMENT_ID,
                    "month": "2026-01",
                    "nik_masked": examples.MEMBER_NIK_MASKED,
                    "full_name": examples.MEMBER_NAME,
                    "kpj_number": examples.MEMBER_KPJ,
                    "amount_idr": examples.MONTHLY_CONTRIBUTION_IDR,
                    "credited": False,
                }
            ]
        }
    )

    enrolment_id: uuid.UUID
    month: str
    nik_masked: str
    full_name: str
    kpj_number: str
    amount_idr: int
    credited: bool = Field(description="Cover for this month ended; its amount was credited")


class PaymentCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "amount_idr": 1_008_000,
                    "paid_on": "2026-01-12",
                    "reference": "BJTM-TRF-20260112-0042",
                }
            ]
        },
    )

    amount_idr: int = Field(gt=0, le=10**15)
    paid_on: date = Field(
        ge=date(2015, 1, 1),
        le=date(2100, 1, 1),
        description="The day of the transfer: not in the future; arrears and lapse are "
        "judged by it (R4)",
    )
    reference: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)
    ] = Field(description="Bank transfer reference, unique per invoice")


class PaymentReject(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"reason": "Dana belum masuk ke rekening BPJS Ketenagakerjaan"}]
        },
    )

    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]


class PaymentPublic(BaseModel):
    """A transfer the pemda reported against an invoice, and what BPJS decided (R13)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "0193f1c2-8a4e-7d10-b5c3-2e9f6a7b8c01",
                    "invoice_id": "0193f0b7-41d2-7a8c-9e36-5b1d2c3e4f50",
                    "region_code": "3514",
                    "amount_idr": 1_008_000,
                    "paid_on": "2026-01-12",
                    "reference": "BJTM-TRF-20260112-0042",
                    "status": "reported",
                    "reported_at": "2026-01-12T07:41:09Z",
                    "decided_at": None,
                    "rejection_reason": None,
                }
            ]
        }
    )

    id: uuid.UUID
    invoice_id: uuid.UUID
    region_code: str
    amount_idr: int
    paid_on: date
    reference: str
    status: PaymentStatus
    reported_at: datetime
    decided_at: datetime | None
    rejection_reason: str | None


class CreditNotePublic(BaseModel):
    """Money paid for months whose cover ended, handed back to the programme (R23)."""

    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {  # died 10 May 2026, the year paid in January: June-December handed back
                    "id": examples.CREDIT_NOTE_ID,
                    "program_id": examples.PROGRAM_ID,
                    "region_code": examples.REGION_CODE,
                    "enrolment_id": examples.DECEASED_ENROLMENT_ID,
                    "reason": "deceased",
                    "from_month": "2026-06",
                    "to_month": "2026-12",
                    "amount_idr": 7 * examples.MONTHLY_CONTRIBUTION_IDR,
                    "issued_at": "2026-05-20T04:10:00Z",
                }
            ]
        },
    )

    id: uuid.UUID
    program_id: uuid.UUID
    region_code: str
    enrolment_id: uuid.UUID
    reason: str = Field(description="Why cover ended: deceased, moved_out, withdrawn …")
    from_month: str
    to_month: str
    amount_idr: int
    issued_at: datetime


class CoverageCheck(BaseModel):
    """A NIK look-up with the NIK in the body, where no proxy's or server's log writes it."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"nik": examples.MEMBER_NIK, "on": "2026-03-02"}]},
    )

    nik: str = Field(min_length=1, max_length=32, description="16-digit NIK")
    on: Day | None = Field(default=None, description="Default: today (Asia/Jakarta)")


class CoveragePublic(BaseModel):
    """What other systems learn: no more than this."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "status": "covered",
                    "covered": True,
                    "on": "2026-03-02",
                    "nik_masked": examples.MEMBER_NIK_MASKED,
                    "kpj_number": examples.MEMBER_KPJ,
                    "paid_through": "2026-12",
                    "region_code": examples.REGION_CODE,
                }
            ]
        }
    )

    status: CoverageStatus
    covered: bool
    on: date
    nik_masked: str
    kpj_number: str | None
    paid_through: str | None
    region_code: str | None
