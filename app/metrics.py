"""Prometheus metrics (README, Observability): requests by route template and status, the
database pool, and the work of the bulk paths, served at `/metrics` when METRICS_ENABLED.

With several worker processes each one counts for itself, in files of one directory
(prometheus_client's multiprocess mode, PROMETHEUS_MULTIPROC_DIR), and a scrape of any worker
adds them all up: `python -m app serve` prepares that directory (`multiprocess_directory`)."""

import hmac
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
    multiprocess,
)
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.requests import Request
from starlette.responses import Response

from app.config import Settings, get_settings
from app.errors import Unauthenticated, problem_response
from app.i18n import msg

METRICS_PATH = "/metrics"
MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"
# prometheus_client picks where values live (memory, or the directory's files) when it is
# first imported; the scrape must read them from the same place.
MULTIPROCESS = MULTIPROCESS_DIR in os.environ or MULTIPROCESS_DIR.lower() in os.environ

disable_created_metrics()  # a `_created` twin of every series doubles a scrape for nothing

HTTP_LABELS = ("method", "route", "status")
REQUESTS = Counter(
    "jamsos_http_requests_total",
    "HTTP requests answered, by method, route template and status",
    HTTP_LABELS,
)
# Up to a minute: a 200,000-row roster import takes about 40 s.
LATENCY = Histogram(
    "jamsos_http_request_duration_seconds",
    "Time to answer an HTTP request, by method, route template and status",
    HTTP_LABELS,
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)
# Summed over the live worker processes: each has its own pool.
POOL_SIZE = Gauge(
    "jamsos_db_pool_size",
    "Database connections the pools may hand out at once (pool size + overflow)",
    multiprocess_mode="livesum",
)
POOL_CHECKED_OUT = Gauge(
    "jamsos_db_pool_checked_out",
    "Database connections in use by requests now",
    multiprocess_mode="livesum",
)
ROSTER_ROWS = Counter(
    "jamsos_roster_rows_total",
    "Roster rows judged by committed imports, by outcome; dry runs apart",
    ("outcome", "dry_run"),
)
INVOICE_LINES = Counter("jamsos_invoice_lines_total", "Invoice lines written by committed invoices")

for _outcome in ("accepted", "rejected"):
    for _dry_run in ("false", "true"):
        ROSTER_ROWS.labels(_outcome, _dry_run)  # present, at 0, before the first import


def count_when_committed(session: AsyncSession, counter: Any, amount: int) -> None:
    """Adds `amount` to `counter` (a Counter, or one of its labelled children) when the
    session's transaction commits: work that was rolled back was not done (and a later
    transaction of the same session does not count it either)."""
    if amount <= 0:
        return
    pending = [amount]

    def committed(_session: Any) -> None:
        if pending:
            counter.inc(pending.pop())

    def rolled_back(_session: Any, _transaction: Any) -> None:
        pending.clear()

    event.listen(session.sync_session, "after_commit", committed)
    event.listen(session.sync_session, "after_soft_rollback", rolled_back)


def count_roster_rows(
    session: AsyncSession, *, accepted: int, rejected: int, dry_run: bool
) -> None:
    mode = "true" if dry_run else "false"
    count_when_committed(session, ROSTER_ROWS.labels("accepted", mode), accepted)
    count_when_committed(session, ROSTER_ROWS.labels("rejected", mode), rejected)


def watch_pool(engine: AsyncEngine) -> None:
    """Keeps the pool gauges: its capacity now, and each connection out and back."""
    if not get_settings().metrics_on:
        return
    pool: Any = engine.sync_engine.pool
    if callable(getattr(pool, "size", None)):  # a QueuePool: PostgreSQL, and SQLite files
        POOL_SIZE.set(pool.size() + max(getattr(pool, "_max_overflow", 0), 0))
    event.listen(pool, "checkout", lambda *_: POOL_CHECKED_OUT.inc())
    event.listen(pool, "checkin", lambda *_: POOL_CHECKED_OUT.dec())


def _authorised(request: Request, token: str) -> bool:
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        credentials.strip().encode(), token.encode()
    )


def _exposition() -> bytes:
    if not MULTIPROCESS:
        return generate_latest(REGISTRY)
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    return generate_latest(registry)


def metrics_endpoint(settings: Settings) -> Any:
    token = settings.metrics_token

    async def metrics(request: Request) -> Response:
        if token is not None and not _authorised(request, token):
            return problem_response(
                401,
                Unauthenticated.code,
                Unauthenticated.title,
                msg("auth.token_required"),
                headers={"WWW-Authenticate": 'Bearer realm="metrics"'},
            )
        return Response(_exposition(), media_type=CONTENT_TYPE_LATEST)

    return metrics


def mark_worker_gone() -> None:
    """A worker stopping takes its pool with it: its pool gauges stop counting."""
    if MULTIPROCESS:
        multiprocess.mark_process_dead(os.getpid())


@contextmanager
def multiprocess_directory(settings: Settings, workers: int) -> Iterator[None]:
    """For `serve`: several workers with metrics on share a fresh directory (a temporary one,
    removed at the end, unless PROMETHEUS_MULTIPROC_DIR names one). A given directory is
    emptied of an earlier run's files, which would still be counted."""
    given = os.environ.get(MULTIPROCESS_DIR)
    if not settings.metrics_on or (workers < 2 and not given):
        yield
        return
    if given:
        mine = f"_{os.getpid()}.db"  # this process may already count (one worker: it serves)
        for file in Path(given).glob("*.db"):
            if not file.name.endswith(mine):
                file.unlink(missing_ok=True)
        yield
        return
    directory = tempfile.mkdtemp(prefix="jamsos-metrics-")
    os.environ[MULTIPROCESS_DIR] = directory
    try:
        yield
    finally:
        os.environ.pop(MULTIPROCESS_DIR, None)
        shutil.rmtree(directory, ignore_errors=True)
