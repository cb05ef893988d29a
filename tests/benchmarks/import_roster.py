"""Benchmark: the 28,448-row Kab. Pasuruan roster through the API, against the raw database.

    python -m tests.benchmarks.import_roster [DATABASE_URL]

Prints rows per second for the full API import (parse, validate, lock, check, write) and
for the bare minimum the database must do for the same rows (COPY-free executemany of the
person, worker and enrolment rows), and their ratio. Run on an empty, migrated database;
the default is a fresh PostgreSQL database `jamsos_bench` on the test server.
"""

import asyncio
import sys
import time
import uuid
from datetime import UTC, date, datetime

import asyncpg
import httpx
from sqlalchemy.engine import make_url

from app import clock
from app.cli import migrate
from app.db import database
from app.main import app
from app.regions.importer import bundled_regions
from app.regions.models import Region
from tests.conftest import auth, recreate_postgres_database
from tests.factories import program_body, roster_rows, to_csv

ROWS = 28_448


async def api_import(url: str) -> float:
    database.configure(url)
    async with database.get_sessionmaker()() as session:
        for data in bundled_regions():
            session.add(Region(**data.model_dump(mode="json")))
        await session.commit()
    body = to_csv(roster_rows(ROWS))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        program = (
            await client.post(
                "/v1/programs",
                json=program_body(budget_idr=10**12),
                headers=auth("pemda", region="3514"),
            )
        ).json()
        started = time.perf_counter()
        response = await client.post(
            f"/v1/programs/{program['id']}/enrolments/import",
            content=body,
            params={"start_month": "2026-07"},
            headers=auth("pemda", region="3514") | {"content-type": "text/csv"},
        )
        elapsed = time.perf_counter() - started
    assert response.json()["accepted"] == ROWS, response.text[:300]
    await database.dispose()
    return elapsed


async def raw_insert(url: str) -> float:
    """The same rows written with plain asyncpg executemany, no validation or locking."""
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    conn = await asyncpg.connect(dsn)
    program_id = await conn.fetchval("SELECT id FROM programs LIMIT 1")
    rows = roster_rows(ROWS, start_serial=100_000)
    now = datetime.now(UTC)
    started = time.perf_counter()
    async with conn.transaction():
        await conn.executemany(
            "INSERT INTO persons (nik, created_at) VALUES ($1, $2)", [(r["nik"], now) for r in rows]
        )
        worker_ids = [uuid.uuid4() for _ in rows]
        await conn.executemany(
            "INSERT INTO workers (id, region_code, nik, full_name, birth_date, sex, occupation,"
            " created_at, updated_at) VALUES ($1, '3514', $2, $3, $4, $5, $6, $7, $7)",
            [
                (
                    wid,
                    r["nik"],
                    r["full_name"],
                    date.fromisoformat(r["birth_date"]),
                    "female" if r["sex"] == "P" else "male",
                    r["occupation"],
                    now,
                )
                for wid, r in zip(worker_ids, rows, strict=True)
            ],
        )
        await conn.executemany(
            "INSERT INTO enrolments (id, program_id, worker_id, region_code, nik, occupation,"
            " status, start_month, end_month, monthly_contribution_idr, cost_idr, registered_on,"
            " created_at, updated_at) VALUES ($1, $2, $3, '3514', $4, $5, 'pending', '2026-07',"
            " '2026-12', 16800, 100800, $6, $7, $7)",
            [
                (uuid.uuid4(), program_id, wid, r["nik"], r["occupation"], now.date(), now)
                for wid, r in zip(worker_ids, rows, strict=True)
            ],
        )
    elapsed = time.perf_counter() - started
    await conn.close()
    return elapsed


def main() -> None:
    url = (
        sys.argv[1]
        if len(sys.argv) > 1
        else ("postgresql+asyncpg://postgres@127.0.0.1:54329/jamsos_bench")
    )
    if url.startswith("postgresql"):
        asyncio.run(recreate_postgres_database(url))
    migrate(url)
    with clock.freeze(date(2026, 11, 22)):
        api = asyncio.run(api_import(url))
    print(f"API import:  {ROWS} rows in {api:6.2f} s = {ROWS / api:8.0f} rows/s")
    if url.startswith("postgresql"):
        raw = asyncio.run(raw_insert(url))
        print(f"raw insert:  {ROWS} rows in {raw:6.2f} s = {ROWS / raw:8.0f} rows/s")
        print(f"ratio API / raw database: {api / raw:.1f}x")


if __name__ == "__main__":
    main()
