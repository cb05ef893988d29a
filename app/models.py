"""Every table model, imported in one place for Alembic and the test suite."""

from app.audit.models import AuditEvent
from app.auth.models import ApiClient
from app.billing.models import Invoice, InvoiceLine, Payment
from app.claims.models import Claim, ClaimEvent
from app.enrolments.models import Enrolment
from app.idempotency import IdempotencyRecord
from app.programs.models import Program
from app.regions.models import Region
from app.workers.models import Person, Worker

__all__ = [
    "ApiClient",
    "AuditEvent",
    "Claim",
    "ClaimEvent",
    "Enrolment",
    "IdempotencyRecord",
    "Invoice",
    "InvoiceLine",
    "Payment",
    "Person",
    "Program",
    "Region",
    "Worker",
]
