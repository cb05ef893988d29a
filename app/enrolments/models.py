"""Enrolments: one worker covered by one programme for a run of months (R9, R10)."""

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    String,
)
from sqlmodel import Field, SQLModel

from app.db import UTCDateTime, new_id, utcnow


class EnrolmentStatus(StrEnum):
    pending = "pending"
    active = "active"
    rejected = "rejected"
    terminated = "terminated"


class TerminationReason(StrEnum):
    moved_out = "moved_out"
    formal_employment = "formal_employment"
    withdrawn = "withdrawn"
    deceased = "deceased"
    lapsed = "lapsed"


# Verified by BPJS: months that are billed, count for coverage and for a claim.
VERIFIED = (EnrolmentStatus.active.value, EnrolmentStatus.terminated.value)

# Statuses whose months count as covered for "one covering enrolment per NIK and month".
COVERING = (
    EnrolmentStatus.pending.value,
    EnrolmentStatus.active.value,
    EnrolmentStatus.terminated.value,
)


class Enrolment(SQLModel, table=True):
    __tablename__ = "enrolments"
    __table_args__ = (
        CheckConstraint("start_month <= end_month", name="month_order"),
        CheckConstraint("status IN ('pending', 'active', 'rejected', 'terminated')", name="status"),
        CheckConstraint(
            "status = 'pending' OR status = 'rejected' OR kpj_number IS NOT NULL",
            name="kpj_when_verified",
        ),
        # R10: the KPJ on an enrolment is its person's membership number, so a KPJ can never
        # belong to two NIKs, however many enrolments a person has over the years.
        ForeignKeyConstraint(
            ["nik", "kpj_number"],
            ["persons.nik", "persons.kpj_number"],
            name="fk_enrolments_nik_kpj_number_persons",
        ),
        Index("ix_enrolments_kpj_number", "kpj_number"),
        Index("ix_enrolments_nik_status", "nik", "status"),
        Index("ix_enrolments_program_id_status", "program_id", "status"),
        Index("ix_enrolments_region_code_id", "region_code", "id"),
    )

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    program_id: uuid.UUID = Field(foreign_key="programs.id", nullable=False)
    worker_id: uuid.UUID = Field(foreign_key="workers.id", nullable=False, index=True)
    region_code: str = Field(
        sa_column=Column(String(4), ForeignKey("regions.code"), nullable=False)
    )
    nik: str = Field(sa_column=Column(String(16), ForeignKey("persons.nik"), nullable=False))
    occupation: str = Field(max_length=30)
    status: str = Field(default=EnrolmentStatus.pending.value, max_length=12)
    start_month: str = Field(max_length=7)
    end_month: str = Field(max_length=7)
    monthly_contribution_idr: int = Field(sa_column=Column(BigInteger, nullable=False))
    cost_idr: int = Field(sa_column=Column(BigInteger, nullable=False))
    registered_on: date
    kpj_number: str | None = Field(default=None, max_length=11)
    activated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    rejection_reason: str | None = Field(default=None, max_length=500)
    termination_reason: str | None = Field(default=None, max_length=20)
    terminated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
