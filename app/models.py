"""Every table model, imported in one place for Alembic and the test suite."""

from app.audit.models import AuditEvent
from app.auth.models import ApiClient
from app.regions.models import Region

__all__ = ["ApiClient", "AuditEvent", "Region"]
