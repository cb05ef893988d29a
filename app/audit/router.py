import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Security
from pydantic import BaseModel, ConfigDict
from sqlmodel import select

from app import examples
from app.audit.models import AuditEvent
from app.auth.dependencies import AUTH_ERRORS, authenticate
from app.auth.scopes import Scope
from app.auth.subject import Subject
from app.db import SessionDep
from app.errors import error_responses
from app.pagination import Page, PageParams, keyset, page_of, page_params
from app.territory import visible

router = APIRouter(prefix="/v1/audit-events", tags=["audit"])

AuditReader = Annotated[Subject, Security(authenticate, scopes=[Scope.audit_read])]


class AuditEventPublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": examples.AUDIT_EVENT_ID,
                    "occurred_at": "2026-01-07T03:12:45Z",
                    "actor": examples.BPJS_CLIENT,
                    "role": "bpjs",
                    "actor_region_code": None,
                    "region_code": examples.REGION_CODE,
                    "action": "enrolment.activate",
                    "entity_type": "enrolment",
                    "entity_id": examples.ENROLMENT_ID,
                    "request_id": "4f6c1e0a9b2d4c7e8a3f5b6d7e8f9a0b",
                    "details": None,
                }
            ]
        }
    )

    id: uuid.UUID
    occurred_at: datetime
    actor: str
    role: str
    actor_region_code: str | None
    region_code: str | None
    action: str
    entity_type: str
    entity_id: str
    request_id: str | None
    details: dict[str, Any] | None


@router.get("", response_model=Page[AuditEventPublic], responses=error_responses(*AUTH_ERRORS))
async def list_audit_events(
    subject: AuditReader,
    session: SessionDep,
    params: Annotated[PageParams, Depends(page_params)],
    entity_type: Annotated[str | None, Query(max_length=40)] = None,
    entity_id: Annotated[str | None, Query(max_length=64)] = None,
    action: Annotated[str | None, Query(max_length=60)] = None,
) -> Page[AuditEventPublic]:
    """List audit events of the caller's territory, oldest first."""
    stmt = visible(select(AuditEvent), subject, AuditEvent.region_code)
    if entity_type:
        stmt = stmt.where(AuditEvent.entity_type == entity_type)
    if entity_id:
        stmt = stmt.where(AuditEvent.entity_id == entity_id)
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    stmt = keyset(stmt, AuditEvent.id, params, uuid.UUID)
    rows = list((await session.exec(stmt)).all())
    items, cursor = page_of(rows, params, lambda e: e.id)
    return Page(
        items=[AuditEventPublic.model_validate(e, from_attributes=True) for e in items],
        next_cursor=cursor,
    )
