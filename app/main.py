"""The ASGI application: routers, error handlers, middleware, stable operation ids."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Depends, FastAPI
from fastapi.routing import APIRoute

from app import __doc__ as summary
from app import examples, metrics
from app.access import install_request_observer
from app.audit.router import router as audit_router
from app.auth.router import router as auth_router
from app.billing.router import coverage_router
from app.billing.router import router as billing_router
from app.claims.router import router as claims_router
from app.config import get_settings
from app.db import database
from app.docs import install_docs
from app.enrolments.router import router as enrolments_router
from app.errors import install_error_handlers
from app.health import router as health_router
from app.limits import BodySizeLimitMiddleware
from app.observability import RequestContextMiddleware, install_log_masking
from app.openapi_examples import restore_examples
from app.openapi_problems import document_problems
from app.programs.router import router as programs_router
from app.query_params import reject_unknown_query
from app.regions.router import router as regions_router
from app.reports.router import router as reports_router
from app.retry import RetryTransientConflicts
from app.workers.router import router as workers_router

VERSION = "1.0.0"

DESCRIPTION = """
Regional governments (pemda) enrol vulnerable informal workers into BPJS Ketenagakerjaan's
work-accident (JKK) and death (JKM) cover, paid from a fixed regional budget; BPJS verifies
members, bills the region and pays death benefits to heirs.

**Authentication**: every endpoint but health, docs and `POST /v1/auth/token` needs
`Authorization: Bearer <JWT>`. Use *Authorize* with your client id and secret (OAuth2 client
credentials), or paste a token. Objects outside the caller's region answer 404.

**Errors** are RFC 9457 `application/problem+json` documents with a stable `code`. Send
`Accept-Language: id` for their `title` and `detail`, and every reason's `detail`, in Bahasa
Indonesia (`Content-Language` says which); English is the default.
"""

TAGS = [
    {"name": "auth", "description": "Tokens by OAuth2 client credentials"},
    {"name": "regions", "description": "Kabupaten and kota (4-digit Kemendagri codes)"},
    {"name": "programs", "description": "Regional funding programmes and their budgets"},
    {"name": "enrolments", "description": "Eligibility, enrolment, CSV import, BPJS verification"},
    {"name": "workers", "description": "The region's registry of workers"},
    {"name": "billing", "description": "Invoices from BPJS and payments from the region"},
    {"name": "coverage", "description": "Coverage status of a NIK on a day"},
    {"name": "claims", "description": "JKM/JKK death-benefit claims, from filing to payment"},
    {"name": "reports", "description": "Programme reports"},
    {"name": "audit", "description": "Who changed what, and when"},
    {"name": "health", "description": "Liveness and readiness"},
]


def operation_id(route: APIRoute) -> str:
    """Stable, readable operation ids: `<tag>-<function name>`."""
    tag = route.tags[0] if route.tags else "default"
    return f"{tag}-{route.name}".replace("_", "-")


@asynccontextmanager
async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
    install_log_masking()
    yield
    await database.dispose()
    metrics.mark_worker_gone()


def create_app() -> FastAPI:
    settings = get_settings()
    app = FastAPI(
        title="Jamsos Rentan",
        summary=summary,
        description=DESCRIPTION,
        version=VERSION,
        openapi_tags=TAGS,
        lifespan=lifespan,
        generate_unique_id_function=operation_id,
        swagger_ui_parameters={"persistAuthorization": True},
        dependencies=[Depends(reject_unknown_query)],
        docs_url=None,  # served offline by install_docs
        redoc_url=None,
    )
    install_docs(app)
    install_error_handlers(app)
    # Added first, so innermost: it sees the error handlers' answers, and drops a conflict's.
    app.add_middleware(RetryTransientConflicts)
    app.add_middleware(
        BodySizeLimitMiddleware,
        json_limit=settings.max_json_body_bytes,
        csv_limit=settings.max_csv_body_bytes,
    )
    # Inside the request context, so that its access line carries the request id.
    install_request_observer(app, settings)
    app.add_middleware(RequestContextMiddleware)
    for router in (
        health_router,
        auth_router,
        regions_router,
        programs_router,
        enrolments_router,
        workers_router,
        billing_router,
        coverage_router,
        claims_router,
        reports_router,
        audit_router,
    ):
        app.include_router(router)
    return app


app = create_app()


LOCATION = {
    "description": "The path of the created object, to read it back",
    "schema": {"type": "string", "example": f"/v1/programs/{examples.PROGRAM_ID}"},
}


def _problem_responses(document: dict[str, Any]) -> dict[str, Any]:
    """Error responses are documented as problem+json, request validation included, each
    with the codes the operation can answer (`document_problems`); every 201 has its
    `Location` header."""
    for path in document.get("paths", {}).values():
        for operation in path.values():
            if "201" in operation.get("responses", {}):
                operation["responses"]["201"].setdefault("headers", {})["Location"] = LOCATION
    document_problems(document, app.routes)
    restore_examples(document, app.routes)
    schemas = document.get("components", {}).get("schemas", {})
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    return document


def custom_openapi() -> dict[str, Any]:
    if app.openapi_schema is None:
        app.openapi_schema = _problem_responses(FastAPI.openapi(app))
    return app.openapi_schema


app.openapi = custom_openapi  # type: ignore[method-assign]
