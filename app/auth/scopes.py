"""Roles and scopes (DESIGN.md §2)."""

from enum import StrEnum


class Role(StrEnum):
    pemda = "pemda"
    bpjs = "bpjs"
    admin = "admin"
    service = "service"


class Scope(StrEnum):
    programs_read = "programs:read"
    programs_write = "programs:write"
    workers_read = "workers:read"
    workers_write = "workers:write"
    enrolments_read = "enrolments:read"
    enrolments_write = "enrolments:write"
    enrolments_verify = "enrolments:verify"
    invoices_read = "invoices:read"
    invoices_write = "invoices:write"
    payments_write = "payments:write"
    payments_confirm = "payments:confirm"
    claims_read = "claims:read"
    claims_write = "claims:write"
    claims_decide = "claims:decide"
    claims_pay = "claims:pay"
    coverage_read = "coverage:read"
    reports_read = "reports:read"
    audit_read = "audit:read"
    admin = "admin"


SCOPE_DESCRIPTIONS: dict[str, str] = {
    Scope.programs_read: "Read funding programmes",
    Scope.programs_write: "Create and revise funding programmes",
    Scope.workers_read: "Read the workers registry",
    Scope.workers_write: "Correct worker records",
    Scope.enrolments_read: "Read enrolments and run eligibility checks",
    Scope.enrolments_write: "Enrol, import and terminate",
    Scope.enrolments_verify: "BPJS: activate or reject enrolments",
    Scope.invoices_read: "Read invoices",
    Scope.invoices_write: "BPJS: issue and cancel invoices",
    Scope.payments_write: "Report payments",
    Scope.payments_confirm: "BPJS: confirm or reject payments",
    Scope.claims_read: "Read death-benefit claims",
    Scope.claims_write: "File claims and hand in documents",
    Scope.claims_decide: "BPJS: review, approve or reject claims",
    Scope.claims_pay: "BPJS: record claim payment",
    Scope.coverage_read: "Look up coverage status",
    Scope.reports_read: "Read programme reports",
    Scope.audit_read: "Read the audit trail",
    Scope.admin: "Operate the service (regions, clients)",
}

# Separation of duties: these stay with BPJS whatever scopes a token carries.
BPJS_ONLY_SCOPES = frozenset(
    {
        Scope.enrolments_verify,
        Scope.invoices_write,
        Scope.payments_confirm,
        Scope.claims_decide,
        Scope.claims_pay,
    }
)

DEFAULT_SCOPES: dict[Role, frozenset[str]] = {
    Role.pemda: frozenset(
        {
            Scope.programs_read,
            Scope.programs_write,
            Scope.workers_read,
            Scope.workers_write,
            Scope.enrolments_read,
            Scope.enrolments_write,
            Scope.invoices_read,
            Scope.payments_write,
            Scope.claims_read,
            Scope.claims_write,
            Scope.coverage_read,
            Scope.reports_read,
            Scope.audit_read,
        }
    ),
    Role.bpjs: frozenset(
        {
            Scope.programs_read,
            Scope.workers_read,
            Scope.enrolments_read,
            Scope.enrolments_verify,
            Scope.invoices_read,
            Scope.invoices_write,
            Scope.payments_confirm,
            Scope.claims_read,
            Scope.claims_write,
            Scope.claims_decide,
            Scope.claims_pay,
            Scope.coverage_read,
            Scope.reports_read,
            Scope.audit_read,
        }
    ),
    Role.admin: frozenset({Scope.admin, Scope.audit_read}),
    Role.service: frozenset({Scope.coverage_read}),
}
