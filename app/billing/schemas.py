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
    total_idr: int
    line_count: int
    paid_idr: int = Field(description="Confirmed payments")
    outstanding_idr: int
    due_on: date = Field(description="The earliest due date of its months (R3)")
    overdue: bool = Field(description="Issued, not fully paid, and past its due date")
    issued_at: datetime
    paid_at: datetime | None
    cancelled_at: datetime | None


class InvoiceLinePublic(BaseModel):
    enrolment_id: uuid.UUID
    month: str
    nik_masked: str
    full_name: str
    kpj_number: str
    amount_idr: int


class PaymentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    amount_idr: int = Field(gt=0, le=10**15)
    paid_on: date = Field(ge=date(2015, 1, 1), le=date(2100, 1, 1))
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


class CoveragePublic(BaseModel):
    """What other systems learn: no more than this."""

    status: CoverageStatus
    covered: bool
    on: date
    nik_masked: str
    kpj_number: str | None
    paid_through: str | None
    region_code: str | None
