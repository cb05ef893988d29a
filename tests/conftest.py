"""Test harness: a migrated database (SQLite or PostgreSQL), emptied after every test.

`TEST_DATABASE_URL` picks the database; the README's test command runs the suite once on
SQLite and once on PostgreSQL. Tables are emptied after each test rather than rolled back,
so that tests can fire truly concurrent requests that each commit.
"""

import asyncio
import os
import tempfile
from collections.abc import AsyncIterator, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from app import clock
from app.auth import client_status
from app.auth.scopes import DEFAULT_SCOPES, Role
from app.auth.tokens import issue_token
from app.cli import migrate
from app.config import get_settings
from app.db import database, metadata
from app.main import app
from app.regions.importer import bundled_regions
from app.regions.models import Region

TMP = Path(tempfile.mkdtemp(prefix="jamsos-test-"))
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL") or f"sqlite+aiosqlite:///{TMP}/test.db"
IS_POSTGRES = TEST_DATABASE_URL.startswith("postgresql")

postgres_only = pytest.mark.skipif(not IS_POSTGRES, reason="needs PostgreSQL row locks")


def pytest_report_header() -> str:
    return f"database: {make_url(TEST_DATABASE_URL).render_as_string(hide_password=True)}"


async def recreate_postgres_database(url: str) -> None:
    import asyncpg

    target = make_url(url)
    admin = target.set(drivername="postgresql", database="postgres")
    conn = await asyncpg.connect(admin.render_as_string(hide_password=False))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{target.database}"')
    finally:
        await conn.close()


@pytest.fixture(scope="session", autouse=True)
def migrated_database() -> Iterator[str]:
    if IS_POSTGRES:
        asyncio.run(recreate_postgres_database(TEST_DATABASE_URL))
    migrate(TEST_DATABASE_URL)
    database.configure(TEST_DATABASE_URL)
    yield TEST_DATABASE_URL


DATABASE_FIXTURES = {"client", "regions"}


@pytest.fixture(autouse=True)
async def empty_tables_after_test(
    request: pytest.FixtureRequest, migrated_database: str
) -> AsyncIterator[None]:
    """Tests that touch the database (through `client` or `regions`) leave it empty;
    pure-rule tests skip the cost."""
    yield
    if not DATABASE_FIXTURES.intersection(request.fixturenames):
        return
    client_status.forget()  # a client of the next test may share an id with one of this
    tables = [t.name for t in reversed(metadata.sorted_tables)]
    assert database.engine is not None
    async with database.engine.begin() as connection:
        if IS_POSTGRES:
            await connection.execute(text(f"TRUNCATE {', '.join(tables)} CASCADE"))
        else:
            for table in tables:
                await connection.execute(text(f"DELETE FROM {table}"))  # noqa: S608


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http


@pytest.fixture
async def regions() -> list[str]:
    async with database.get_sessionmaker()() as session:
        for data in bundled_regions():
            session.add(Region(**data.model_dump(mode="json")))
        await session.commit()
    return [r.code for r in bundled_regions()]


def make_token(
    role: Role | str,
    *,
    region: str | None = None,
    regions: list[str] | None = None,
    scopes: list[str] | None = None,
    sub: str | None = None,
    ttl: int = 600,
) -> str:
    role = Role(role)
    claims: dict[str, Any] = {
        "role": role.value,
        "scope": " ".join(scopes if scopes is not None else sorted(DEFAULT_SCOPES[role])),
    }
    if region is not None:
        claims["region"] = region
    if regions is not None:
        claims["regions"] = regions
    return issue_token(get_settings(), sub or f"test-{role.value}", claims, ttl)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def auth(role: Role | str, **kwargs: Any) -> dict[str, str]:
    return bearer(make_token(role, **kwargs))


PEMDA_3514 = {"role": Role.pemda, "region": "3514"}
PEMDA_3575 = {"role": Role.pemda, "region": "3575"}
BPJS_PASURUAN = {"role": Role.bpjs, "regions": ["3514", "3575"]}
BPJS_BALIKPAPAN = {"role": Role.bpjs, "regions": ["6409"]}


# Tests run on a fixed business date, never the machine's: early in the 2026 fiscal year, so
# that programmes of 2026 can cover every month from January on (R9 refuses backdating).
DEFAULT_TODAY = date(2026, 1, 5)


@pytest.fixture(autouse=True)
def no_rate_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """The suite's few token subjects make far more requests a minute than the default
    allowance (schemathesis alone, thousands); tests/test_rate_limit.py sets its own."""
    monkeypatch.setattr(get_settings(), "rate_limit_per_minute", 0)


@pytest.fixture(autouse=True)
def business_date() -> Iterator[None]:
    with clock.freeze(DEFAULT_TODAY):
        yield


@pytest.fixture
def frozen_today() -> Iterator[Any]:
    """Call the yielded function with a date to fix "today" for the rest of the test."""
    stack: list[Any] = []

    def set_today(day: date) -> None:
        cm = clock.freeze(day)
        cm.__enter__()
        stack.append(cm)

    yield set_today
    while stack:
        stack.pop().__exit__(None, None, None)


def assert_problem(
    response: httpx.Response, status: int, code: str | None = None
) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert {"type", "title", "detail", "code"} <= body.keys()
    if code is not None:
        assert body["code"] == code, body
    return body
