"""The audit trail: who did what to which object, written in the mutation's transaction."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from app.db import UTCDateTime, new_id, utcnow


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_entity", "entity_type", "entity_id"),
        Index("ix_audit_events_region_code_id", "region_code", "id"),
    )

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    occurred_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    actor: str = Field(max_length=200)
    role: str = Field(max_length=20)
    actor_region_code: str | None = Field(default=None, max_length=4)
    # The region the object belongs to: what territory filtering of the trail uses.
    region_code: str | None = Field(default=None, max_length=4)
    action: str = Field(max_length=60)
    entity_type: str = Field(max_length=40)
    entity_id: str = Field(max_length=64)
    request_id: str | None = Field(default=None, max_length=64)
    # Ids and codes only, never personal data.
    details: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
