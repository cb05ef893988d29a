"""The problem `code`s of each operation, in the OpenAPI document: per error status, an enum
of the codes the operation can answer with, so that a client can switch on them.

An operation's codes are those its route declares with `error_responses()` and those that come
with what the route is made of: the app-wide check of query parameters, request validation,
the body size limit and the reading of the body, pagination, authentication and its rate
limit, and for a write that checks for conflicts, the database's own guard against concurrent
requests.
"""

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, RouteContext, iter_route_contexts
from starlette.routing import BaseRoute

from app.auth.dependencies import AUTH_ERRORS, authenticate
from app.db import get_read_session, get_session
from app.errors import (
    IDEMPOTENCY_ERRORS,
    PROBLEMS_KEY,
    DomainError,
    MalformedBody,
    PayloadTooLarge,
)
from app.idempotency import idempotency
from app.pagination import InvalidCursor, page_params
from app.query_params import UnknownQueryParameter, reject_unknown_query
from app.rate_limit import OPENAPI_HEADERS as RATE_LIMIT_HEADERS
from app.rate_limit import TooManyRequests, limit_by_address

PROBLEM_REF = "#/components/schemas/Problem"
PROBLEM_JSON = "application/problem+json"

Problem = tuple[int, str, str]  # status, code, title


def _problem(error: type[DomainError]) -> Problem:
    return error.status, error.code, error.title


# Answered by errors.py's handlers, not raised as a DomainError.
VALIDATION_FAILED: Problem = (422, "VALIDATION_FAILED", "The request is not valid")
CONFLICT: Problem = (409, "CONFLICT", "Conflicting change")
TOO_LARGE = _problem(PayloadTooLarge)  # the body size limit (app/limits.py), before any route
# The database out of reach, busy past a bound or giving up on the transaction: whatever
# reads it, authentication included (a client's status, app/auth/client_status.py).
DATABASE_UNAVAILABLE: Problem = (503, "SERVICE_UNAVAILABLE", "Database unavailable")
DATABASE_CALLS = frozenset({get_session, get_read_session, authenticate})
RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds after which the request may be tried again",
        "schema": {"type": "integer", "minimum": 0},
    }
}

DEPENDENCY_ERRORS: dict[Callable[..., Any], tuple[type[DomainError], ...]] = {
    reject_unknown_query: (UnknownQueryParameter,),
    authenticate: (*AUTH_ERRORS, TooManyRequests),
    limit_by_address: (TooManyRequests,),
    page_params: (InvalidCursor,),
    idempotency: (*IDEMPOTENCY_ERRORS,),
}


def _calls(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    for sub in dependant.dependencies:
        if sub.call is not None:
            yield sub.call
        yield from _calls(sub)


def api_routes(routes: Sequence[BaseRoute]) -> dict[str, RouteContext]:
    """Every API operation by its operationId, as the app runs it: with the dependencies of
    the app and of the routers it is included by."""
    return {
        context.operation_id or context.unique_id: context
        for context in iter_route_contexts(routes)
        if isinstance(context.original_route, APIRoute)
    }


def _generic(operation: dict[str, Any], route: RouteContext | None) -> list[Problem]:
    problems: list[Problem] = [_problem(UnknownQueryParameter)]
    calls = set(_calls(route.dependant)) if route is not None else set()
    for call, errors in DEPENDENCY_ERRORS.items():
        if call in calls:
            problems += [_problem(e) for e in errors]
    if operation.get("parameters") or operation.get("requestBody"):
        # A route may answer invalid input its own way (OAuth2's `invalid_request`).
        invalid = getattr(route.original_route if route else None, "validation_error", None)
        problems.append(_problem(invalid) if invalid is not None else VALIDATION_FAILED)
    if operation.get("requestBody"):
        problems += [TOO_LARGE, _problem(MalformedBody)]
    if calls & DATABASE_CALLS:
        problems.append(DATABASE_UNAVAILABLE)
    return problems


def _race(problems: list[Problem], route: RouteContext | None, method: str) -> list[Problem]:
    """A write that checks for a conflict (a 409) can also meet one a concurrent request
    makes at the same moment: the database's constraint answers it (errors.py)."""
    writes = route is not None and method != "get" and get_session in set(_calls(route.dependant))
    return [CONFLICT] if writes and any(status == 409 for status, _, _ in problems) else []


def _schema(codes: list[str]) -> dict[str, Any]:
    return {
        "allOf": [
            {"$ref": PROBLEM_REF},
            {"type": "object", "properties": {"code": {"type": "string", "enum": codes}}},
        ]
    }


def _example(status: int, code: str, title: str) -> dict[str, Any]:
    """The problem document as errors.problem_response renders it in English (not through
    it: the document must not depend on the language of the request that first asks for
    it), with the title as its detail."""
    return {
        "type": f"https://jamsos-rentan.go.id/problems/{code.lower().replace('_', '-')}",
        "title": title,
        "status": status,
        "detail": f"{title}.",
        "code": code,
    }


def document_problems(document: dict[str, Any], routes: Sequence[BaseRoute]) -> None:
    """Give every error response of every operation its problem codes, its description and
    an example (of the first code)."""
    by_id = api_routes(routes)
    for path in document.get("paths", {}).values():
        for method, operation in path.items():
            responses = operation.setdefault("responses", {})
            declared: list[Problem] = []
            for status, response in responses.items():
                listed = response.pop(PROBLEMS_KEY, [])
                declared += [(int(status), p["code"], p["title"]) for p in listed]
            route = by_id.get(operation.get("operationId", ""))
            problems = declared + _generic(operation, route)
            by_status: dict[int, dict[str, str]] = {}
            for status, code, title in problems + _race(problems, route, method):
                by_status.setdefault(status, {}).setdefault(code, title)
            for status, titles in sorted(by_status.items()):
                first = next(iter(titles.items()))
                response = responses.setdefault(str(status), {})
                response["description"] = "; ".join(f"{t} (`{c}`)" for c, t in titles.items())
                response["content"] = {
                    PROBLEM_JSON: {
                        "schema": _schema(list(titles)),
                        "example": _example(status, *first),
                    }
                }
                if status == TooManyRequests.status:
                    response["headers"] = RATE_LIMIT_HEADERS
                if status == DATABASE_UNAVAILABLE[0]:
                    response["headers"] = RETRY_AFTER
            operation["responses"] = dict(
                sorted(responses.items(), key=lambda item: (len(item[0]), item[0]))
            )
