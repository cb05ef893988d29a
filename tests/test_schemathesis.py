"""Schemathesis over the whole API, in process: every check on every operation, for a pemda
and a BPJS token, in each phase (the document's examples, boundary and negative coverage,
fuzzing, and stateful sequences over the links it infers from `Location` and the schemas).

A failure names the check, the operation and a curl line that replays it. Bounded and
reproducible: a fixed seed, derandomised generation, few examples per operation, no example
database or cache written to disk, a time limit per request. (No `max-time`: given one,
schemathesis goes on fuzzing until it is up.)

It runs on both databases of the README's test command: what hostile input breaks differs
between them (PostgreSQL refuses NUL bytes and values past a column's range, SQLite's driver
integers past 64 bits), and both are supported back ends.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis.configuration import set_hypothesis_home_dir
from schemathesis.engine import StopReason, events, from_schema
from schemathesis.python.asgi import shutdown_lifespans

from app.db import database
from app.main import app
from tests.conftest import BPJS_PASURUAN, PEMDA_3514, TEST_DATABASE_URL, auth
from tests.factories import create_program, roster_rows, to_csv

EXAMPLES_PER_OPERATION = 15
STATEFUL_STEPS = 20
REQUEST_TIMEOUT_SECONDS = 30  # a request that hangs fails the run

# Statuses a schema-valid request may get besides schemathesis' defaults: the rules a JSON
# schema cannot say (a NIK's checksum, a budget, a date against today) answer 422, and a
# cursor is an opaque token that only a previous page's `next_cursor` makes valid (400).
VALID_BUT_REFUSED = ["2xx", "3xx", "400", "401", "403", "404", "409", "422", "429"]


def config(token_headers: dict[str, str]) -> schemathesis.Config:
    return schemathesis.Config.from_dict(
        {
            "seed": 20261122,
            "headers": token_headers,
            "request-timeout": REQUEST_TIMEOUT_SECONDS,
            "max-failures": 50,
            "cache": {"enabled": False},
            "generation": {
                "max-examples": EXAMPLES_PER_OPERATION,
                "deterministic": True,
                "database": "none",
            },
            "checks": {"positive_data_acceptance": {"expected-statuses": VALID_BUT_REFUSED}},
            "phases": {"stateful": {"max-steps": STATEFUL_STEPS}},
        }
    )


async def seed_programme() -> None:
    """A Kab. Pasuruan programme with active, invoiced and paid members, so that lists hold
    rows to check against their schemas and the stateful phase finds ids to follow."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://seed") as api:
        pemda, bpjs = auth(**PEMDA_3514), auth(**BPJS_PASURUAN)
        program = await create_program(api, coverage_start="2026-01")
        url = f"/v1/programs/{program['id']}"
        csv = {"content-type": "text/csv"}
        imported = await api.post(
            f"{url}/enrolments/import", content=to_csv(roster_rows(12)), headers=pemda | csv
        )
        assert imported.status_code == 200, imported.text
        activated = await api.post(f"{url}/enrolments/activate", json={}, headers=bpjs)
        assert activated.status_code == 200, activated.text
        months = {"from_month": "2026-01", "to_month": "2026-06"}
        invoice = await api.post(f"{url}/invoices", json=months, headers=bpjs)
        assert invoice.status_code == 201, invoice.text
        paid = {"amount_idr": 1000, "paid_on": "2026-01-05", "reference": "TRF-SEED-1"}
        payment = await api.post(
            f"/v1/invoices/{invoice.json()['id']}/payments", json=paid, headers=pemda
        )
        assert payment.status_code == 201, payment.text


def with_own_engine(asgi: Any) -> Callable[..., Any]:
    """The app with a lifespan of its own: schemathesis calls it from an event loop of its
    own, which must open its own database connections (a pooled connection belongs to the
    loop that opened it) and close them before the rest of the suite goes on."""

    async def wrapper(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "lifespan":
            await asgi(scope, receive, send)
            return
        message = await receive()
        assert message["type"] == "lifespan.startup"
        database.configure(TEST_DATABASE_URL)
        await seed_programme()
        await send({"type": "lifespan.startup.complete"})
        message = await receive()
        assert message["type"] == "lifespan.shutdown"
        await database.dispose()
        await send({"type": "lifespan.shutdown.complete"})

    return wrapper


@contextmanager
def engine_of_its_own() -> Iterator[None]:
    saved = dict(vars(database))
    try:
        yield
    finally:
        shutdown_lifespans()
        vars(database).clear()
        vars(database).update(saved)


def failures_of(run: list[events.EngineEvent]) -> list[str]:
    found: list[str] = []
    for event in run:
        if isinstance(event, events.ScenarioFinished):
            recorder = event.recorder
            for nodes in recorder.checks.values():
                for node in nodes:
                    if node.failure_info is None:
                        continue
                    failure = node.failure_info.failure
                    found.append(
                        f"[{event.phase}] {recorder.label}: {node.name}: {failure.title}\n"
                        f"{failure.message}\n{node.failure_info.code_sample}"
                    )
        elif isinstance(event, events.NonFatalError):
            found.append(f"[{event.phase}] {event.label}: error: {event.value!r}")
        elif isinstance(event, events.FatalError):
            found.append(f"fatal: {event.exception!r}")
    return list(dict.fromkeys(found))


@pytest.fixture
def hypothesis_home(tmp_path: Path) -> Iterator[None]:
    """Hypothesis writes what it collects (constants, Unicode tables) under its home, by
    default `.hypothesis/` in the working directory: here the test's temporary one."""
    set_hypothesis_home_dir(tmp_path)
    yield
    set_hypothesis_home_dir(None)


@pytest.mark.parametrize("role", [PEMDA_3514, BPJS_PASURUAN], ids=["pemda", "bpjs"])
@pytest.mark.usefixtures("hypothesis_home", "regions")
def test_no_check_fails(role: dict[str, Any]) -> None:
    with engine_of_its_own():
        asgi = with_own_engine(app)
        schema = schemathesis.openapi.from_asgi("/openapi.json", asgi, config=config(auth(**role)))
        run = list(from_schema(schema).execute())
    finished = next(e for e in run if isinstance(e, events.EngineFinished))
    failures = failures_of(run)
    assert not failures, f"{len(failures)} failing checks:\n\n" + "\n\n".join(failures)
    assert finished.stop_reason is StopReason.COMPLETED
