import uuid
from datetime import date, datetime
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from app.billing.coverage import CoverageStatus
from app.billing.models import InvoiceStatus, PaymentStatus
from app.months import Month, month_count

MAX_INVOICE_MONTHS = 24


class InvoiceCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    from_month: Month = Field(examples=["2026-01"])
    to_month: Month = Field(examples=["2026-12"])

    @model_validator(mode="after")
    def _range(self) -> Self:
        if self.from_month > self.to_month:
            raise ValueError("from_month must not be after to_month")
        if month_count(self.from_month, self.to_month) > MAX_INVOICE_MONTHS:
            raise ValueError(f"an invoice spans at most {MAX_INVOICE_MONTHS} months")
        return self


class InvoicePublic(BaseModel):
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


class InvoiceLinePublic(BaseModel):
    enrolment_id: uuid.UUID
    month: str
    nik_masked: str
    full_name: str
    kpj_number: str
    amount_idr: int
    credited: bool = Field(description="Cover for this month ended; its amount was credited")


class PaymentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

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
    model_config = ConfigDict(extra="forbid")

    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]


class PaymentPublic(BaseModel):
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

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    program_id: uuid.UUID
    region_code: str
    enrolment_id: uuid.UUID
    reason: str = Field(description="Why cover ended: deceased, moved_out, withdrawn …")
    from_month: str
    to_month: str
    amount_idr: int
    issued_at: datetime


class CoveragePublic(BaseModel):
    """What other systems learn: no more than this."""

    status: CoverageStatus
    covered: bool
    on: date
    nik_masked: str
    kpj_number: str | None
    paid_through: str | None
    region_code: str | None
