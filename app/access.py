"""Each request observed once, when it ends: by its route template (never the raw path,
which holds ids and may hold a NIK), method, status and duration — counted for Prometheus,
and written as its access line (text or JSON), without a value of the path or the query."""

import logging
import re
from time import perf_counter
from typing import Any
from urllib.parse import parse_qsl, quote, unquote

from fastapi import FastAPI
from starlette.routing import Mount, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app import metrics
from app.config import Settings
from app.observability import mask_digits, request_id

access_log = logging.getLogger("app.access")

UNMATCHED = "unmatched"  # answered before or without a route: unknown path, body too large
_UNMATCHED_PATH_CHARS = 200  # a probe's path is evidence, not a place to store a novel
_DIGIT = re.compile(r"\d")
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


class RequestObserver:
    def __init__(self, app: ASGIApp, *, count: bool) -> None:
        self.app = app
        self.count = count
        self._series: dict[tuple[str, str, int], tuple[Any, Any]] = {}
        self._plain_routes: dict[Any, str] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = perf_counter()
        status = 500  # unless a response starts: an error no handler answered

        async def observed_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, observed_send)
        finally:
            seconds = perf_counter() - start
            method = scope["method"] if scope["method"] in _METHODS else "OTHER"
            route = self._template(scope)
            if self.count:
                self._observe(method, route, status, seconds)
            _log_access(scope, method, route, status, seconds)

    def _template(self, scope: Scope) -> str:
        """The matched route's path template. FastAPI names its own routes in the scope;
        the app's plain routes (docs, /metrics, the OpenAPI document) by their endpoint."""
        route = scope.get("route")
        if route is not None:
            return str(getattr(route, "path_format", None) or route.path)
        endpoint = scope.get("endpoint")
        if endpoint is None:
            return UNMATCHED
        if self._plain_routes is None:
            self._plain_routes = _plain_routes(scope["app"])
        return self._plain_routes.get(endpoint, UNMATCHED)

    def _observe(self, method: str, route: str, status: int, seconds: float) -> None:
        key = (method, route, status)
        series = self._series.get(key)
        if series is None:  # children looked up once: labels() costs more than inc()
            labels = (method, route, str(status))
            series = metrics.REQUESTS.labels(*labels), metrics.LATENCY.labels(*labels)
            self._series[key] = series
        series[0].inc()
        series[1].observe(seconds)


def _plain_routes(app: Any) -> dict[Any, str]:
    found: dict[Any, str] = {}
    for route in getattr(app, "routes", ()):
        if isinstance(route, Route):
            found[route.endpoint] = route.path_format
        elif isinstance(route, Mount):
            found[route.app] = route.path
    return found


def logged_path(scope: Scope, route: str) -> str:
    """What the access line says was asked for: the route template and the names of the query
    parameters, never a value of either (an id, a NIK in whatever spelling, a cursor). A path
    no route matched is written as it came unless it holds 16 digits or more."""
    if route != UNMATCHED:
        path = route
    else:
        path = scope["path"][:_UNMATCHED_PATH_CHARS]
        if len(_DIGIT.findall(unquote(path))) >= 16:
            path = _DIGIT.sub("#", unquote(path))
    names = sorted({name for name, _ in parse_qsl(scope["query_string"].decode("latin-1"), True)})
    if names:
        path += "?" + "&".join(quote(name, safe="") for name in names)
    return mask_digits(path)


def _log_access(scope: Scope, method: str, route: str, status: int, seconds: float) -> None:
    path = logged_path(scope, route)
    client = scope.get("client")
    address = f"{client[0]}:{client[1]}" if client else "-"
    duration_ms = round(seconds * 1000, 2)
    access_log.info(
        '%s - "%s %s" %d %.2fms',
        address,
        method,
        path,
        status,
        duration_ms,
        extra={
            # Carried by the record, not read when it is formatted: a handler may format
            # later, outside the request (pytest's does).
            "request_id": request_id.get(),
            "method": method,
            "route": route,
            "status": status,
            "duration_ms": duration_ms,
            "path": path,
            "client": address if client else None,
        },
    )


def install_request_observer(app: FastAPI, settings: Settings) -> None:
    """/metrics when metrics are on, and the observer, which writes each request's access line
    (uvicorn's is off: it writes the query string as it came) and counts it for /metrics."""
    if settings.metrics_on:
        app.add_route(
            metrics.METRICS_PATH,
            metrics.metrics_endpoint(settings),
            methods=["GET"],
            include_in_schema=False,
        )
    app.add_middleware(RequestObserver, count=settings.metrics_on)
