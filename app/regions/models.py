"""Regions: kabupaten and kota by their 4-digit Kemendagri code."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint
from sqlmodel import Field, SQLModel

from app.db import UTCDateTime, utcnow


class RegionKind(StrEnum):
    kabupaten = "kabupaten"
    kota = "kota"


class Region(SQLModel, table=True):
    __tablename__ = "regions"
    __table_args__ = (CheckConstraint("kind IN ('kabupaten', 'kota')", name="kind"),)

    code: str = Field(primary_key=True, min_length=4, max_length=4)
    name: str = Field(max_length=120)
    kind: str = Field(max_length=10)
    province: str = Field(max_length=80)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
