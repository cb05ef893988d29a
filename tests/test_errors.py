"""Every failure is a problem document, never a 5xx for input (DESIGN.md §5)."""

import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from app.cli import migrate
from tests.benchmarks.load import serve
from tests.conftest import assert_problem, auth


class TestProblemDocuments:
    async def test_unknown_path_is_404_problem(self, client: httpx.AsyncClient) -> None:
        assert_problem(await client.get("/v1/nothing-here"), 404, "NOT_FOUND")

    async def test_wrong_method_is_405_problem(self, client: httpx.AsyncClient) -> None:
        assert_problem(await client.delete("/v1/regions"), 405, "METHOD_NOT_ALLOWED")

    @pytest.mark.parametrize(
        ("method", "path", "allowed"),
        [
            ("DELETE", "/v1/programs/0192d8a1-7c1e-7a51-b3a4-5f6e7d8c9b0a", "GET, PATCH"),
            ("PUT", "/v1/regions", "GET, POST"),
            ("OPTIONS", "/v1/workers/0192d8a1-7c1e-7a51-b3a4-5f6e7d8c9b0a", "GET, PATCH"),
        ],
    )
    async def test_405_allows_every_method_of_the_path(
        self, client: httpx.AsyncClient, method: str, path: str, allowed: str
    ) -> None:
        # GET and PATCH of one path are two routes; the 405 names both, not the first's.
        response = await client.request(method, path)
        assert_problem(response, 405, "METHOD_NOT_ALLOWED")
        assert response.headers["allow"] == allowed

    async def test_json_that_is_not_utf8_is_400_problem(self, client: httpx.AsyncClient) -> None:
        response = await client.post(
            "/v1/regions",
            content=b'{"name": "\xff\xfe"}',
            headers=auth("admin") | {"content-type": "application/json", "accept-language": "id"},
        )
        body = assert_problem(response, 400, "MALFORMED_BODY")
        assert body["title"] == "Body permintaan tidak dapat dibaca"
        assert "UTF-8" in body["detail"]

    async def test_broken_multipart_form_is_400_problem(self, client: httpx.AsyncClient) -> None:
        response = await client.post(
            "/v1/programs/0192d8a1-7c1e-7a51-b3a4-5f6e7d8c9b0a/enrolments/import",
            content=b"--b\r\nFalse--b--\r\n",
            headers=auth("pemda", region="3514")
            | {"content-type": "multipart/form-data; boundary=b"},
        )
        assert_problem(response, 400, "MALFORMED_BODY")

    async def test_malformed_json_is_422_problem(self, client: httpx.AsyncClient) -> None:
        response = await client.post(
            "/v1/regions",
            content=b'{"code": "35',
            headers=auth("admin") | {"content-type": "application/json"},
        )
        assert_problem(response, 422, "VALIDATION_FAILED")

    @pytest.mark.parametrize(
        "payload",
        [
            b"null",
            b"[]",
            b'"x"',
            b"1e999999",
            b'{"code": "3\\u0000514", "name": "x", "kind": "kota", "province": "p"}',
            b'{"code": 35140000000000000000000000000000, "name": "x", "kind": "kota"}',
            '{"code": "\ud800"}'.encode("utf-8", "surrogatepass"),
        ],
    )
    async def test_odd_bodies_are_4xx(self, client: httpx.AsyncClient, payload: bytes) -> None:
        response = await client.post(
            "/v1/regions",
            content=payload,
            headers=auth("admin") | {"content-type": "application/json"},
        )
        assert 400 <= response.status_code < 500, response.text
        assert response.headers["content-type"].startswith("application/problem+json")

    async def test_oversized_body_is_413_problem(self, client: httpx.AsyncClient) -> None:
        big = b'{"name": "' + b"x" * 2_000_000 + b'"}'
        response = await client.post(
            "/v1/regions",
            content=big,
            headers=auth("admin") | {"content-type": "application/json"},
        )
        assert_problem(response, 413, "PAYLOAD_TOO_LARGE")

    async def test_oversized_body_without_content_length_is_413(
        self, client: httpx.AsyncClient
    ) -> None:
        async def chunks():  # type: ignore[no-untyped-def]
            for _ in range(30):
                yield b"x" * 100_000

        response = await client.post(
            "/v1/regions",
            content=chunks(),
            headers=auth("admin") | {"content-type": "application/json"},
        )
        assert_problem(response, 413, "PAYLOAD_TOO_LARGE")

    async def test_request_id_is_echoed_or_made(self, client: httpx.AsyncClient) -> None:
        kept = await client.get("/healthz", headers={"x-request-id": "abc-123"})
        assert kept.headers["x-request-id"] == "abc-123"
        made = await client.get("/healthz", headers={"x-request-id": "bad id\twith tab"})
        assert made.headers["x-request-id"] != "bad id\twith tab"


class TestValuesTheDatabaseCannotHold:
    """A NUL byte or an over-long value is the input's fault: 4xx on PostgreSQL too."""

    @pytest.mark.parametrize(
        "path",
        ["/v1/workers?district=a%00", "/v1/enrolments?nik=12%00", "/v1/coverage?nik=%00"],
    )
    async def test_nul_bytes_in_queries(
        self, client: httpx.AsyncClient, regions: list[str], path: str
    ) -> None:
        response = await client.get(path, headers=auth("pemda", region="3514"))
        assert_problem(response, 422)  # SQLite refuses NUL as PostgreSQL does

    async def test_nul_bytes_in_bodies(self, client: httpx.AsyncClient, regions: list[str]) -> None:
        body = {
            "name": "Nama\u0000",
            "fiscal_year": 2026,
            "funding_source": "APBD",
            "budget_idr": 1,
            "target_workers": 1,
            "coverage_start": "2026-01",
            "coverage_end": "2026-12",
        }
        pemda = auth("pemda", region="3514")
        response = await client.post("/v1/programs", json=body, headers=pemda)
        assert_problem(response, 422, "VALIDATION_FAILED")  # on SQLite as on PostgreSQL
        assert (await client.get("/v1/programs", headers=pemda)).json()["items"] == []


def test_a_streamed_body_over_the_limit_logs_one_line_not_a_traceback(tmp_path: Path) -> None:
    """The 413 ends the app's reading as a disconnect; that is no error of the service's."""
    database = f"sqlite+aiosqlite:///{tmp_path}/limits.db"
    migrate(database)
    env = {"DATABASE_URL": database, "APP_ENV": "development", "MAX_CSV_BODY_BYTES": "100000"}
    log = tmp_path / "service.log"

    def streamed() -> Iterator[bytes]:  # no Content-Length: the limit is found while reading
        for _ in range(40):
            yield b"x" * 65536

    with serve(["-m", "app", "serve"], env, "/healthz", log) as server:
        response = httpx.post(
            f"{server.url}/v1/programs/{uuid.uuid4()}/enrolments/import",
            content=streamed(),
            headers={"content-type": "text/csv"} | auth("pemda", region="3514"),
            timeout=30,
        )
    assert_problem(response, 413, "PAYLOAD_TOO_LARGE")
    text = log.read_text()
    assert "Traceback" not in text and "ERROR" not in text, text
    assert text.count("client disconnected before its request body was read") == 1
    assert '"POST /v1/programs/{program_id}/enrolments/import" 413' in text
