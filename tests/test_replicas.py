"""Replicas deploy safely (issue 11): processes started at the same moment on an empty
database all migrate, one after the other under the migration lock, and all succeed; the
schema ends at head once. Each test holds the lock itself until every process waits on it,
so that they truly collide rather than happen to start one after the other."""

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import ExitStack, asynccontextmanager, contextmanager
from pathlib import Path

import asyncpg
import httpx
import pytest
from sqlalchemy.engine import make_url

from app.health import head_revision
from app.migration_lock import MIGRATION_LOCK_KEY
from tests.benchmarks.load import free_port
from tests.conftest import (
    IS_POSTGRES,
    TEST_DATABASE_URL,
    postgres_only,
    recreate_postgres_database,
)

ROOT = Path(__file__).resolve().parent.parent
# The container's settings (Dockerfile): production, with a secret.
CONTAINER_ENV = {"APP_ENV": "production", "JWT_SECRET": "s" * 40, "WEB_CONCURRENCY": "1"}
DEADLINE_SECONDS = 120


def process_env(database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "APP_TODAY"}  # refused in production
    return env | CONTAINER_ENV | {"DATABASE_URL": database_url}


@pytest.fixture
def empty_database() -> Iterator[str]:
    """A PostgreSQL database of this test's own, empty: no alembic_version yet."""
    url = make_url(TEST_DATABASE_URL)
    own = url.set(database=f"{url.database}_replicas").render_as_string(hide_password=False)
    asyncio.run(recreate_postgres_database(own))
    yield own
    asyncio.run(drop_database(own))


async def drop_database(url: str) -> None:
    target = make_url(url)
    admin = target.set(drivername="postgresql", database="postgres")
    conn = await asyncpg.connect(admin.render_as_string(hide_password=False))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)')
    finally:
        await conn.close()


def asyncpg_url(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@asynccontextmanager
async def migration_lock_held(url: str) -> AsyncIterator[asyncpg.Connection]:
    """Hold the migrators' advisory lock (as a migrator would); `release` lets them in."""
    conn = await asyncpg.connect(asyncpg_url(url))
    try:
        await conn.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK_KEY)
        yield conn
    finally:
        await conn.close()  # ends the session: the lock goes with it


async def wait_for_waiters(holder: asyncpg.Connection, count: int) -> None:
    """Until `count` sessions wait for the migration lock."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while True:
        waiting = await holder.fetchval(
            """SELECT count(*) FROM pg_locks
               WHERE locktype = 'advisory' AND NOT granted
                 AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                 AND classid = $1 AND objid = $2""",
            MIGRATION_LOCK_KEY >> 32,
            MIGRATION_LOCK_KEY & 0xFFFFFFFF,
        )
        if waiting >= count:
            return
        assert time.monotonic() < deadline, f"{waiting} of {count} processes wait for the lock"
        await asyncio.sleep(0.2)


async def release(holder: asyncpg.Connection) -> None:
    assert await holder.fetchval("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK_KEY)


async def schema_versions(url: str) -> list[str]:
    conn = await asyncpg.connect(asyncpg_url(url))
    try:
        return [row[0] for row in await conn.fetch("SELECT version_num FROM alembic_version")]
    finally:
        await conn.close()


@contextmanager
def started(argvs: list[list[str]], env: dict[str, str]) -> Iterator[list[subprocess.Popen[str]]]:
    """Start every process at once; stop whatever still runs when the block ends."""
    with ExitStack() as stack:
        logs = [stack.enter_context(tempfile.TemporaryFile("w+")) for _ in argvs]
        processes = [
            subprocess.Popen(  # noqa: S603
                [sys.executable, *argv],
                env=env,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                text=True,
            )
            for argv, log in zip(argvs, logs, strict=True)
        ]
        try:
            yield processes
        finally:
            for process in processes:
                if process.poll() is None:
                    process.send_signal(signal.SIGINT)
            for process, log in zip(processes, logs, strict=True):
                try:
                    process.wait(20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
                log.seek(0)
                print(f"--- {process.args}:\n{log.read()[-3000:]}")  # shown if the test fails


@postgres_only
async def test_three_migrations_at_once_all_succeed_and_migrate_once(
    empty_database: str,
) -> None:
    async with migration_lock_held(empty_database) as holder:
        with started([["-m", "app", "migrate"]] * 3, process_env(empty_database)) as migrators:
            await wait_for_waiters(holder, 3)
            await release(holder)
            codes = [await asyncio.to_thread(p.wait, DEADLINE_SECONDS) for p in migrators]
    assert codes == [0, 0, 0]
    assert await schema_versions(empty_database) == [head_revision()]


async def ready(url: str, process: subprocess.Popen[str]) -> httpx.Response:
    deadline = time.monotonic() + DEADLINE_SECONDS
    async with httpx.AsyncClient(timeout=2) as http:
        while True:
            assert process.poll() is None, f"{process.args} exited with {process.returncode}"
            try:
                response = await http.get(f"{url}/readyz")
                if response.status_code == 200:
                    return response
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, f"{url}/readyz never answered 200"
            await asyncio.sleep(0.3)


@postgres_only
async def test_two_replicas_started_at_once_both_become_ready(empty_database: str) -> None:
    """The container's command (Dockerfile CMD): migrate, then serve."""
    ports = [free_port(), free_port()]
    argvs = [
        ["-m", "app", "serve", "--migrate", "--host", "127.0.0.1", "--port", str(port)]
        for port in ports
    ]
    async with migration_lock_held(empty_database) as holder:
        with started(argvs, process_env(empty_database)) as replicas:
            await wait_for_waiters(holder, 2)
            await release(holder)
            answers = await asyncio.gather(
                *(
                    ready(f"http://127.0.0.1:{port}", p)
                    for port, p in zip(ports, replicas, strict=True)
                )
            )
    assert [a.json()["migration"] for a in answers] == [head_revision()] * 2
    assert await schema_versions(empty_database) == [head_revision()]


@pytest.mark.skipif(IS_POSTGRES, reason="the SQLite pass runs it")
def test_three_migrations_at_once_on_one_sqlite_file(tmp_path: Path) -> None:
    """SQLite: the whole upgrade is one BEGIN IMMEDIATE transaction; the others wait for it."""
    database = tmp_path / "shared.db"
    env = process_env(f"sqlite+aiosqlite:///{database}")
    with started([["-m", "app", "migrate"]] * 3, env) as migrators:
        codes = [p.wait(DEADLINE_SECONDS) for p in migrators]
    assert codes == [0, 0, 0]
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT version_num FROM alembic_version").fetchall() == [
            (head_revision(),)
        ]
