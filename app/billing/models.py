"""Invoices, their frozen lines, and payments (R12, R13)."""

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlmodel import Field, SQLModel

from app.db import UTCDateTime, new_id, utcnow


class InvoiceStatus(StrEnum):
    issued = "issued"
    paid = "paid"
    cancelled = "cancelled"


class PaymentStatus(StrEnum):
    reported = "reported"
    confirmed = "confirmed"
    rejected = "rejected"


class Invoice(SQLModel, table=True):
    __tablename__ = "invoices"
    __table_args__ = (
        # R13: confirmed payments never exceed the invoice, whatever the concurrency.
        CheckConstraint("paid_idr <= total_idr", name="paid_within_total"),
        # R23: credits never take more off an invoice than it is worth.
        CheckConstraint(
            "credit_applied_idr >= 0 AND credited_idr >= 0"
            " AND credit_applied_idr + credited_idr <= total_idr",
            name="credits_within_total",
        ),
        CheckConstraint("status IN ('issued', 'paid', 'cancelled')", name="status"),
        CheckConstraint("from_month <= to_month", name="month_order"),
        Index("ix_invoices_region_code_id", "region_code", "id"),
        Index("ix_invoices_program_id_status", "program_id", "status"),
    )

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    program_id: uuid.UUID = Field(foreign_key="programs.id", nullable=False)
    region_code: str = Field(
        sa_column=Column(String(4), ForeignKey("regions.code"), nullable=False)
    )
    from_month: str = Field(max_length=7)
    to_month: str = Field(max_length=7)
    status: str = Field(default=InvoiceStatus.issued.value, max_length=10)
    total_idr: int = Field(sa_column=Column(BigInteger, nullable=False))
    paid_idr: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    # R23: the programme's credit balance taken off at issue, and lines credited after issue
    # because the cover they bill ended (death, termination).
    credit_applied_idr: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    credited_idr: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    line_count: int
    due_on: date
    issued_by: str = Field(max_length=200)
    issued_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    paid_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # The day the money was all there: the latest `paid_on` of the payments that settled it
    # (R4 judges arrears and lapse by it).
    settled_on: date | None = None
    cancelled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

    @property
    def amount_due_idr(self) -> int:
        """R23: what the region owes on it: the total less credits."""
        return self.total_idr - self.credit_applied_idr - self.credited_idr

    @property
    def outstanding_idr(self) -> int:
        return max(self.amount_due_idr - self.paid_idr, 0)


class InvoiceLine(SQLModel, table=True):
    """One enrolment and month, with NIK, name, KPJ and amount frozen at issue."""

    __tablename__ = "invoice_lines"
    __table_args__ = (
        # R12: an enrolment-month is on at most one live (not cancelled) invoice.
        Index(
            "uq_invoice_lines_enrolment_id_month_live",
            "enrolment_id",
            "month",
            unique=True,
            postgresql_where=text("live"),
            sqlite_where=text("live"),
        ),
        Index("ix_invoice_lines_invoice_id_id", "invoice_id", "id"),
    )

    # Lines are never addressed one by one: an internal serial id keeps bulk inserts cheap.
    id: int | None = Field(
        default=None,
        sa_column=Column(
            BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True
        ),
    )
    # No foreign keys: a line is written only by the statement that issues its invoice, which
    # takes the enrolment ids from `enrolments` and the invoice from the same transaction;
    # neither is ever deleted. Checking 341,376 lines twice each cost more than writing them.
    invoice_id: uuid.UUID = Field(nullable=False)
    enrolment_id: uuid.UUID = Field(nullable=False)
    month: str = Field(max_length=7)
    nik: str = Field(max_length=16)
    full_name: str = Field(max_length=200)
    kpj_number: str = Field(max_length=11)
    amount_idr: int = Field(sa_column=Column(BigInteger, nullable=False))
    live: bool = True
    # R23: the month is no longer covered; its amount was credited (against this invoice, or
    # in a credit note when the invoice was already paid).
    credited: bool = False


class Payment(SQLModel, table=True):
    __tablename__ = "payments"
    __table_args__ = (
        UniqueConstraint("invoice_id", "reference"),
        CheckConstraint("amount_idr > 0", name="amount_positive"),
        CheckConstraint("status IN ('reported', 'confirmed', 'rejected')", name="status"),
        Index("ix_payments_region_code_id", "region_code", "id"),
    )

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    invoice_id: uuid.UUID = Field(foreign_key="invoices.id", nullable=False, index=True)
    region_code: str = Field(
        sa_column=Column(String(4), ForeignKey("regions.code"), nullable=False)
    )
    amount_idr: int = Field(sa_column=Column(BigInteger, nullable=False))
    paid_on: date
    reference: str = Field(max_length=100)
    status: str = Field(default=PaymentStatus.reported.value, max_length=10)
    reported_by: str = Field(max_length=200)
    reported_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    decided_by: str | None = Field(default=None, max_length=200)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    rejection_reason: str | None = Field(default=None, max_length=500)


class CreditNote(SQLModel, table=True):
    """Money paid for months whose cover ended (death, termination): the programme's, applied
    to its next invoices and refundable when the programme ends (R23)."""

    __tablename__ = "credit_notes"
    __table_args__ = (
        CheckConstraint("amount_idr > 0", name="amount_positive"),
        Index("ix_credit_notes_region_code_id", "region_code", "id"),
        Index("ix_credit_notes_program_id", "program_id"),
    )

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    program_id: uuid.UUID = Field(foreign_key="programs.id", nullable=False)
    region_code: str = Field(
        sa_column=Column(String(4), ForeignKey("regions.code"), nullable=False)
    )
    enrolment_id: uuid.UUID = Field(foreign_key="enrolments.id", nullable=False)
    reason: str = Field(max_length=20)
    from_month: str = Field(max_length=7)
    to_month: str = Field(max_length=7)
    amount_idr: int = Field(sa_column=Column(BigInteger, nullable=False))
    issued_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
