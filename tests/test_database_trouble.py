"""The database's trouble is a 503 with `Retry-After`, within a bounded wait (issue 12): a
deadlock or a serialization failure runs the request once more, then gives up; a statement or
a lock wait past its limit, or a pool with no free connection, answers at once."""

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
import httpx
import pytest
from fastapi import FastAPI, Request
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from app.config import Settings, get_settings
from app.db import database
from app.errors import install_error_handlers
from app.retry import RetryTransientConflicts
from tests.conftest import (
    BPJS_PASURUAN,
    PEMDA_3514,
    TEST_DATABASE_URL,
    assert_problem,
    auth,
    postgres_only,
)
from tests.factories import create_program, program_body

DEADLOCK, SERIALIZATION_FAILURE = "40P01", "40001"


def assert_503_retry_after(response: httpx.Response) -> None:
    assert_problem(response, 503, "SERVICE_UNAVAILABLE")
    assert response.headers["retry-after"].isdigit()


class DriverError(Exception):
    """What a driver raises for an error the server reported: its SQLSTATE."""

    def __init__(self, sqlstate: str) -> None:
        super().__init__(f"SQLSTATE {sqlstate}")
        self.sqlstate = sqlstate


def app_failing(times: int, sqlstate: str = DEADLOCK) -> tuple[FastAPI, list[bytes]]:
    """An app whose one endpoint fails its first `times` runs with `sqlstate`; the list holds
    the body each run read."""
    app = FastAPI()
    install_error_handlers(app)
    app.add_middleware(RetryTransientConflicts)
    runs: list[bytes] = []

    @app.api_route("/work", methods=["GET", "POST"])
    async def work(request: Request) -> dict[str, str]:
        runs.append(await request.body())
        if len(runs) <= times:
            raise DBAPIError("UPDATE …", None, DriverError(sqlstate))
        return {"body": (await request.body()).decode()}

    return app, runs


async def call(app: FastAPI, method: str, **kwargs: Any) -> httpx.Response:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        return await http.request(method, "/work", **kwargs)


class TestRetryMiddleware:
    """Any database: the middleware's own rules, on an app of its own."""

    @pytest.mark.parametrize("sqlstate", [DEADLOCK, SERIALIZATION_FAILURE])
    async def test_a_conflict_runs_again_with_the_same_body(self, sqlstate: str) -> None:
        app, runs = app_failing(1, sqlstate)
        response = await call(app, "POST", json={"n": 1})
        assert response.status_code == 200, response.text
        assert response.json() == {"body": '{"n":1}'}
        assert runs == [b'{"n":1}'] * 2

    async def test_a_second_conflict_answers_503(self) -> None:
        app, runs = app_failing(2)
        assert_503_retry_after(await call(app, "POST", json={}))
        assert len(runs) == 2

    async def test_other_database_errors_are_not_run_again(self) -> None:
        app, runs = app_failing(1, "57014")
        assert_503_retry_after(await call(app, "POST", json={}))
        assert len(runs) == 1

    async def test_reads_and_files_are_not_run_again(self) -> None:
        app, runs = app_failing(2)
        assert_503_retry_after(await call(app, "GET"))
        csv = {"content-type": "text/csv"}
        assert_503_retry_after(await call(app, "POST", content=b"nik\n", headers=csv))
        assert len(runs) == 2


# --- PostgreSQL: the real server's errors, through real endpoints -------------------------


def asyncpg_url() -> str:
    return make_url(TEST_DATABASE_URL).set(drivername="postgresql").render_as_string(False)


async def fetchval(query: str, *args: Any) -> Any:
    conn = await asyncpg.connect(asyncpg_url())
    try:
        return await conn.fetchval(query, *args)
    finally:
        await conn.close()


@asynccontextmanager
async def programme_inserts_fail(times: int, sqlstate: str) -> AsyncIterator[Callable[[], Any]]:
    """The first `times` INSERTs into programs fail as the server fails a deadlocked or
    unserializable transaction. Yields the number of attempts so far, counted by a sequence:
    the transactions roll back, the count stays."""
    conn = await asyncpg.connect(asyncpg_url())
    try:
        await conn.execute(f"""
            CREATE SEQUENCE test_insert_attempts;
            CREATE FUNCTION test_fail_insert() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF nextval('test_insert_attempts') <= {times} THEN
                RAISE EXCEPTION 'forced by the test' USING ERRCODE = '{sqlstate}';
              END IF;
              RETURN NEW;
            END $$;
            CREATE TRIGGER test_fail_insert BEFORE INSERT ON programs
              FOR EACH ROW EXECUTE FUNCTION test_fail_insert();
        """)

        async def attempts() -> int:
            last, called = await conn.fetchrow(
                "SELECT last_value, is_called FROM test_insert_attempts"
            )
            return int(last) if called else 0

        yield attempts
    finally:
        await conn.execute("""
            DROP TRIGGER IF EXISTS test_fail_insert ON programs;
            DROP FUNCTION IF EXISTS test_fail_insert();
            DROP SEQUENCE IF EXISTS test_insert_attempts;
        """)
        await conn.close()


async def counts() -> dict[str, int]:
    tables = ("programs", "audit_events", "idempotency_records")
    return {t: await fetchval(f"SELECT count(*) FROM {t}") for t in tables}  # noqa: S608


@postgres_only
@pytest.mark.usefixtures("regions")
class TestTransientConflicts:
    @pytest.mark.parametrize("sqlstate", [DEADLOCK, SERIALIZATION_FAILURE])
    async def test_runs_once_more_and_writes_once(
        self, client: httpx.AsyncClient, sqlstate: str
    ) -> None:
        headers = auth(**PEMDA_3514) | {"Idempotency-Key": "retried"}
        async with programme_inserts_fail(1, sqlstate) as attempts:
            created = await client.post("/v1/programs", json=program_body(), headers=headers)
            assert created.status_code == 201, created.text
            assert await attempts() == 2
            again = await client.post("/v1/programs", json=program_body(), headers=headers)
        assert again.headers.get("idempotent-replayed") == "true"
        assert again.json()["id"] == created.json()["id"]
        assert await counts() == {"programs": 1, "audit_events": 1, "idempotency_records": 1}

    async def test_a_second_conflict_answers_503_and_writes_nothing(
        self, client: httpx.AsyncClient
    ) -> None:
        headers = auth(**PEMDA_3514) | {"Idempotency-Key": "twice"}
        async with programme_inserts_fail(2, DEADLOCK) as attempts:
            failed = await client.post("/v1/programs", json=program_body(), headers=headers)
            assert_503_retry_after(failed)
            assert await attempts() == 2
            assert await counts() == {"programs": 0, "audit_events": 0, "idempotency_records": 0}
            later = await client.post("/v1/programs", json=program_body(), headers=headers)
        assert later.status_code == 201, later.text  # the key was not taken by the failure


@pytest.fixture
async def settings_of_the_pool(
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[Callable[..., Awaitable[None]]]:
    """Call with settings (`database_pool_size=1`) to rebuild the engine with them; the
    test's engine comes back when the test ends."""
    settings = get_settings()

    async def apply(**values: Any) -> None:
        for name, value in values.items():
            monkeypatch.setattr(settings, name, value)
        await database.dispose()
        database.configure(TEST_DATABASE_URL)

    yield apply
    monkeypatch.undo()
    await database.dispose()
    database.configure(TEST_DATABASE_URL)


@asynccontextmanager
async def programme_locked(program_id: str) -> AsyncIterator[None]:
    """Another session holds the programme's row lock until the block ends."""
    conn = await asyncpg.connect(asyncpg_url())
    try:
        async with conn.transaction():
            await conn.execute(
                "SELECT 1 FROM programs WHERE id = $1 FOR UPDATE", uuid.UUID(program_id)
            )
            yield
    finally:
        await conn.close()


async def timed(request: Awaitable[httpx.Response]) -> tuple[httpx.Response, float]:
    """The answer and how long it took; a wait with no bound fails the test, not hangs it."""
    start = time.monotonic()
    response = await asyncio.wait_for(request, timeout=10)
    return response, time.monotonic() - start


async def patch_while_locked(client: httpx.AsyncClient) -> tuple[httpx.Response, float]:
    """A programme's PATCH while another connection holds the programme's row lock."""
    program = await create_program(client)
    async with programme_locked(program["id"]):
        return await timed(
            client.patch(
                f"/v1/programs/{program['id']}",
                json={"target_workers": 10},
                headers=auth(**PEMDA_3514),
            )
        )


@postgres_only
@pytest.mark.usefixtures("regions")
class TestBoundedWaits:
    async def test_a_statement_past_its_timeout_answers_503(
        self, client: httpx.AsyncClient, settings_of_the_pool: Callable[..., Awaitable[None]]
    ) -> None:
        await settings_of_the_pool(database_statement_timeout_seconds=0.3)
        response, seconds = await patch_while_locked(client)
        assert_503_retry_after(response)
        assert seconds < 5

    async def test_a_lock_wait_past_lock_timeout_answers_503(
        self, client: httpx.AsyncClient, settings_of_the_pool: Callable[..., Awaitable[None]]
    ) -> None:
        """55P03, as where an operator sets lock_timeout on the database."""
        name = make_url(TEST_DATABASE_URL).database
        await fetchval(f"ALTER DATABASE \"{name}\" SET lock_timeout = '300ms'")
        try:
            await settings_of_the_pool()  # new connections, which take the database's setting
            response, seconds = await patch_while_locked(client)
        finally:
            await fetchval(f'ALTER DATABASE "{name}" RESET lock_timeout')
        assert_503_retry_after(response)
        assert seconds < 5

    async def test_bulk_work_waits_past_the_request_timeout(
        self, client: httpx.AsyncClient, settings_of_the_pool: Callable[..., Awaitable[None]]
    ) -> None:
        """An invoice has the bulk limit: it waits out another's programme lock that a
        request's statement would not."""
        await settings_of_the_pool(
            database_statement_timeout_seconds=0.3, database_bulk_statement_timeout_seconds=30
        )
        program = await create_program(client)
        async with programme_locked(program["id"]):
            issuing = asyncio.create_task(
                client.post(
                    f"/v1/programs/{program['id']}/invoices",
                    json={"from_month": "2026-07", "to_month": "2026-07"},
                    headers=auth(**BPJS_PASURUAN),
                )
            )
            await asyncio.sleep(1)  # past the request's limit, the invoice still waits
            assert not issuing.done()
        assert_problem(await issuing, 409, "NOTHING_TO_BILL")  # it ran, with nobody to bill

    async def test_no_free_connection_answers_503_within_the_pool_timeout(
        self, client: httpx.AsyncClient, settings_of_the_pool: Callable[..., Awaitable[None]]
    ) -> None:
        assert Settings.model_fields["database_pool_timeout_seconds"].default <= 5
        await settings_of_the_pool(database_pool_size=1, database_pool_timeout_seconds=0.5)
        program = await create_program(client)
        async with programme_locked(program["id"]):
            holding = asyncio.create_task(  # takes the one connection, waits for the lock
                client.patch(
                    f"/v1/programs/{program['id']}",
                    json={"target_workers": 10},
                    headers=auth(**PEMDA_3514),
                )
            )
            await asyncio.sleep(0.3)
            response, seconds = await timed(client.get("/v1/programs", headers=auth(**PEMDA_3514)))
        assert_503_retry_after(response)
        assert seconds < 3
        assert (await holding).status_code == 200
