"""The benchmark: every figure of issue 9 against its baseline, measured in the same run.

    python -m tests.benchmarks [--quick] [--only http,import,invoice,report,scale,sqlite,memory]

Needs PostgreSQL on 127.0.0.1:54329 (`bash tests/postgres.sh`; another server: TEST_POSTGRES_URL)
and `hey` (`apt-get install -y hey`). The service and the
bare one-SELECT app (tests/benchmarks/bare.py) run as separate uvicorn processes with one
worker each on the same database; `hey` puts the load on them from outside. Nothing here
asserts a time: it prints each figure, its baseline, the ratio and the target, and says
whether the target was met on this machine in this run. `--quick` shrinks every size so that
the test suite can check that the command works.
"""

import argparse
import asyncio
import json
import os
import platform
import statistics
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from sqlalchemy.engine import make_url

from app.cli import migrate
from tests.benchmarks import seed
from tests.benchmarks.load import (
    Load,
    Server,
    background_hey,
    bare_argv,
    hey,
    hey_path,
    serve,
    service_argv,
)
from tests.conftest import make_token, recreate_postgres_database
from tests.factories import roster_rows, to_csv

PG = os.environ.get("TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:54329")
BUSINESS_DATE = "2026-01-05"
SECTIONS = ("http", "import", "invoice", "report", "scale", "sqlite", "memory")


@dataclass(frozen=True)
class Sizes:
    roster: int = 28_448
    report_large: int = 100_000
    scale_small: int = 10_000
    scale_large: int = 1_000_000
    memory_roster: int = 200_000
    probe_members: int = 1_000
    seconds: float = 8
    offered_rps: int = 500
    repeats: int = 5


QUICK = Sizes(
    roster=300,
    report_large=1_000,
    scale_small=100,
    scale_large=1_000,
    memory_roster=1_000,
    probe_members=20,
    seconds=1,
    offered_rps=50,
    repeats=1,
)


@dataclass
class Figure:
    name: str
    value: str
    baseline: str
    ratio: float | None
    target: str
    met: bool | None


@dataclass
class Report:
    figures: list[Figure] = field(default_factory=list)

    def add(self, figure: Figure) -> None:
        self.figures.append(figure)
        mark = {True: "met", False: "MISSED", None: ""}[figure.met]
        ratio = f"{figure.ratio:.2f}x" if figure.ratio is not None else "-"
        print(
            f"{figure.name:<50} {figure.value:>22} {figure.baseline:>22} {ratio:>7}"
            f"  {figure.target:<16} {mark}",
            flush=True,
        )


def header() -> None:
    print(
        f"benchmark on {platform.node()}: {os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    print(f"{'figure':<50} {'service':>22} {'baseline':>22} {'ratio':>7}  {'target':<16} result")


def dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def fresh_database(url: str) -> None:
    asyncio.run(recreate_postgres_database(url))
    migrate(url)
    asyncio.run(run_sql(url, seed.load_regions))


async def run_sql(url: str, work: Callable[[asyncpg.Connection], Awaitable[Any]]) -> Any:
    conn = await asyncpg.connect(dsn(url))
    try:
        return await work(conn)
    finally:
        await conn.close()


async def vacuum(conn: asyncpg.Connection) -> None:
    await conn.execute("VACUUM ANALYZE")


def token(role: str, **kwargs: Any) -> str:
    return make_token(role, ttl=86_400, **kwargs)


PEMDA = token("pemda", region="3514")
BPJS = token("bpjs", regions=["3514"])


def call(server: Server, method: str, path: str, who: str = PEMDA, **kwargs: Any) -> httpx.Response:
    headers = {"Authorization": f"Bearer {who}"} | kwargs.pop("headers", {})
    response = httpx.request(method, server.url + path, headers=headers, timeout=600, **kwargs)
    if response.status_code >= 400:
        raise RuntimeError(f"{method} {path}: {response.status_code} {response.text[:500]}")
    return response


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def median_seconds(action: Callable[[], Any], repeats: int) -> float:
    return statistics.median(timed(action)[0] for _ in range(repeats))


# The limiter stays on, so that its cost is in the figures, at a rate hey's load from one
# client never reaches (tens of thousands of requests a minute against the default 600).
UNREACHED_RATE_LIMIT = "1000000"


def service_env(url: str, **extra: str) -> dict[str, str]:
    return {
        "DATABASE_URL": url,
        "APP_TODAY": BUSINESS_DATE,
        "APP_ENV": "development",
        "RATE_LIMIT_PER_MINUTE": UNREACHED_RATE_LIMIT,
    } | extra


def program_body(**overrides: Any) -> dict[str, Any]:
    return {
        "name": "Benchmark",
        "fiscal_year": 2026,
        "funding_source": "DBHCHT",
        "budget_idr": 10**14,
        "target_workers": 28_448,
        "coverage_start": "2026-01",
        "coverage_end": "2026-12",
    } | overrides


# --- bulk import -----------------------------------------------------------------------------

ROSTER_COLUMNS = """nik text, full_name text, birth_date text, sex text,
domicile_region_code text, occupation text"""
ROSTER_TABLE = f"CREATE TABLE IF NOT EXISTS bench_roster ({ROSTER_COLUMNS})"


async def copy_roster(url: str, path: Path, repeats: int) -> float:
    async def work(conn: asyncpg.Connection) -> float:
        await conn.execute(ROSTER_TABLE)
        times = []
        for _ in range(repeats):
            await conn.execute("TRUNCATE bench_roster")
            started = time.perf_counter()
            await conn.copy_to_table("bench_roster", source=path, format="csv", header=True)
            times.append(time.perf_counter() - started)
        await conn.execute("DROP TABLE bench_roster")
        return statistics.median(times)

    result: float = await run_sql(url, work)
    return result


# What any import must write, with no check at all: the roster `COPY`-loaded into a staging
# table, then its persons, workers and enrolments inserted set-based into the real tables —
# their keys, indexes and foreign keys included — and rolled back. The import can come no
# closer to `COPY` than this floor while the schema keeps its constraints.
WRITE_FLOOR = (
    "INSERT INTO persons (nik, created_at) SELECT nik, now() FROM bench_staging"
    " ON CONFLICT DO NOTHING",
    "INSERT INTO workers (id, region_code, nik, full_name, birth_date, sex, occupation,"
    " created_at, updated_at) SELECT gen_random_uuid(), '3514', nik, full_name,"
    " birth_date::date, CASE sex WHEN 'P' THEN 'female' ELSE 'male' END, occupation, now(),"
    " now() FROM bench_staging",
    "INSERT INTO enrolments (id, program_id, worker_id, region_code, nik, occupation, status,"
    " start_month, end_month, monthly_contribution_idr, cost_idr, registered_on, created_at,"
    " updated_at) SELECT gen_random_uuid(), $1, w.id, '3514', w.nik, w.occupation, 'pending',"
    " '2026-01', '2026-12', 16800, 201600, '2026-01-05', now(), now() FROM workers w"
    " JOIN bench_staging s ON s.nik = w.nik AND w.region_code = '3514'",
)


async def write_floor(url: str, path: Path, repeats: int) -> float:
    async def work(conn: asyncpg.Connection) -> float:
        program_id = await seed.create_program(conn, "Write floor")
        times = []
        for _ in range(repeats):
            transaction = conn.transaction()
            await transaction.start()
            started = time.perf_counter()
            await conn.execute(f"CREATE TEMP TABLE bench_staging ({ROSTER_COLUMNS})")
            await conn.copy_to_table("bench_staging", source=path, format="csv", header=True)
            await conn.execute(WRITE_FLOOR[0])
            await conn.execute(WRITE_FLOOR[1])
            await conn.execute(WRITE_FLOOR[2], program_id)
            times.append(time.perf_counter() - started)
            await transaction.rollback()
        return statistics.median(times)

    result: float = await run_sql(url, work)
    return result


def import_roster(server: Server, body: bytes) -> tuple[str, float]:
    program = call(server, "POST", "/v1/programs", json=program_body()).json()
    seconds, response = timed(
        lambda: call(
            server,
            "POST",
            f"/v1/programs/{program['id']}/enrolments/import",
            content=body,
            params={"start_month": "2026-01"},
            headers={"content-type": "text/csv"},
        )
    )
    accepted = response.json()["accepted"]
    if accepted != body.count(b"\n") - 1:
        raise RuntimeError(f"import accepted {accepted} rows: {response.text[:500]}")
    return program["id"], seconds


# --- reports ---------------------------------------------------------------------------------

RAW_REPORT = (
    "SELECT status, count(*) FROM enrolments WHERE program_id = $1 GROUP BY status",
    "SELECT occupation, count(*) FROM enrolments WHERE program_id = $1"
    " AND status IN ('pending', 'active') GROUP BY occupation",
    "SELECT count(*) FILTER (WHERE i.status = 'paid'), count(*) FROM enrolments e"
    " LEFT JOIN invoice_lines l ON l.enrolment_id = e.id AND l.month = '2026-01' AND l.live"
    " LEFT JOIN invoices i ON i.id = l.invoice_id WHERE e.program_id = $1"
    " AND e.status IN ('active', 'terminated')",
    "SELECT status, count(*), sum(total_idr), sum(paid_idr) FROM invoices"
    " WHERE program_id = $1 GROUP BY status",
    "SELECT c.status, count(*), sum(c.benefit_total_idr) FROM claims c"
    " JOIN enrolments e ON e.id = c.enrolment_id WHERE e.program_id = $1 GROUP BY c.status",
)


async def raw_report(url: str, program_id: str, repeats: int) -> float:
    async def work(conn: asyncpg.Connection) -> float:
        times = []
        for _ in range(repeats + 1):  # the first run warms the cache, as the API's does
            started = time.perf_counter()
            for statement in RAW_REPORT:
                await conn.fetch(statement, uuid.UUID(program_id))
            times.append(time.perf_counter() - started)
        return statistics.median(times[1:])

    result: float = await run_sql(url, work)
    return result


def api_report(server: Server, program_id: str, repeats: int) -> float:
    call(server, "GET", f"/v1/reports/programs/{program_id}")
    return median_seconds(
        lambda: call(server, "GET", f"/v1/reports/programs/{program_id}"), repeats
    )


def report_figures(
    report: Report, server: Server, url: str, program_id: str, n: int, s: Sizes
) -> None:
    api = api_report(server, program_id, s.repeats)
    raw = asyncio.run(raw_report(url, program_id, s.repeats))
    report.add(
        Figure(
            f"programme report, {n:,} enrolments",
            f"{api * 1000:.0f} ms",
            f"raw SELECTs {raw * 1000:.0f} ms",
            api / raw,
            "<= 2x",
            api / raw <= 2,
        )
    )


# --- invoice ---------------------------------------------------------------------------------

RAW_LINES = """
INSERT INTO bench_lines (id, invoice_id, enrolment_id, month, nik, full_name, kpj_number,
                         amount_idr, live, credited)
SELECT row_number() OVER (), $1, e.id, m.month, e.nik, w.full_name, e.kpj_number, 16800,
       true, false
FROM enrolments e JOIN workers w ON w.id = e.worker_id
CROSS JOIN (SELECT to_char(d, 'YYYY-MM') AS month
            FROM generate_series('2026-01-01'::date, '2026-12-01', '1 month') d) m
WHERE e.program_id = $2 AND e.status = 'active'
"""


async def raw_invoice(url: str, program_id: str) -> tuple[float, int]:
    async def work(conn: asyncpg.Connection) -> tuple[float, int]:
        await conn.execute("CREATE TABLE bench_lines (LIKE invoice_lines)")
        started = time.perf_counter()
        async with conn.transaction():
            status = await conn.execute(RAW_LINES, uuid.uuid4(), uuid.UUID(program_id))
        seconds = time.perf_counter() - started
        await conn.execute("DROP TABLE bench_lines")
        return seconds, int(status.split()[-1])

    result: tuple[float, int] = await run_sql(url, work)
    return result


# --- the sections ----------------------------------------------------------------------------


def hot_paths(report: Report, s: Sizes, service: Server, bare: Server, program_id: str) -> None:
    covered_nik = seed.seeded_nik(0)
    newcomer = 10**7  # a number no seeded member has
    eligibility = json.dumps(
        {
            "program_id": program_id,
            "worker": {
                "nik": seed.seeded_nik(newcomer),
                "full_name": "Calon Peserta",
                "birth_date": seed.seeded_birth(newcomer).isoformat(),
                "sex": "L",
                "domicile_region_code": "3514",
                "occupation": "petani",
            },
        }
    )
    bare_url = f"{bare.url}/programs/{program_id}"
    paths: list[tuple[str, str, dict[str, Any]]] = [
        ("GET /v1/programs/{id}", f"/v1/programs/{program_id}", {"token": PEMDA}),
        ("GET /v1/coverage?nik=", f"/v1/coverage?nik={covered_nik}", {"token": BPJS}),
        (
            "POST /v1/eligibility-checks",
            "/v1/eligibility-checks",
            {"token": PEMDA, "body": eligibility},
        ),
        ("GET /v1/enrolments (first page)", "/v1/enrolments", {"token": PEMDA}),
        ("GET /readyz", "/readyz", {}),
    ]
    for _, path, options in paths:  # every path answers 200 before it is measured
        probe = hey(service.url + path, seconds=0.5, concurrency=1, **options)
        if not probe.ok:
            raise RuntimeError(f"{path} answered {probe.statuses}")
    saturated = hey(bare_url, seconds=s.seconds, concurrency=32)
    offered = hey(bare_url, seconds=s.seconds, concurrency=50, rate=s.offered_rps)
    report.add(
        Figure(
            "bare one-SELECT endpoint (baseline)",
            f"{saturated.rps:.0f} req/s",
            f"p99 {offered.p99_ms:.0f} ms @{s.offered_rps}/s",
            None,
            "",
            None,
        )
    )
    for name, path, options in paths:
        load = hey(service.url + path, seconds=s.seconds, concurrency=32, **options)
        at_rate = hey(
            service.url + path, seconds=s.seconds, concurrency=50, rate=s.offered_rps, **options
        )
        ratio = load.rps / saturated.rps
        report.add(
            Figure(
                f"{name} throughput, c=32",
                f"{load.rps:.0f} req/s",
                f"{saturated.rps:.0f} req/s",
                ratio,
                ">= 0.5x",
                ratio >= 0.5 and load.ok,
            )
        )
        tail = at_rate.p99_ms / offered.p99_ms
        report.add(
            Figure(
                f"{name} p99 @{s.offered_rps}/s",
                f"{at_rate.p99_ms:.0f} ms",
                f"{offered.p99_ms:.0f} ms",
                tail,
                "<= 1.5x",
                tail <= 1.5 and at_rate.ok,
            )
        )


def section_main(report: Report, s: Sizes, only: set[str]) -> None:
    """One database: import, invoice, hot paths and the 28,448-row report."""
    url = f"{PG}/jamsos_bench"
    fresh_database(url)

    async def probe_members(conn: asyncpg.Connection) -> uuid.UUID:
        program_id = await seed.create_program(conn, "Probe")
        await seed.seed_members(conn, program_id, 0, s.probe_members)
        return program_id

    probe_program = asyncio.run(run_sql(url, probe_members))
    env = service_env(url)
    with (
        serve(service_argv(), env, "/healthz") as service,
        serve(bare_argv(), {"DATABASE_URL": url}, "/docs") as bare,
    ):
        program_id = str(probe_program)
        if only & {"import", "invoice", "report"}:
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / "roster.csv"
                body = to_csv(roster_rows(s.roster))
                path.write_bytes(body)
                copy = asyncio.run(copy_roster(url, path, s.repeats))
                floor = asyncio.run(write_floor(url, path, s.repeats))
                coverage = f"{service.url}/v1/coverage?nik={seed.seeded_nik(0)}"
                with (
                    background_hey(f"{service.url}/healthz", concurrency=2, rate=20) as health,
                    background_hey(coverage, concurrency=2, rate=20, token=BPJS) as look_up,
                ):
                    program_id, seconds = import_roster(service, body)
            report.add(
                Figure(
                    f"import {s.roster:,} rows (PostgreSQL)",
                    f"{seconds:.2f} s {s.roster / seconds:,.0f} rows/s",
                    f"COPY {copy:.3f} s",
                    seconds / copy,
                    "<= 10x",
                    seconds / copy <= 10,
                )
            )
            report.add(
                Figure(
                    "  its floor: staged COPY + 3 INSERT…SELECTs",
                    f"{floor:.2f} s",
                    f"COPY {copy:.3f} s",
                    floor / copy,
                    "(no checks)",
                    None,
                )
            )
            for name, probe in (("/healthz", health[0]), ("coverage look-up", look_up[0])):
                report.add(
                    Figure(
                        f"{name} p99 during the import",
                        f"{probe.p99_ms:.0f} ms",
                        "",
                        None,
                        "<= 100 ms",
                        probe.p99_ms <= 100 and probe.ok,
                    )
                )
            activate, _ = timed(
                lambda: call(
                    service, "POST", f"/v1/programs/{program_id}/enrolments/activate", BPJS, json={}
                )
            )
            report.add(
                Figure(f"bulk activation of {s.roster:,}", f"{activate:.2f} s", "", None, "", None)
            )
            invoice_seconds, invoice = timed(
                lambda: call(
                    service,
                    "POST",
                    f"/v1/programs/{program_id}/invoices",
                    BPJS,
                    json={"from_month": "2026-01", "to_month": "2026-12"},
                ).json()
            )
            raw_seconds, raw_lines = asyncio.run(raw_invoice(url, program_id))
            if raw_lines != invoice["line_count"]:
                raise RuntimeError(f"{raw_lines} raw lines against {invoice['line_count']}")
            report.add(
                Figure(
                    f"invoice of {invoice['line_count']:,} lines",
                    f"{invoice_seconds:.2f} s",
                    f"INSERT…SELECT {raw_seconds:.2f} s",
                    invoice_seconds / raw_seconds,
                    "<= 3x",
                    invoice_seconds / raw_seconds <= 3,
                )
            )
            if "report" in only:
                report_figures(report, service, url, program_id, s.roster, s)
        if "http" in only:
            # The import and the invoice leave autovacuum hundreds of thousands of new rows
            # to go through; done now, it does not land in the middle of one path's load.
            asyncio.run(run_sql(url, vacuum))
            hot_paths(report, s, service, bare, str(probe_program))
        if "report" in only:

            async def large(conn: asyncpg.Connection) -> uuid.UUID:
                program = await seed.create_program(conn, "Large")
                await seed.seed_members(conn, program, 10**6, s.report_large)
                return program

            large_program = str(asyncio.run(run_sql(url, large)))
            report_figures(report, service, url, large_program, s.report_large, s)


def section_scale(report: Report, s: Sizes) -> None:
    url = f"{PG}/jamsos_bench_scale"
    fresh_database(url)

    async def create(conn: asyncpg.Connection) -> uuid.UUID:
        return await seed.create_program(conn, "Scale")

    program = asyncio.run(run_sql(url, create))
    paths = {
        "coverage look-up": (f"/v1/coverage?nik={seed.seeded_nik(7)}", BPJS),
        "list page": ("/v1/enrolments", PEMDA),
    }
    measured: dict[int, dict[str, Load]] = {}
    seeded = 0
    for size in (s.scale_small, s.scale_large):
        asyncio.run(
            run_sql(url, lambda c, a=seeded, n=size: seed.seed_members(c, program, a, n - a))
        )
        seeded = size
        with serve(service_argv(), service_env(url), "/healthz") as service:
            for _, (path, who) in paths.items():
                hey(service.url + path, seconds=0.5, concurrency=4, token=who)
            measured[size] = {
                name: hey(service.url + path, seconds=s.seconds, concurrency=32, token=who)
                for name, (path, who) in paths.items()
            }
    for name in paths:
        small, large = measured[s.scale_small][name], measured[s.scale_large][name]
        slower = small.rps / large.rps
        report.add(
            Figure(
                f"{name} at {s.scale_large:,} enrolments",
                f"{large.rps:.0f} req/s",
                f"{small.rps:.0f} req/s at {s.scale_small:,}",
                slower,
                "<= 1.5x slower",
                slower <= 1.5 and small.ok and large.ok,
            )
        )


def section_sqlite(report: Report, s: Sizes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{tmp}/bench.db"
        migrate(url)
        with serve(service_argv(), service_env(url), "/healthz") as service:
            _load_sqlite_regions(url)
            _, seconds = import_roster(service, to_csv(roster_rows(s.roster)))
    rate = s.roster / seconds
    report.add(
        Figure(
            f"import {s.roster:,} rows (SQLite)",
            f"{rate:,.0f} rows/s",
            "",
            None,
            ">= 5,000 rows/s",
            rate >= 5000,
        )
    )


def _load_sqlite_regions(url: str) -> None:
    import sqlite3

    from app.regions.importer import bundled_regions

    with sqlite3.connect(make_url(url).database or "") as conn:
        conn.executemany(
            "INSERT OR IGNORE INTO regions (code, name, kind, province, created_at)"
            " VALUES (?, ?, ?, ?, datetime('now'))",
            [(r.code, r.name, r.kind.value, r.province) for r in bundled_regions()],
        )


def section_memory(report: Report, s: Sizes) -> None:
    url = f"{PG}/jamsos_bench_memory"
    fresh_database(url)
    body = to_csv(roster_rows(s.memory_roster))
    env = service_env(url, MAX_CSV_ROWS=str(s.memory_roster), MAX_CSV_BODY_BYTES=str(len(body)))
    with serve(service_argv(), env, "/healthz") as service:
        before = service.peak_rss_mb()
        _, seconds = import_roster(service, body)
        peak = service.peak_rss_mb()
    report.add(
        Figure(
            f"import {s.memory_roster:,} rows, peak RSS",
            f"{peak:.0f} MB",
            f"{before:.0f} MB idle",
            None,
            "< 300 MB",
            peak < 300,
        )
    )
    report.add(
        Figure(
            f"import {s.memory_roster:,} rows (PostgreSQL)",
            f"{s.memory_roster / seconds:,.0f} rows/s",
            "",
            None,
            "",
            None,
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="tiny sizes: checks the command")
    parser.add_argument("--only", default=",".join(SECTIONS), help="comma-separated sections")
    args = parser.parse_args()
    only = set(args.only.split(","))
    if unknown := only - set(SECTIONS):
        parser.error(f"unknown sections: {', '.join(sorted(unknown))}")
    sizes = QUICK if args.quick else Sizes()
    hey_path()
    header()
    report = Report()
    if only & {"http", "import", "invoice", "report"}:
        section_main(report, sizes, only)
    if "scale" in only:
        section_scale(report, sizes)
    if "sqlite" in only:
        section_sqlite(report, sizes)
    if "memory" in only:
        section_memory(report, sizes)
    missed = [f.name for f in report.figures if f.met is False]
    print(
        f"{len(report.figures)} figures, {len(missed)} targets missed"
        + (": " + "; ".join(missed) if missed else "")
    )


if __name__ == "__main__":
    main()
