"""Every error is an RFC 9457 problem document with a stable `code`, its `title` and
`detail` in the request's language (English, or Bahasa Indonesia: app/i18n)."""

import logging
import socket
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from http import HTTPStatus
from typing import Any, ClassVar, Self

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import iter_route_contexts
from pydantic import (
    BaseModel,
    ConfigDict,
    ValidatorFunctionWrapHandler,
    field_serializer,
    field_validator,
)
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect
from starlette.routing import Match

from app import i18n
from app.i18n import Language, Message, msg

log = logging.getLogger("app.errors")

PROBLEM_JSON = "application/problem+json"


class Reason(BaseModel):
    # Frozen: the same reason is one shared object on every row it applies to (a roster of
    # 200,000 rows refused for one cause holds it once, not 200,000 times).
    model_config = ConfigDict(frozen=True)

    code: str
    detail: str

    @field_validator("detail", mode="wrap")
    @classmethod
    def _keep_message(cls, value: Any, handler: ValidatorFunctionWrapHandler) -> str:
        # Kept as the Message it is (validation would copy it into a plain str): its id and
        # values say it in the request's language. Rendered once per shared reason.
        return value if isinstance(value, Message) else handler(value)

    @field_serializer("detail")
    def _in_request_language(self, detail: str) -> str:
        return i18n.localise_for_body(detail)


class FieldError(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class Problem(BaseModel):
    """RFC 9457 problem details, with the service's stable `code`."""

    type: str
    title: str
    status: int
    detail: str
    code: str
    errors: list[FieldError] | None = None
    reasons: list[Reason] | None = None


class DomainError(Exception):
    """A business error: its class fixes status, code and title; the instance gives detail."""

    status: ClassVar[int] = 400
    code: ClassVar[str] = "BAD_REQUEST"
    title: ClassVar[str] = "Bad request"

    def __init__(
        self,
        detail: Message | None = None,
        *,
        reasons: Sequence[Reason] | None = None,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail or self.title)
        self.detail: str = detail or self.title
        self.has_detail = detail is not None
        self.reasons = list(reasons) if reasons is not None else None
        self.headers = headers
        self.extra = extra or {}


class Unauthenticated(DomainError):
    status, code, title = 401, "UNAUTHENTICATED", "Missing or invalid bearer token"


class Forbidden(DomainError):
    status, code, title = 403, "FORBIDDEN", "The token does not allow this action"


class NotFound(DomainError):
    status, code, title = 404, "NOT_FOUND", "No such resource"

    @classmethod
    def by_id(cls, key: object) -> Self:
        """`No claim 0192….`: the catalogue's `<thing>.not_found` message (for CLAIM_NOT_FOUND:
        `claim.not_found`), with the id or code as `{id}`."""
        return cls(msg(f"{cls.code.removesuffix('_NOT_FOUND').lower()}.not_found", id=key))


class Conflict(DomainError):
    status, code, title = 409, "CONFLICT", "The request conflicts with the current state"


class InvalidState(DomainError):
    """Every such 409 names the state the object is in, for the caller to act on."""

    status, code, title = 409, "INVALID_STATE", "Not allowed in the current state"

    def __init__(self, detail: Message, *, current_status: str) -> None:
        super().__init__(detail, extra={"current_status": current_status})


class PayloadTooLarge(DomainError):
    status, code, title = 413, "PAYLOAD_TOO_LARGE", "The request body is too large"


class UnsupportedMediaType(DomainError):
    status, code, title = 415, "UNSUPPORTED_MEDIA_TYPE", "Unsupported content type"


class Unprocessable(DomainError):
    status, code, title = 422, "UNPROCESSABLE", "The request cannot be processed"


class MalformedBody(DomainError):
    """A body that is not what its Content-Type says (JSON that is not UTF-8, a broken
    multipart form): FastAPI and Starlette answer it before validation, as a 400."""

    status, code, title = 400, "MALFORMED_BODY", "The request body cannot be read"


class IdempotencyConflict(DomainError):
    status, code, title = (
        409,
        "IDEMPOTENCY_KEY_REUSED",
        "This Idempotency-Key was used with another request",
    )


class IdempotencyInProgress(DomainError):
    """The same key's first request is still running past the wait: retrying later gets its
    answer (never another business answer, as a second run would give)."""

    status, code, title = (
        409,
        "IDEMPOTENCY_IN_PROGRESS",
        "A request with this Idempotency-Key is still being answered",
    )


# What any operation taking an Idempotency-Key may answer.
IDEMPOTENCY_ERRORS = (IdempotencyConflict, IdempotencyInProgress)


PROBLEMS_KEY = "x-problems"  # read by app/openapi_problems.py, which makes the code enums


def error_responses(*errors: type[DomainError]) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` for the errors an endpoint can raise, grouped by status."""
    grouped: dict[int, list[type[DomainError]]] = {}
    for error in errors:
        grouped.setdefault(error.status, []).append(error)
    return {
        status: {
            "model": Problem,
            "description": "; ".join(f"{e.title} (`{e.code}`)" for e in group),
            PROBLEMS_KEY: [{"code": e.code, "title": e.title} for e in group],
        }
        for status, group in sorted(grouped.items())
    }


_STATUS_CODES = {
    400: "BAD_REQUEST",
    401: "UNAUTHENTICATED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    406: "NOT_ACCEPTABLE",
    409: "CONFLICT",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
    422: "VALIDATION_FAILED",
    429: "TOO_MANY_REQUESTS",
    500: "INTERNAL_ERROR",
    503: "SERVICE_UNAVAILABLE",
}


def problem_response(
    status: int,
    code: str,
    title: str,
    detail: str,
    *,
    language: Language | None = None,
    headers: dict[str, str] | None = None,
    **members: Any,
) -> JSONResponse:
    """`title` (English; the catalogue's by `code` in Indonesian) and `detail` (a Message is
    rendered) in `language`, by default the request's."""
    language = language or i18n.current_language()
    body: dict[str, Any] = {
        "type": f"https://jamsos-rentan.go.id/problems/{code.lower().replace('_', '-')}",
        "title": i18n.title(code, title, language),
        "status": status,
        "detail": i18n.localise(detail, language),
        "code": code,
    }
    body.update({k: v for k, v in members.items() if v is not None})
    headers = (headers or {}) | i18n.response_headers(language)
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_JSON)


def request_language(request: Request) -> Language:
    # Negotiated again rather than read from the request's context: the handler of
    # unexpected errors runs outside the middleware that sets it.
    return i18n.negotiate(request.headers.get("accept-language"))


def _clean_loc(loc: Sequence[Any]) -> list[str | int]:
    return [part if isinstance(part, int) else str(part) for part in loc]


def _validation_errors(errors: Sequence[Any]) -> list[dict[str, Any]]:
    # The input value is left out on purpose: it may be a NIK or a secret.
    return [
        {"loc": _clean_loc(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": e.get("type")}
        for e in errors
    ]


async def _domain_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    language = request_language(request)
    # A reason renders itself in the request's language (Reason._in_request_language).
    reasons = [r.model_dump() for r in exc.reasons] if exc.reasons is not None else None
    extra = {
        k: i18n.localise(v, language) if isinstance(v, str) else v for k, v in exc.extra.items()
    }
    detail = exc.detail if exc.has_detail else i18n.title(exc.code, exc.title, language)
    return problem_response(
        exc.status,
        exc.code,
        exc.title,
        detail,
        language=language,
        headers=exc.headers,
        reasons=reasons,
        **extra,
    )


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    # Only `title` and `detail` are translated: each of `errors` keeps pydantic's English
    # `msg`, next to its `type`, which a client can map to its own words.
    assert isinstance(exc, RequestValidationError)
    return problem_response(
        422,
        "VALIDATION_FAILED",
        "The request is not valid",
        msg("problem.validation"),
        language=request_language(request),
        errors=_validation_errors(exc.errors()),
    )


# Starlette's own details (its status phrase) that the catalogue says in Indonesian too.
_HTTP_DETAILS = {404: "http.not_found", 405: "http.method_not_allowed"}


def _allowed_methods(request: Request) -> str:
    """Every method the path answers to. Starlette answers 405 from the first route whose
    path matches, naming that route's methods only; a path's GET and PATCH are two routes."""
    methods: set[str] = set()
    for route in iter_route_contexts(request.app.routes):
        match, _ = route.matches(request.scope)
        if match is not Match.NONE:
            methods |= route.methods or set()
    return ", ".join(sorted(methods))


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    status = exc.status_code
    if status == 400:  # FastAPI's or Starlette's: a JSON or form body that cannot be read
        return await _domain_error(request, MalformedBody(msg("problem.malformed_body")))
    headers = getattr(exc, "headers", None)
    if status == 405:
        headers = (headers or {}) | {"Allow": _allowed_methods(request)}
    code = _STATUS_CODES.get(status, f"HTTP_{status}")
    phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
    language = request_language(request)
    detail = exc.detail if isinstance(exc.detail, str) else phrase
    if detail == phrase:  # Starlette's default: a catalogue text, or the title
        detail = (
            msg(_HTTP_DETAILS[status])
            if status in _HTTP_DETAILS
            else i18n.title(code, phrase, language)
        )
    return problem_response(
        status,
        code,
        phrase,
        detail,
        language=language,
        headers=headers,
    )


def violated_constraint(exc: IntegrityError) -> str | None:
    """The constraint a write broke, by name: PostgreSQL reports it (asyncpg's exception);
    SQLite does not, and need not: its write transactions never overlap (BEGIN IMMEDIATE)."""
    return getattr(getattr(exc.orig, "__cause__", None), "constraint_name", None)


@contextmanager
def violation_means(constraint: str, error: DomainError) -> Iterator[None]:
    """For a write checked first without a lock that serialises the check (a KPJ still free,
    a region code still new): a concurrent request that passed the same check and wrote first
    makes the database refuse this one at `constraint`. The caller gets `error`, what the check
    gives now, not the generic CONFLICT, whose "retry" would only meet `error`."""
    try:
        yield
    except IntegrityError as exc:
        if violated_constraint(exc) == constraint:
            raise error from exc
        raise


async def _integrity_error(request: Request, exc: Exception) -> JSONResponse:
    # A constraint the service checks first was hit by a concurrent request, in a race that
    # a retry wins (the same Idempotency-Key twice at once: the retry replays the answer).
    # Races whose loser has a business answer are given it where they write (violation_means).
    log.warning("integrity error: %s", type(exc.__cause__ or exc).__name__)
    return problem_response(
        409,
        "CONFLICT",
        "Conflicting change",
        msg("problem.conflict"),
        language=request_language(request),
    )


async def _data_error(request: Request, exc: Exception) -> JSONResponse:
    # A value the database cannot hold (out of range, bad encoding) is the input's fault.
    log.warning("data error: %s", type(exc.__cause__ or exc).__name__)
    return problem_response(
        422,
        "VALIDATION_FAILED",
        "The request is not valid",
        msg("problem.value_out_of_range"),
        language=request_language(request),
    )


def _driver_errors(exc: Exception) -> list[BaseException]:
    """SQLAlchemy's DBAPI error and the driver's own exception behind it."""
    orig = getattr(exc, "orig", None)
    return [e for e in (orig, getattr(orig, "__cause__", None)) if e is not None]


def _sqlstate(exc: Exception) -> str:
    """The SQLSTATE the server answered with; empty when the failure was the client's."""
    for candidate in _driver_errors(exc):
        if state := getattr(candidate, "sqlstate", None):
            return str(state)
    return ""


def _is_bad_value(exc: Exception) -> bool:
    """SQLSTATE class 22 (data exception: NUL byte, value too long, out of range), whichever
    exception class the driver reports it under, and asyncpg's own client-side DataError."""
    client_side = any(type(e).__name__ == "DataError" for e in _driver_errors(exc))
    return client_side or _sqlstate(exc).startswith("22")


# The server rolled the transaction back for another's sake — 40P01 deadlock detected,
# 40001 serialization failure: the same request run again most likely passes.
TRANSIENT_CONFLICTS = frozenset({"40P01", "40001"})
# Set on the request's scope when its answer may be dropped for one more run (app/retry.py).
RETRY_REQUEST = "jamsos.retry_request"


async def _database_error(request: Request, exc: Exception) -> JSONResponse:
    """503 with Retry-After: the database is down, busy past a bound (every pooled connection
    in use, 57014 a statement past DATABASE_STATEMENT_TIMEOUT_SECONDS, 55P03 a lock not had
    in time) or gave up on the transaction — not the caller's mistake."""
    if _is_bad_value(exc):
        return await _data_error(request, exc)
    sqlstate = _sqlstate(exc)
    conflict = sqlstate in TRANSIENT_CONFLICTS
    if conflict:
        request.scope[RETRY_REQUEST] = True
    log.log(
        logging.WARNING if conflict else logging.ERROR,
        "database error: %s %s",
        type(exc.__cause__ or exc).__name__,
        sqlstate or "(no SQLSTATE)",
    )
    return problem_response(
        503,
        "SERVICE_UNAVAILABLE",
        "Database unavailable",
        msg("problem.database_unavailable"),
        language=request_language(request),
        headers={"Retry-After": "5"},
    )


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    log.error("unhandled %s", type(exc).__name__, exc_info=exc)
    return problem_response(
        500,
        "INTERNAL_ERROR",
        "Internal error",
        msg("problem.internal"),
        language=request_language(request),
    )


# nginx's "client closed request": written in the access line, never received by anyone.
CLIENT_CLOSED_REQUEST = 499


async def _client_gone(request: Request, exc: Exception) -> Response:
    """The client left before its body was read (or the body limit answered 413 and ended
    the reading): nothing went wrong here, so one line, not a traceback (twice: ours, then
    uvicorn's, as for an unexpected error)."""
    log.info("client disconnected before its request body was read")
    return Response(status_code=CLIENT_CLOSED_REQUEST)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(ClientDisconnect, _client_gone)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(IntegrityError, _integrity_error)
    app.add_exception_handler(DataError, _data_error)
    app.add_exception_handler(DBAPIError, _database_error)
    # The database out of reach (refused, unresolvable, timed out) or every pooled connection
    # busy past DATABASE_POOL_TIMEOUT_SECONDS: the driver raises these outside DBAPIError.
    for unreachable in (PoolTimeout, ConnectionError, socket.gaierror, TimeoutError):
        app.add_exception_handler(unreachable, _database_error)
    app.add_exception_handler(Exception, _unexpected_error)
