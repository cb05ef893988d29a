"""Workers (a region's registry) and persons (one row per NIK, nationwide)."""

import uuid
from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, Column, ForeignKey, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.db import UTCDateTime, new_id, utcnow


class Person(SQLModel, table=True):
    """A NIK known to the service. Its row is what enrolments lock, so that one NIK can never
    get two covering enrolments for the same month, whichever regions ask at once."""

    __tablename__ = "persons"
    # The target of enrolments' (nik, kpj_number) foreign key: an enrolment's KPJ is its
    # person's.
    __table_args__ = (UniqueConstraint("nik", "kpj_number", name="uq_persons_nik_kpj_number"),)

    nik: str = Field(primary_key=True, min_length=16, max_length=16)
    # R10: the membership number is the person's for life, never another person's.
    kpj_number: str | None = Field(default=None, max_length=11, unique=True)
    died_on: date | None = None
    death_claim_id: uuid.UUID | None = None
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class Worker(SQLModel, table=True):
    __tablename__ = "workers"
    __table_args__ = (
        UniqueConstraint("region_code", "nik"),
        CheckConstraint("sex IN ('male', 'female')", name="sex"),
    )

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    region_code: str = Field(
        sa_column=Column(String(4), ForeignKey("regions.code"), nullable=False)
    )
    nik: str = Field(
        sa_column=Column(String(16), ForeignKey("persons.nik"), nullable=False, index=True)
    )
    full_name: str = Field(max_length=200)
    birth_date: date
    sex: str = Field(max_length=6)
    occupation: str = Field(max_length=30)
    phone: str | None = Field(default=None, max_length=20)
    address: str | None = Field(default=None, max_length=300)
    village: str | None = Field(default=None, max_length=100)
    district: str | None = Field(default=None, max_length=100)
    kk_number: str | None = Field(default=None, max_length=16)
    monthly_income_idr: int | None = Field(default=None, sa_column=Column(BigInteger))
    extreme_poor: bool | None = None
    tobacco_sector: bool | None = None
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
