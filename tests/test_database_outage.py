"""Fault test (issue 12): PostgreSQL stopped under load, then started again. While it is
down every answer is 503 with `Retry-After` — no other 5xx, ever — and once it is back the
same service process answers 2xx again, without a restart.

A PostgreSQL cluster of the test's own (tests/postgres.sh on a free port), since the test
stops it; the service is a real uvicorn process (tests/benchmarks/load.py)."""

import asyncio
import glob
import itertools
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlmodel.ext.asyncio.session import AsyncSession

from app.auth import service as auth_service
from app.auth.scopes import Role
from app.db import make_engine
from app.regions.importer import bundled_regions
from app.regions.models import Region
from tests.benchmarks.load import free_port, serve, service_argv
from tests.conftest import IS_POSTGRES, bearer, make_token, recreate_postgres_database
from tests.factories import program_body

pytestmark = pytest.mark.skipif(not IS_POSTGRES, reason="the PostgreSQL pass runs it")

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = 4  # concurrent callers, each looping over every endpoint
PAUSE_SECONDS = 0.05  # between one caller's requests: load, not a busy loop on two cores
OUTAGE_SECONDS = 5
RECOVERY_SECONDS = 30
CLIENT_ID = "pemda-3514"


@dataclass
class Cluster:
    port: int
    directory: Path

    @property
    def url(self) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/jamsos"

    def run(self, command: str, *, check: bool = True) -> None:
        """tests/postgres.sh: `start` (creating the cluster the first time) or `stop`."""
        env = os.environ | {"PGPORT": str(self.port), "PGTESTDIR": str(self.directory)}
        subprocess.run(  # noqa: S603
            ["bash", str(ROOT / "tests" / "postgres.sh"), command],  # noqa: S607
            env=env,
            check=check,
            capture_output=True,
        )


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    """Stopped and deleted when the test ends, whatever happened."""
    if not glob.glob("/usr/lib/postgresql/*/bin/initdb"):
        message = "the outage test needs PostgreSQL's binaries: apt-get install -y postgresql"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    # Under /tmp, not the test run's private temporary directory: when the tests run as
    # root the server runs as `postgres`, which must reach its data directory.
    directory = Path(tempfile.mkdtemp(prefix="jamsos-outage-pg.", dir="/tmp"))
    cluster = Cluster(free_port(), directory)
    try:
        cluster.run("start")
        yield cluster
    finally:
        cluster.run("stop", check=False)
        shutil.rmtree(directory, ignore_errors=True)


async def prepare(url: str) -> str:
    """A migrated database with the bundled regions and one client; the client's secret."""
    await recreate_postgres_database(url)
    migrated = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "app", "migrate"],
        env=os.environ | {"DATABASE_URL": url},
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert migrated.returncode == 0, migrated.stderr[-3000:]
    engine = make_engine(url)
    try:
        async with AsyncSession(engine, expire_on_commit=False) as session:
            session.add_all(Region(**r.model_dump(mode="json")) for r in bundled_regions())
            await session.flush()
            _, secret = await auth_service.create_client(
                session, client_id=CLIENT_ID, name="Pemda 3514", role=Role.pemda, region="3514"
            )
            await session.commit()
    finally:
        await engine.dispose()
    return secret


@dataclass
class Answer:
    endpoint: str
    started: float
    ended: float
    status: int | None  # None: no HTTP answer at all
    retry_after: str | None
    failure: str = ""


@dataclass
class Load:
    """Callers looping over reads, writes and the token endpoint until `stop` is set."""

    url: str
    secret: str
    answers: list[Answer]
    stop: asyncio.Event

    def requests(self, n: int) -> list[tuple[str, str, str, dict[str, object]]]:
        token = bearer(make_token("pemda", region="3514"))
        credentials = {
            "grant_type": "client_credentials",
            "client_id": CLIENT_ID,
            "client_secret": self.secret,
        }
        return [
            ("list programmes", "GET", "/v1/programs", {"headers": token}),
            (
                "create a programme",
                "POST",
                "/v1/programs",
                {"headers": token, "json": program_body(name=f"Program {n}")},
            ),
            ("token", "POST", "/v1/auth/token", {"data": credentials}),
            ("readiness", "GET", "/readyz", {}),
        ]

    async def caller(self, number: int) -> None:
        async with httpx.AsyncClient(base_url=self.url, timeout=30) as http:
            for n in itertools.count(number * 1_000_000):
                for endpoint, method, path, kwargs in self.requests(n):
                    if self.stop.is_set():
                        return
                    await self.one(http, endpoint, method, path, kwargs)
                    await asyncio.sleep(PAUSE_SECONDS)

    async def one(
        self,
        http: httpx.AsyncClient,
        endpoint: str,
        method: str,
        path: str,
        kwargs: dict[str, object],
    ) -> None:
        started = time.monotonic()
        try:
            response = await http.request(method, path, **kwargs)  # type: ignore[arg-type]
        except httpx.HTTPError as exc:
            self.answers.append(Answer(endpoint, started, time.monotonic(), None, None, repr(exc)))
            return
        self.answers.append(
            Answer(
                endpoint,
                started,
                time.monotonic(),
                response.status_code,
                response.headers.get("retry-after"),
                response.text[:300] if response.status_code >= 500 else "",
            )
        )

    def recovered_since(self, moment: float) -> set[str]:
        return {
            a.endpoint
            for a in self.answers
            if a.started >= moment and a.status is not None and a.status < 300
        }

    async def until_recovered(self, moment: float) -> None:
        """Until every endpoint has answered 2xx to a request made after `moment` (a
        `time.monotonic()`), or RECOVERY_SECONDS have passed."""
        for _ in range(RECOVERY_SECONDS * 2):
            if self.recovered_since(moment) == ENDPOINTS:
                return
            await asyncio.sleep(0.5)


ENDPOINTS = {"list programmes", "create a programme", "token", "readiness"}


async def test_an_outage_under_load_is_503_and_the_service_recovers(cluster: Cluster) -> None:
    secret = await prepare(cluster.url)
    env = {"DATABASE_URL": cluster.url, "APP_ENV": "development", "APP_TODAY": "2026-01-05"}
    with serve(service_argv(), env, "/readyz") as server:
        load = Load(server.url, secret, [], asyncio.Event())
        callers = [asyncio.create_task(load.caller(i)) for i in range(CLIENTS)]
        try:
            await load.until_recovered(0)  # every endpoint answered once: the service is warm
            before = load.recovered_since(0)
            await asyncio.to_thread(cluster.run, "stop")
            down = time.monotonic()
            await asyncio.sleep(OUTAGE_SECONDS)
            restarting = time.monotonic()
            await asyncio.to_thread(cluster.run, "start")
            await load.until_recovered(restarting)
        finally:
            load.stop.set()
            await asyncio.gather(*callers)
        recovered = load.recovered_since(restarting)

    assert before == ENDPOINTS, f"not every endpoint answered before the outage: {before}"
    outage = [a for a in load.answers if a.started >= down and a.ended <= restarting]
    assert {a.endpoint for a in outage} == ENDPOINTS, "every endpoint was called while down"
    wrong = [a for a in outage if a.status != 503 or not (a.retry_after or "").isdigit()]
    assert not wrong, f"{len(wrong)} of {len(outage)} answers while down: {wrong[:5]}"
    # Around the stop and the start too: 503 with Retry-After is the only trouble answer.
    bad = [
        a
        for a in load.answers
        if a.status not in (200, 201, 503) or (a.status == 503 and not a.retry_after)
    ]
    assert not bad, f"{len(bad)} of {len(load.answers)} answers: {bad[:5]}"
    assert recovered == ENDPOINTS, f"within {RECOVERY_SECONDS} s only {recovered} answered 2xx"
