"""Writing audit events: one helper, called by every mutation inside its transaction."""

from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from app.audit.models import AuditEvent
from app.auth.subject import Subject
from app.observability import request_id


def record(
    session: AsyncSession,
    subject: Subject,
    action: str,
    entity_type: str,
    entity_id: object,
    *,
    region_code: str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    event = AuditEvent(
        actor=subject.sub,
        role=subject.role.value,
        actor_region_code=subject.region,
        region_code=region_code,
        action=action,
        entity_type=entity_type,
        entity_id=str(entity_id),
        request_id=request_id.get(),
        details=details,
    )
    session.add(event)
    return event
