"""Prometheus metrics at /metrics: requests by route template (never the raw path), the
database pool, the bulk paths' counters; off → 404, a token when METRICS_TOKEN is set."""

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from prometheus_client import REGISTRY, CollectorRegistry, Counter
from prometheus_client.parser import text_string_to_metric_families
from pydantic import ValidationError
from sqlmodel import select

from app import metrics
from app.config import Settings, get_settings
from app.db import database
from app.main import create_app
from app.regions.models import Region
from tests.billing.helpers import active_workers, issue
from tests.conftest import IS_POSTGRES, PEMDA_3514, assert_problem, auth
from tests.factories import create_program, roster_rows, to_csv

NIK = "3514094108900001"
TOKEN = "scrape-token-" + "x" * 32


def requests_counted(text: str) -> dict[tuple[str, str, str], float]:
    """jamsos_http_requests_total by (method, route, status), read as Prometheus reads it."""
    counted = {}
    for family in text_string_to_metric_families(text):
        if family.name == "jamsos_http_requests":
            for sample in family.samples:
                labels = sample.labels
                counted[labels["method"], labels["route"], labels["status"]] = sample.value
    return counted


def value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.fixture
def build_app(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """An app built with these environment variables set (the module's app keeps its own)."""

    def build(**env: str) -> FastAPI:
        for name, setting in env.items():
            monkeypatch.setenv(name, setting)
        get_settings.cache_clear()
        return create_app()

    yield build
    monkeypatch.undo()
    get_settings.cache_clear()


async def scrape(app: FastAPI, **headers: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        return await http.get("/metrics", headers=headers)


@pytest.mark.usefixtures("regions")
class TestRequests:
    async def test_a_templated_route_is_counted_by_its_template_not_its_id(
        self, client: httpx.AsyncClient
    ) -> None:
        program = await create_program(client)
        for _ in range(2):
            read = await client.get(f"/v1/programs/{program['id']}", headers=auth(**PEMDA_3514))
            assert read.status_code == 200
        missing = await client.get(f"/v1/programs/{uuid.uuid4()}", headers=auth(**PEMDA_3514))
        assert missing.status_code == 404

        response = await client.get("/metrics")

        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/plain; version=")
        counted = requests_counted(response.text)
        assert counted["GET", "/v1/programs/{program_id}", "200"] >= 2
        assert counted["GET", "/v1/programs/{program_id}", "404"] >= 1
        assert counted["POST", "/v1/programs", "201"] >= 1
        assert program["id"] not in response.text
        assert (
            'jamsos_http_request_duration_seconds_bucket{le="0.005",method="GET",'
            'route="/v1/programs/{program_id}",status="200"}'
        ) in response.text

    async def test_a_nik_in_a_path_never_becomes_a_label(self, client: httpx.AsyncClient) -> None:
        before = value(
            "jamsos_http_requests_total",
            method="GET",
            route="/v1/workers/{worker_id}",
            status="422",
        )
        await client.get(f"/v1/workers/{NIK}", headers=auth(**PEMDA_3514))
        await client.get(f"/no/such/path/{NIK}")
        await client.get("/v1/coverage", params={"nik": NIK, "on": "2026-01-05"})

        text = (await client.get("/metrics")).text

        counted = requests_counted(text)
        assert counted["GET", "/v1/workers/{worker_id}", "422"] == before + 1
        assert counted["GET", "unmatched", "404"] >= 1
        assert counted["GET", "/v1/coverage", "401"] >= 1
        assert NIK not in text and "/no/such" not in text

    async def test_the_pool_gauges_follow_each_connection_out_and_back(
        self, client: httpx.AsyncClient
    ) -> None:
        size = get_settings().database_pool_size if IS_POSTGRES else 5 + 10  # SQLite: 5 + overflow
        assert value("jamsos_db_pool_size") == size
        idle = value("jamsos_db_pool_checked_out")
        async with database.get_sessionmaker()() as session:
            await session.connection()
            assert value("jamsos_db_pool_checked_out") == idle + 1
        assert value("jamsos_db_pool_checked_out") == idle
        text = (await client.get("/metrics")).text
        assert f"jamsos_db_pool_size {float(size)}" in text


@pytest.mark.usefixtures("regions")
class TestBulkCounters:
    async def test_an_import_counts_its_rows_by_outcome_and_a_dry_run_apart(
        self, client: httpx.AsyncClient
    ) -> None:
        program = await create_program(client)
        rows = roster_rows(5)
        roster = to_csv([*rows, rows[0], rows[1]])  # two duplicates: DUPLICATE_IN_FILE
        before = {
            (outcome, dry): value("jamsos_roster_rows_total", outcome=outcome, dry_run=dry)
            for outcome in ("accepted", "rejected")
            for dry in ("false", "true")
        }
        headers = auth(**PEMDA_3514) | {"content-type": "text/csv"}
        path = f"/v1/programs/{program['id']}/enrolments/import"

        dry = await client.post(path, content=roster, params={"dry_run": "true"}, headers=headers)
        real = await client.post(path, content=roster, headers=headers)

        assert (dry.json()["accepted"], dry.json()["rejected"]) == (5, 2)
        assert (real.json()["accepted"], real.json()["rejected"]) == (5, 2)
        moved = {
            key: value("jamsos_roster_rows_total", outcome=key[0], dry_run=key[1]) - count
            for key, count in before.items()
        }
        assert moved == {
            ("accepted", "false"): 5,
            ("rejected", "false"): 2,
            ("accepted", "true"): 5,
            ("rejected", "true"): 2,
        }

    async def test_an_invoice_counts_the_lines_it_wrote(self, client: httpx.AsyncClient) -> None:
        program, _ = await active_workers(client, 3)
        before = value("jamsos_invoice_lines_total")

        invoice = await issue(client, program["id"], "2026-01", "2026-03")
        again = await issue(client, program["id"], "2026-01", "2026-03")

        assert invoice.json()["line_count"] == 9
        assert_problem(again, 409, "NOTHING_TO_BILL")
        assert value("jamsos_invoice_lines_total") == before + 9


async def test_work_is_counted_only_when_its_transaction_commits() -> None:
    registry = CollectorRegistry()
    counter = Counter("work", "work done", registry=registry)
    async with database.get_sessionmaker()() as session:
        await session.exec(select(Region))  # work in a transaction, as a service does
        metrics.count_when_committed(session, counter, 3)
        await session.rollback()
        assert registry.get_sample_value("work_total") == 0
        await session.exec(select(Region))
        metrics.count_when_committed(session, counter, 4)
        await session.commit()
        await session.commit()  # counted once
    assert registry.get_sample_value("work_total") == 4


class TestSettings:
    async def test_metrics_off_answer_404_and_stay_out_of_the_openapi_document(
        self, build_app: Any
    ) -> None:
        app = build_app(METRICS_ENABLED="false")
        assert (await scrape(app)).status_code == 404
        assert "/metrics" not in app.openapi()["paths"]

    async def test_production_leaves_them_off_unless_enabled(self, build_app: Any) -> None:
        production = {"APP_ENV": "production", "JWT_SECRET": "s" * 32}
        assert (await scrape(build_app(**production))).status_code == 404
        enabled = build_app(**production, METRICS_ENABLED="true")
        assert (await scrape(enabled)).status_code == 200

    async def test_served_metrics_stay_out_of_the_openapi_document(
        self, client: httpx.AsyncClient
    ) -> None:
        assert (await client.get("/metrics")).status_code == 200
        assert "/metrics" not in (await client.get("/openapi.json")).json()["paths"]

    async def test_with_a_token_a_scrape_without_it_gets_401(self, build_app: Any) -> None:
        app = build_app(METRICS_TOKEN=TOKEN)
        anonymous = await scrape(app)
        assert_problem(anonymous, 401, "UNAUTHENTICATED")
        assert anonymous.headers["www-authenticate"].startswith("Bearer")
        assert (await scrape(app, Authorization="Bearer wrong")).status_code == 401
        assert (await scrape(app, Authorization=f"Basic {TOKEN}")).status_code == 401
        scraped = await scrape(app, Authorization=f"Bearer {TOKEN}")
        assert scraped.status_code == 200
        assert "jamsos_http_requests_total" in scraped.text

    def test_a_short_token_is_refused(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("METRICS_TOKEN", "short")
        with pytest.raises(ValidationError, match="METRICS_TOKEN"):
            Settings()
