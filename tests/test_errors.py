"""Every failure is a problem document, never a 5xx for input (DESIGN.md §5)."""

import httpx
import pytest

from tests.conftest import assert_problem, auth


class TestProblemDocuments:
    async def test_unknown_path_is_404_problem(self, client: httpx.AsyncClient) -> None:
        assert_problem(await client.get("/v1/nothing-here"), 404, "NOT_FOUND")

    async def test_wrong_method_is_405_problem(self, client: httpx.AsyncClient) -> None:
        assert_problem(await client.delete("/v1/regions"), 405, "METHOD_NOT_ALLOWED")

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
        assert response.status_code in (200, 422), response.text

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
        response = await client.post(
            "/v1/programs", json=body, headers=auth("pemda", region="3514")
        )
        assert response.status_code in (201, 422), response.text
