"""Set-based seeding of a PostgreSQL database for the benchmark: members at database speed.

Seeded members are region 3514's, active from January to December 2026, their January
contribution invoiced and paid — what a coverage look-up, a list page and a report read.
Their NIKs use district 90, which the roster factory never does, and their KPJs start with
a 0, which the service never gives (it draws from 10000000000 up).
"""

import uuid
from datetime import UTC, date, datetime

import asyncpg

from app.regions.importer import bundled_regions

MONTHLY_IDR = 16_800
YEAR_IDR = 12 * MONTHLY_IDR

_NIK = """'351490' || lpad((1 + (i / 9999) % 28)::text, 2, '0')
          || lpad((1 + (i / 9999 / 28) % 12)::text, 2, '0')
          || lpad((70 + (i / 9999 / 336) % 30)::text, 2, '0')
          || lpad((1 + i % 9999)::text, 4, '0')"""
_BIRTH = """make_date((1970 + (i / 9999 / 336) % 30)::int, (1 + (i / 9999 / 28) % 12)::int,
                      (1 + (i / 9999) % 28)::int)"""


def seeded_birth(i: int) -> date:
    d = i // 9999
    return date(1970 + (d // 336) % 30, 1 + (d // 28) % 12, 1 + d % 28)


def seeded_nik(i: int) -> str:
    born = seeded_birth(i)
    return f"351490{born:%d%m%y}{1 + i % 9999:04d}"


async def load_regions(conn: asyncpg.Connection) -> None:
    await conn.executemany(
        "INSERT INTO regions (code, name, kind, province, created_at) VALUES ($1, $2, $3, $4,"
        " now()) ON CONFLICT DO NOTHING",
        [(r.code, r.name, r.kind.value, r.province) for r in bundled_regions()],
    )


async def create_program(conn: asyncpg.Connection, name: str) -> uuid.UUID:
    program_id = uuid.uuid4()
    await conn.execute(
        "INSERT INTO programs (id, region_code, name, fiscal_year, funding_source, budget_idr,"
        " target_workers, coverage_start, coverage_end, declared_income_idr, min_age, max_age,"
        " status, committed_idr, enrolled_workers, created_at, updated_at) VALUES ($1, '3514',"
        " $2, 2026, 'DBHCHT', 1000000000000000, 28448, '2026-01', '2026-12', 1000000, 15, 65,"
        " 'open', 0, 0, now(), now())",
        program_id,
        name,
    )
    return program_id


async def seed_members(
    conn: asyncpg.Connection, program_id: uuid.UUID, first: int, count: int
) -> None:
    """`count` active members numbered from `first`, January invoiced and paid."""
    now = datetime.now(UTC)
    series = "generate_series($1::bigint, $2::bigint) AS i"
    last = first + count - 1
    async with conn.transaction():
        await conn.execute(
            f"INSERT INTO persons (nik, kpj_number, created_at)"
            f" SELECT {_NIK}, lpad(i::text, 11, '0'), $3 FROM {series}",
            first,
            last,
            now,
        )
        await conn.execute(
            f"INSERT INTO workers (id, region_code, nik, full_name, birth_date, sex, occupation,"
            f" created_at, updated_at) SELECT gen_random_uuid(), '3514', {_NIK},"
            f" 'Pekerja ' || i, {_BIRTH}, 'male', 'petani', $3, $3 FROM {series}",
            first,
            last,
            now,
        )
        await conn.execute(
            f"INSERT INTO enrolments (id, program_id, worker_id, region_code, nik, occupation,"
            f" status, start_month, end_month, monthly_contribution_idr, cost_idr,"
            f" registered_on, kpj_number, activated_at, created_at, updated_at)"
            f" SELECT gen_random_uuid(), $4, w.id, '3514', w.nik, 'petani', 'active', '2026-01',"
            f" '2026-12', {MONTHLY_IDR}, {YEAR_IDR}, '2026-01-05', p.kpj_number, $3, $3, $3"
            f" FROM {series} JOIN workers w ON w.nik = {_NIK} AND w.region_code = '3514'"
            f" JOIN persons p ON p.nik = w.nik",
            first,
            last,
            now,
            program_id,
        )
        invoice_id = uuid.uuid4()
        total = count * MONTHLY_IDR
        await conn.execute(
            "INSERT INTO invoices (id, program_id, region_code, from_month, to_month, status,"
            " total_idr, paid_idr, line_count, due_on, issued_by, issued_at, paid_at,"
            " credit_applied_idr, credited_idr, settled_on) VALUES ($1, $2, '3514', '2026-01',"
            " '2026-01', 'paid', $3, $3, $4, '2026-01-19', 'bench', $5, $5, 0, 0, '2026-01-10')",
            invoice_id,
            program_id,
            total,
            count,
            now,
        )
        await conn.execute(
            f"INSERT INTO invoice_lines (invoice_id, enrolment_id, month, nik, full_name,"
            f" kpj_number, amount_idr, live, credited)"
            f" SELECT $3, e.id, '2026-01', e.nik, w.full_name, e.kpj_number, {MONTHLY_IDR},"
            f" true, false FROM {series} JOIN enrolments e ON e.nik = {_NIK}"
            f" AND e.program_id = $4 JOIN workers w ON w.id = e.worker_id",
            first,
            last,
            invoice_id,
            program_id,
        )
        await conn.execute(
            "INSERT INTO payments (id, invoice_id, region_code, amount_idr, paid_on, reference,"
            " status, reported_by, reported_at, decided_by, decided_at) VALUES ($1, $2, '3514',"
            " $3, '2026-01-10', $4, 'confirmed', 'bench', $5, 'bench', $5)",
            uuid.uuid4(),
            invoice_id,
            total,
            f"BENCH-{invoice_id.hex[:12]}",
            now,
        )
        await conn.execute(
            "UPDATE programs SET committed_idr = committed_idr + $2,"
            " enrolled_workers = enrolled_workers + $3 WHERE id = $1",
            program_id,
            count * YEAR_IDR,
            count,
        )
    await conn.execute("ANALYZE")
