"""Replicas keep the invariants (issue 12): two service processes, each with its own pool, on
one PostgreSQL, and the races of the in-process tests (tests/enrolments/test_concurrency.py,
tests/claims/test_router.py) fired across both — the budget and `max_workers` (R6), one
cover per NIK (R8), one approval and one payment of a claim (R16). Only the database's row
locks can serialise two processes, so these are the tests that show the locks are taken
there rather than in a process's memory."""

import asyncio
import os
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import asyncpg
import httpx
import pytest
from sqlalchemy.engine import make_url

from tests.benchmarks.load import free_port
from tests.claims.test_router import claim_body
from tests.conftest import TEST_DATABASE_URL, postgres_only, recreate_postgres_database
from tests.factories import program_body, worker
from tests.test_replicas import ROOT, asyncpg_url, drop_database, ready, started

pytestmark = postgres_only

TODAY = "2026-07-20"
COVER_IDR = 6 * 16_800  # July–December at the DBHCHT rate (R1, R2: no discount)
RACERS = 30
# Development, so that `python -m app tokens issue` signs tokens; one secret for every
# process, so that a token from the CLI holds in both replicas. One business date for all.
REPLICA_SETTINGS = {
    "APP_ENV": "development",
    "JWT_SECRET": "replica-invariants-" + "k" * 24,
    "APP_TODAY": TODAY,
    "WEB_CONCURRENCY": "1",
}
REGIONS = [
    {"code": "3514", "name": "Kabupaten Pasuruan", "kind": "kabupaten", "province": "Jawa Timur"},
    {"code": "3575", "name": "Kota Pasuruan", "kind": "kota", "province": "Jawa Timur"},
]
INHERITED_OUT = {"DATABASE_URL", "JWT_SECRET", "JWT_PUBLIC_KEY", "APP_TODAY", "APP_ENV"}


@dataclass(frozen=True)
class Replicas:
    urls: list[str]
    database_url: str
    pemda_3514: dict[str, str]
    pemda_3575: dict[str, str]
    bpjs: dict[str, str]

    def url(self, i: int) -> str:
        """Request `i` goes to replica i mod 2: the load balancer's round robin."""
        return self.urls[i % len(self.urls)]

    def pemda(self, region: str) -> dict[str, str]:
        return self.pemda_3514 if region == "3514" else self.pemda_3575


async def run_cli(env: dict[str, str], *args: str) -> str:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "app",
        *args,
        env=env,
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode == 0, f"python -m app {' '.join(args)}: {err.decode()[-2000:]}"
    return out.decode().strip()


async def cli_token(env: dict[str, str], *args: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {await run_cli(env, 'tokens', 'issue', *args)}"}


@pytest.fixture(scope="module")
async def replicas() -> AsyncIterator[Replicas]:
    """A database of the module's own, migrated, and two `python -m app serve` processes on
    it; both stopped (and the database dropped) when the module ends."""
    base = make_url(TEST_DATABASE_URL)
    own = base.set(database=f"{base.database}_invariants").render_as_string(hide_password=False)
    await recreate_postgres_database(own)
    env = {k: v for k, v in os.environ.items() if k not in INHERITED_OUT}
    env |= REPLICA_SETTINGS | {"DATABASE_URL": own}
    await run_cli(env, "migrate")
    ports = [free_port(), free_port()]
    argvs = [["-m", "app", "serve", "--host", "127.0.0.1", "--port", str(p)] for p in ports]
    try:
        with started(argvs, env) as processes:
            urls = [f"http://127.0.0.1:{port}" for port in ports]
            await asyncio.gather(*(ready(u, p) for u, p in zip(urls, processes, strict=True)))
            admin, pemda_3514, pemda_3575, bpjs = await asyncio.gather(
                cli_token(env, "--role", "admin"),
                cli_token(env, "--role", "pemda", "--region", "3514"),
                cli_token(env, "--role", "pemda", "--region", "3575"),
                cli_token(env, "--role", "bpjs", "--regions", "3514,3575"),
            )
            async with httpx.AsyncClient(timeout=30) as http:
                for i, region in enumerate(REGIONS):
                    created = await http.post(f"{urls[i]}/v1/regions", json=region, headers=admin)
                    assert created.status_code == 201, created.text
            yield Replicas(urls, own, pemda_3514, pemda_3575, bpjs)
    finally:
        await drop_database(own)


async def across_both(
    replicas: Replicas, count: int, request: Callable[[httpx.AsyncClient, int], Awaitable[Any]]
) -> list[httpx.Response]:
    """`count` requests fired at once, request `i` built by `request(http, i)`."""
    limits = httpx.Limits(max_connections=count, max_keepalive_connections=count)
    async with httpx.AsyncClient(timeout=60, limits=limits) as http:
        return list(await asyncio.gather(*(request(http, i) for i in range(count))))


def assert_one_outcome(
    responses: list[httpx.Response], winners: int, success: int, refusal: tuple[int, str]
) -> list[httpx.Response]:
    """`winners` answers `success`; every other one the refusal's 4xx business code (never a
    5xx). The winning answers are returned."""
    assert not [r.text for r in responses if r.status_code >= 500]
    won = [r for r in responses if r.status_code == success]
    refused = [r for r in responses if r.status_code != success]
    assert len(won) == winners, [r.text for r in responses]
    status, code = refusal
    for response in refused:
        assert response.status_code == status, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
        body = response.json()
        reasons = [reason["code"] for reason in body.get("reasons", [])]
        assert code in (body["code"], *reasons), body
    return won


async def fetch(replicas: Replicas, query: str, *args: Any) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(asyncpg_url(replicas.database_url))
    try:
        return list(await conn.fetch(query, *args))
    finally:
        await conn.close()


async def create_program(
    replicas: Replicas,
    http: httpx.AsyncClient,
    region: str = "3514",
    fields: dict[str, Any] | None = None,
) -> dict[str, Any]:
    body = program_body(coverage_start="2026-07", coverage_end="2026-12") | (fields or {})
    response = await http.post(
        f"{replicas.url(0)}/v1/programs", json=body, headers=replicas.pemda(region)
    )
    assert response.status_code == 201, response.text
    program: dict[str, Any] = response.json()
    return program


@pytest.mark.parametrize(
    ("limit", "admitted", "refusal"),
    [
        ({"budget_idr": 10 * COVER_IDR}, 10, "BUDGET_EXHAUSTED"),
        ({"max_workers": 7}, 7, "QUOTA_REACHED"),
    ],
    ids=["budget", "max_workers"],
)
async def test_parallel_enrolments_through_both_replicas_never_pass_the_programmes_limit(
    replicas: Replicas, limit: dict[str, int], admitted: int, refusal: str
) -> None:
    first = 1 if "budget_idr" in limit else 101  # distinct people for each case
    async with httpx.AsyncClient(timeout=30) as http:
        program = await create_program(replicas, http, fields=limit)

    def enrol(http: httpx.AsyncClient, i: int) -> Awaitable[httpx.Response]:
        return http.post(
            f"{replicas.url(i)}/v1/programs/{program['id']}/enrolments",
            json={"worker": worker(serial=first + i)},
            headers=replicas.pemda_3514,
        )

    responses = await across_both(replicas, RACERS, enrol)
    won = assert_one_outcome(responses, admitted, 201, (422, refusal))
    [row] = await fetch(
        replicas,
        """SELECT p.committed_idr, p.enrolled_workers, p.budget_idr,
                  count(e.id) AS enrolments, coalesce(sum(e.cost_idr), 0) AS cost_idr,
                  array_agg(e.id::text) AS ids
           FROM programs p LEFT JOIN enrolments e ON e.program_id = p.id
           WHERE p.id = $1 GROUP BY p.id""",
        program["id"],
    )
    assert row["enrolments"] == row["enrolled_workers"] == admitted
    assert row["committed_idr"] == row["cost_idr"] == admitted * COVER_IDR <= row["budget_idr"]
    assert sorted(row["ids"]) == sorted(r.json()["id"] for r in won)


async def known_without_cover(replicas: Replicas, person: dict[str, Any]) -> None:
    """The person's row exists already (an earlier enrolment, rejected by BPJS): no insert
    of a new row can stand in for the person lock and serialise the racers by accident."""
    async with httpx.AsyncClient(timeout=30) as http:
        program = await create_program(replicas, http)
        enrolment = await http.post(
            f"{replicas.url(0)}/v1/programs/{program['id']}/enrolments",
            json={"worker": person},
            headers=replicas.pemda_3514,
        )
        assert enrolment.status_code == 201, enrolment.text
        rejected = await http.post(
            f"{replicas.url(1)}/v1/enrolments/{enrolment.json()['id']}/reject",
            json={"reason": "data KTP tidak sesuai"},
            headers=replicas.bpjs,
        )
        assert rejected.status_code == 200, rejected.text


@pytest.mark.parametrize("known", [False, True], ids=["new-person", "known-person"])
@pytest.mark.parametrize("regions", [("3514",), ("3514", "3575")], ids=["same", "other"])
async def test_one_nik_enrolled_at_once_through_both_replicas_gets_one_cover(
    replicas: Replicas, regions: tuple[str, ...], known: bool
) -> None:
    person = worker(serial=500 + 2 * len(regions) + known)  # one person per case
    if known:
        await known_without_cover(replicas, person)
    # Six programmes: six programme locks, so only the person lock can keep the NIK's
    # racers apart — and six of them at the head of their programme's queue at once.
    async with httpx.AsyncClient(timeout=30) as http:
        programs = [
            await create_program(replicas, http, regions[k % len(regions)]) for k in range(6)
        ]

    def enrol(http: httpx.AsyncClient, i: int) -> Awaitable[httpx.Response]:
        # Every programme through both replicas: replica i mod 2, programme (i div 2) mod 6.
        program = programs[(i // 2) % len(programs)]
        region = program["region_code"]
        return http.post(
            f"{replicas.url(i)}/v1/programs/{program['id']}/enrolments",
            json={"worker": person | {"domicile_region_code": region}},
            headers=replicas.pemda(region),
        )

    responses = await across_both(replicas, RACERS, enrol)
    [won] = assert_one_outcome(responses, 1, 201, (422, "ALREADY_ENROLLED"))
    covers = await fetch(
        replicas,
        "SELECT id::text FROM enrolments WHERE nik = $1 AND status IN ('pending', 'active')",
        person["nik"],
    )
    assert [row["id"] for row in covers] == [won.json()["id"]]
    committed = await fetch(
        replicas,
        "SELECT sum(committed_idr) AS idr FROM programs WHERE id = ANY($1::uuid[])",
        [p["id"] for p in programs],
    )
    assert committed[0]["idr"] == COVER_IDR


async def succeeded(request: Awaitable[httpx.Response]) -> dict[str, Any]:
    response = await request
    assert response.status_code in (200, 201), response.text
    body: dict[str, Any] = response.json()
    return body


async def covered_member_died_today(replicas: Replicas, serial: int) -> tuple[str, str]:
    """A member enrolled today and activated, July invoiced and paid, dead today; the claim
    filed and under review, each step through one replica or the other. The programme's and
    the claim's ids."""
    first, second = replicas.urls
    pemda, bpjs = replicas.pemda_3514, replicas.bpjs
    person = worker(serial=serial)
    async with httpx.AsyncClient(timeout=30) as http:
        program = await create_program(replicas, http)
        enrolment = await succeeded(
            http.post(
                f"{first}/v1/programs/{program['id']}/enrolments",
                json={"worker": person},
                headers=pemda,
            )
        )
        await succeeded(
            http.post(f"{second}/v1/enrolments/{enrolment['id']}/activate", json={}, headers=bpjs)
        )
        invoice = await succeeded(
            http.post(
                f"{first}/v1/programs/{program['id']}/invoices",
                json={"from_month": "2026-07", "to_month": "2026-07"},
                headers=bpjs,
            )
        )
        payment = {"amount_idr": invoice["amount_due_idr"], "paid_on": TODAY, "reference": "TRF-1"}
        reported = await succeeded(
            http.post(f"{second}/v1/invoices/{invoice['id']}/payments", json=payment, headers=pemda)
        )
        await succeeded(http.post(f"{first}/v1/payments/{reported['id']}/confirm", headers=bpjs))
        claim = await succeeded(
            http.post(f"{second}/v1/claims", json=claim_body(person["nik"], TODAY), headers=pemda)
        )
        await succeeded(http.post(f"{first}/v1/claims/{claim['id']}/review", json={}, headers=bpjs))
    return program["id"], claim["id"]


async def test_one_claim_approved_and_paid_at_once_through_both_replicas_moves_money_once(
    replicas: Replicas,
) -> None:
    program_id, claim_id = await covered_member_died_today(replicas, serial=900)

    def decide(action: str, body: dict[str, Any]) -> Callable[..., Awaitable[httpx.Response]]:
        def send(http: httpx.AsyncClient, i: int) -> Awaitable[httpx.Response]:
            url = f"{replicas.url(i)}/v1/claims/{claim_id}/{action}"
            return http.post(url, json=body, headers=replicas.bpjs)

        return send

    approvals = await across_both(replicas, RACERS, decide("approve", {}))
    [approved] = assert_one_outcome(approvals, 1, 200, (409, "INVALID_STATE"))
    # R17: dead within 3 months of the start of membership — Rp 10 million, frozen once.
    assert approved.json()["benefit"]["total_idr"] == 10_000_000
    payments = await across_both(
        replicas, RACERS, decide("pay", {"reference": "JKM-TRF-900", "paid_on": TODAY})
    )
    [paid] = assert_one_outcome(payments, 1, 200, (409, "INVALID_STATE"))
    assert paid.json()["status"] == "paid"

    steps = await fetch(
        replicas,
        "SELECT to_status, count(*) AS n FROM claim_events WHERE claim_id = $1 GROUP BY to_status",
        claim_id,
    )
    assert {row["to_status"]: row["n"] for row in steps} == {
        "submitted": 1,
        "under_review": 1,
        "approved": 1,
        "paid": 1,
    }
    audit = await fetch(
        replicas,
        """SELECT action, count(*) AS n FROM audit_events
           WHERE entity_type = 'claim' AND entity_id = $1
             AND action IN ('claim.approved', 'claim.paid')
           GROUP BY action""",
        claim_id,
    )
    assert {row["action"]: row["n"] for row in audit} == {"claim.approved": 1, "claim.paid": 1}
    # R20/R23: August–December released once — not twice, not never.
    [cover] = await fetch(
        replicas,
        """SELECT p.committed_idr, e.status, e.end_month, c.benefit_total_idr, c.payment_reference
           FROM programs p JOIN enrolments e ON e.program_id = p.id
           JOIN claims c ON c.enrolment_id = e.id WHERE c.id = $1 AND p.id = $2""",
        claim_id,
        program_id,
    )
    assert dict(cover) == {
        "committed_idr": 16_800,
        "status": "terminated",
        "end_month": "2026-07",
        "benefit_total_idr": 10_000_000,
        "payment_reference": "JKM-TRF-900",
    }
