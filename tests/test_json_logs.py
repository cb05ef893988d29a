"""LOG_FORMAT=json: one JSON object a line — time, level, logger, message, request id, and
for each request its method, route template, status and duration — with every NIK masked,
from the formatter up to a real `python -m app serve` (and its workers' shared metrics)."""

import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from app.cli import migrate
from app.config import LogFormat, Settings, get_settings
from app.logs import JSON_LOG_CONFIG, TEXT_LOG_CONFIG, JsonFormatter, TextFormatter, uvicorn_logging
from app.main import create_app
from app.observability import mask_digits, request_id
from tests.benchmarks.load import serve
from tests.conftest import PEMDA_3514, auth

ROOT = Path(__file__).resolve().parent.parent
NIK = "3514094108900001"
MASKED = "************0001"


def formatted(record: logging.LogRecord) -> dict[str, Any]:
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry: dict[str, Any] = json.loads(line)
    return entry


def assert_no_nik(text: str) -> None:
    """No run of 16 digits, written with separators or not (what masking would change)."""
    assert mask_digits(text) == text, [m for m in text.splitlines() if mask_digits(m) != m]


class TestFormatter:
    def test_a_record_is_one_object_with_the_fields_and_the_request_id(self) -> None:
        record = logging.makeLogRecord(
            {"name": "app.errors", "levelno": 30, "levelname": "WARNING", "msg": "%s conflicts"}
        )
        record.args = ("invoice",)
        token = request_id.set("req-1")
        try:
            entry = formatted(record)
        finally:
            request_id.reset(token)
        assert entry["time"].endswith("Z") and entry["time"][:4].isdigit()
        assert {k: entry[k] for k in ("level", "logger", "message", "request_id")} == {
            "level": "WARNING",
            "logger": "app.errors",
            "message": "invoice conflicts",
            "request_id": "req-1",
        }

    def test_the_message_extra_fields_and_the_traceback_are_masked(self) -> None:
        try:
            raise ValueError(f"no worker {NIK}")
        except ValueError:
            record = logging.getLogger("test.json").makeRecord(
                "test.json",
                logging.ERROR,
                __file__,
                1,
                "worker %s, kk %s",
                (NIK, "3514-0941-0890-0001"),
                sys.exc_info(),
                extra={
                    "nik": NIK,
                    "nik_number": int(NIK),
                    "rows": [{"nik": NIK}],
                    "duration_ms": 1.25,
                    "status": 200,
                },
            )
        line = JsonFormatter().format(record)
        entry = json.loads(line)
        assert_no_nik(line)
        assert entry["message"] == f"worker {MASKED}, kk {MASKED}"
        assert entry["nik"] == entry["nik_number"] == entry["rows"][0]["nik"] == MASKED
        assert (entry["duration_ms"], entry["status"]) == (1.25, 200)  # numbers stay numbers
        assert "ValueError: no worker ************0001" in entry["exception"]

    def test_lines_with_other_scripts_are_masked_value_by_value(self) -> None:
        # JSON escapes non-ASCII, so these lines cannot be checked as written.
        eastern = NIK.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
        record = logging.makeLogRecord({"msg": f"Siti — {NIK}", "kk": eastern})
        entry = formatted(record)
        assert entry["message"] == f"Siti — {MASKED}"
        assert entry["kk"] == "*" * 12 + eastern[-4:]

    def test_extra_fields_json_cannot_hold_are_written_as_text(self) -> None:
        record = logging.makeLogRecord({"msg": "odd", "by_pair": {(1, 2): NIK}, "at": object})
        entry = formatted(record)
        assert entry["by_pair"] == {"(1, 2)": MASKED}
        assert entry["at"] == "<class 'object'>"

    def test_either_format_replaces_uvicorns_access_line_and_masks_every_line(self) -> None:
        assert uvicorn_logging(Settings(log_format=LogFormat.text)) == {
            "log_config": TEXT_LOG_CONFIG,
            "access_log": False,
        }
        assert uvicorn_logging(Settings(log_format=LogFormat.json)) == {
            "log_config": JSON_LOG_CONFIG,
            "access_log": False,
        }
        try:
            raise ValueError(f"no worker {NIK}")
        except ValueError:
            record = logging.getLogger("test.text").makeRecord(
                "test.text", logging.ERROR, __file__, 1, "kk %s", (NIK,), sys.exc_info()
            )
        line = TextFormatter("%(levelprefix)s %(message)s", use_colors=False).format(record)
        assert line.startswith(f"ERROR:    kk {MASKED}")
        assert f"ValueError: no worker {MASKED}" in line


@pytest.fixture
def json_app(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv("LOG_FORMAT", "json")
    get_settings.cache_clear()
    yield create_app()
    monkeypatch.undo()
    get_settings.cache_clear()


async def test_each_request_has_one_access_line_by_route_template(
    json_app: Any, caplog: pytest.LogCaptureFixture
) -> None:
    transport = httpx.ASGITransport(app=json_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        with caplog.at_level(logging.INFO, logger="app.access"):
            await http.get(f"/v1/workers/{NIK}?x=1", headers={"x-request-id": "trace-7"})
    [record] = [r for r in caplog.records if r.name == "app.access"]
    entry = formatted(record)
    assert entry["request_id"] == "trace-7"
    route = "/v1/workers/{worker_id}"  # 422: `x` is no query parameter of it
    assert (entry["method"], entry["route"], entry["status"]) == ("GET", route, 422)
    assert isinstance(entry["duration_ms"], float)
    assert entry["path"] == route + "?x"  # the template and the parameters' names only


@pytest.mark.parametrize(
    ("path", "logged"),
    [
        ("/v1/coverage?on=2026-01-05&nik=3514+0941+0890+0001&nik=2", "/v1/coverage?nik&on"),
        ("/v1/workers?nik=%33%35%31%34094108900001&limit=5", "/v1/workers?limit&nik"),
        ("/no/such/page?q=1", "/no/such/page?q"),
        ("/no/such/3514%2E0941%2E0890%2E0001", "/no/such/####.####.####.####"),
        ("/v1/coverage?%6Eik=1&a%20b=2", "/v1/coverage?a%20b&nik"),
    ],
)
async def test_the_access_line_writes_no_value_of_the_path_or_query(
    json_app: Any, caplog: pytest.LogCaptureFixture, path: str, logged: str
) -> None:
    transport = httpx.ASGITransport(app=json_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        with caplog.at_level(logging.INFO, logger="app.access"):
            await http.get(path)
    [record] = [r for r in caplog.records if r.name == "app.access"]
    assert formatted(record)["path"] == logged


async def test_a_request_id_that_looks_like_a_nik_is_replaced(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz", headers={"x-request-id": NIK})
    assert response.headers["x-request-id"] != NIK
    assert_no_nik(response.headers["x-request-id"])


@contextmanager
def served(tmp_path: Path, workers: int = 1, **env: str) -> Iterator[tuple[str, Path]]:
    """`python -m app serve` on a fresh migrated SQLite database; yields its address and the
    file its standard output and error go to, complete once the block has ended."""
    database = f"sqlite+aiosqlite:///{tmp_path}/served.db"
    migrate(database)
    settings = {"DATABASE_URL": database, "APP_ENV": "development", "METRICS_ENABLED": "true"}
    log = tmp_path / "served.log"
    argv = ["-m", "app", "serve", "--workers", str(workers)]
    with serve(argv, settings | env, "/readyz", log) as server:
        yield server.url, log


def test_a_served_process_logs_json_lines_and_never_a_nik(tmp_path: Path) -> None:
    service, pemda = auth("service"), auth(**PEMDA_3514)
    spaced_nik = "3514%200941%200890%200001"
    with (
        served(tmp_path, LOG_FORMAT="json") as (url, log),
        httpx.Client(base_url=url, timeout=10) as http,
    ):
        coverage = http.get(f"/v1/coverage?nik={NIK}&on=2026-01-05", headers=service)
        spaced = http.get(f"/v1/coverage?nik={spaced_nik}&on=2026-01-05", headers=service)
        in_path = http.get(f"/v1/workers/{NIK}", headers=pemda)
        body = http.post(
            "/v1/eligibility-checks",
            json={"program_id": NIK, "worker": {"nik": NIK, "birth_date": NIK}},
            headers=pemda | {"x-request-id": NIK},
        )
        scraped = http.get("/metrics").text
    assert (coverage.status_code, spaced.status_code) == (200, 200), coverage.text
    assert (in_path.status_code, body.status_code) == (422, 422)

    text = log.read_text()
    lines = [json.loads(line) for line in text.splitlines() if line.strip()]
    assert_no_nik(text)
    assert all({"time", "level", "logger", "message", "request_id"} <= e.keys() for e in lines)
    started = [e for e in lines if e["logger"] == "uvicorn.error"]
    assert any(e["message"].startswith("Uvicorn running on") for e in started)
    assert any(e["message"].startswith("Finished server process") for e in started)
    access = [e for e in lines if e["logger"] == "app.access"]
    assert not [e for e in lines if e["logger"] == "uvicorn.access"]  # one line a request
    by_route = {(e["method"], e["route"], e["status"]): e for e in access}
    worker = by_route["GET", "/v1/workers/{worker_id}", 422]
    assert worker["path"] == "/v1/workers/{worker_id}"
    assert worker["request_id"] == in_path.headers["x-request-id"]
    assert worker["duration_ms"] >= 0
    assert by_route["GET", "/v1/coverage", 200]["path"] == "/v1/coverage?nik&on"
    assert by_route["POST", "/v1/eligibility-checks", 422]["request_id"] != NIK
    # The same server's metrics: the template, never the NIK of the path.
    assert 'route="/v1/workers/{worker_id}",status="422"' in scraped
    labels = [
        label
        for family in text_string_to_metric_families(scraped)
        for sample in family.samples
        for label in sample.labels.values()
    ]
    assert_no_nik("\n".join(labels))


def healthz_count(scrape: str) -> float:
    for family in text_string_to_metric_families(scrape):
        for sample in family.samples:
            if sample.name == "jamsos_http_requests_total" and sample.labels["route"] == "/healthz":
                return sample.value
    return 0.0


def test_several_workers_add_up_in_every_scrape(tmp_path: Path) -> None:
    with served(tmp_path, workers=2) as (url, _log):
        for _ in range(20):  # a new connection each: the workers share them out
            assert httpx.get(f"{url}/healthz").status_code == 200
        counts = {healthz_count(httpx.get(f"{url}/metrics").text) for _ in range(6)}
    assert counts == {20}
