"""Benchmark: one invoice for 100,000 active enrolments × 12 months, against the raw database.

    python -m tests.benchmarks.issue_invoice [DATABASE_URL]

Loads two identical programmes of 100,000 active enrolments with COPY, then times (1) the API
call `POST /v1/programs/{id}/invoices` on the first and (2) a hand-written INSERT … SELECT of
the same 1.2 million lines at a flat amount on the second — the least the database must do,
foreign-key checks included — and prints both and their ratio.
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
from tests.conftest import auth, recreate_postgres_database

ENROLMENTS = 100_000
RAW_LINES = """
INSERT INTO invoice_lines (invoice_id, enrolment_id, month, nik, full_name, kpj_number,
                           amount_idr, live)
SELECT $1, e.id, m.month, e.nik, w.full_name, e.kpj_number, 16800, true
FROM enrolments e JOIN workers w ON w.id = e.worker_id
CROSS JOIN (SELECT to_char(d, 'YYYY-MM') AS month
            FROM generate_series('2026-01-01'::date, '2026-12-01', '1 month') d) m
WHERE e.program_id = $2 AND e.status = 'active'
"""


async def load(dsn: str, copy: int) -> uuid.UUID:
    conn = await asyncpg.connect(dsn)
    now = datetime.now(UTC)
    await conn.execute(
        "INSERT INTO regions VALUES ('3514', 'Kabupaten Pasuruan', 'kabupaten',"
        " 'Jawa Timur', now()) ON CONFLICT DO NOTHING"
    )
    program_id = uuid.uuid4()
    await conn.execute(
        "INSERT INTO programs (id, region_code, name, fiscal_year, funding_source, budget_idr,"
        " target_workers, coverage_start, coverage_end, declared_income_idr, min_age, max_age,"
        " status, committed_idr, enrolled_workers, created_at, updated_at) VALUES ($1, '3514',"
        " 'Bench', 2026, 'DBHCHT', $2, $3, '2026-01', '2026-12', 1000000, 15, 65, 'open', $2,"
        " $3, now(), now())",
        program_id,
        ENROLMENTS * 201_600,
        ENROLMENTS,
    )
    niks = [f"3514{i // 10_000 + 20 * copy:02d}010190{i % 10_000:04d}" for i in range(ENROLMENTS)]
    worker_ids = [uuid.uuid4() for _ in niks]
    await conn.copy_records_to_table(
        "persons",
        records=[(n, None, None, now) for n in niks],
        columns=["nik", "died_on", "death_claim_id", "created_at"],
    )
    await conn.copy_records_to_table(
        "workers",
        records=[
            (wid, "3514", n, f"Pekerja {i}", date(1990, 1, 1), "male", "petani", now, now)
            for i, (wid, n) in enumerate(zip(worker_ids, niks, strict=True))
        ],
        columns=[
            "id",
            "region_code",
            "nik",
            "full_name",
            "birth_date",
            "sex",
            "occupation",
            "created_at",
            "updated_at",
        ],
    )
    await conn.copy_records_to_table(
        "enrolments",
        records=[
            (
                uuid.uuid4(),
                program_id,
                wid,
                "3514",
                n,
                "petani",
                "active",
                "2026-01",
                "2026-12",
                16_800,
                201_600,
                date(2026, 1, 5),
                f"{10**10 * (1 + copy) + i}",
                now,
                now,
            )
            for i, (wid, n) in enumerate(zip(worker_ids, niks, strict=True))
        ],
        columns=[
            "id",
            "program_id",
            "worker_id",
            "region_code",
            "nik",
            "occupation",
            "status",
            "start_month",
            "end_month",
            "monthly_contribution_idr",
            "cost_idr",
            "registered_on",
            "kpj_number",
            "created_at",
            "updated_at",
        ],
    )
    await conn.execute("ANALYZE")
    await conn.close()
    return program_id


async def raw(dsn: str, program_id: uuid.UUID) -> float:
    conn = await asyncpg.connect(dsn)
    invoice_id = uuid.uuid4()
    async with conn.transaction():
        await conn.execute(
            "INSERT INTO invoices (id, program_id, region_code, from_month, to_month, status,"
            " total_idr, paid_idr, line_count, due_on, issued_by, issued_at) VALUES ($1, $2,"
            " '3514', '2026-01', '2026-12', 'issued', 0, 0, 0, '2026-01-15', 'bench', now())",
            invoice_id,
            program_id,
        )
        started = time.perf_counter()
        await conn.execute(RAW_LINES, invoice_id, program_id)
        await conn.fetchrow(
            "SELECT count(*), sum(amount_idr) FROM invoice_lines WHERE invoice_id = $1", invoice_id
        )
        elapsed = time.perf_counter() - started
    await conn.close()
    return elapsed


async def api(url: str, program_id: uuid.UUID) -> tuple[float, dict[str, object]]:
    database.configure(url)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        started = time.perf_counter()
        response = await client.post(
            f"/v1/programs/{program_id}/invoices",
            json={"from_month": "2026-01", "to_month": "2026-12"},
            headers=auth("bpjs", regions=["3514"]),
        )
        elapsed = time.perf_counter() - started
    await database.dispose()
    assert response.status_code == 201, response.text
    return elapsed, response.json()


def main() -> None:
    url = (
        sys.argv[1]
        if len(sys.argv) > 1
        else ("postgresql+asyncpg://postgres@127.0.0.1:54329/jamsos_bench")
    )
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    asyncio.run(recreate_postgres_database(url))
    migrate(url)
    api_program, raw_program = asyncio.run(load(dsn, 0)), asyncio.run(load(dsn, 1))
    with clock.freeze(date(2026, 1, 5)):
        api_seconds, invoice = asyncio.run(api(url, api_program))
    raw_seconds = asyncio.run(raw(dsn, raw_program))
    lines = ENROLMENTS * 12
    assert invoice["line_count"] == lines and invoice["total_idr"] == lines * 16_800
    print(f"raw INSERT … SELECT: {lines:,} lines in {raw_seconds:6.2f} s")
    print(
        f"API invoice:         {lines:,} lines in {api_seconds:6.2f} s "
        f"(total Rp {invoice['total_idr']:,})"
    )
    print(f"ratio API / raw database: {api_seconds / raw_seconds:.2f}x")


if __name__ == "__main__":
    main()
