"""A programme: one region's funding of BPU cover for one fiscal year (R5, R6)."""

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, CheckConstraint, Column, ForeignKey, Index, String
from sqlmodel import Field, SQLModel

from app.db import UTCDateTime, new_id, utcnow


class ProgramStatus(StrEnum):
    open = "open"
    closed = "closed"


class Program(SQLModel, table=True):
    __tablename__ = "programs"
    __table_args__ = (
        # R6, the budget invariant, held by the database itself as the last line of defence
        # (the service also locks the row before it spends).
        CheckConstraint("committed_idr <= budget_idr", name="committed_within_budget"),
        CheckConstraint("committed_idr >= 0", name="committed_not_negative"),
        CheckConstraint("budget_idr >= 0", name="budget_not_negative"),
        CheckConstraint("coverage_start <= coverage_end", name="coverage_order"),
        CheckConstraint("min_age <= max_age", name="age_order"),
        CheckConstraint("status IN ('open', 'closed')", name="status"),
        Index("ix_programs_region_code_id", "region_code", "id"),
    )

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    region_code: str = Field(
        sa_column=Column(String(4), ForeignKey("regions.code"), nullable=False)
    )
    name: str = Field(max_length=200)
    fiscal_year: int
    funding_source: str = Field(max_length=10)
    budget_idr: int = Field(sa_column=Column(BigInteger, nullable=False))
    target_workers: int
    max_workers: int | None = None
    coverage_start: str = Field(max_length=7)
    coverage_end: str = Field(max_length=7)
    declared_income_idr: int = Field(sa_column=Column(BigInteger, nullable=False))
    min_age: int = 15
    max_age: int = 65
    status: str = Field(default=ProgramStatus.open.value, max_length=10)
    # Σ cost of pending, active and (up to their last month) terminated enrolments.
    committed_idr: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    # Pending and active enrolments, for max_workers.
    enrolled_workers: int = 0
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
