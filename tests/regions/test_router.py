"""Regions: read with any token, write as admin (DESIGN.md §4)."""

import asyncio

import httpx
from sqlmodel import select

from app.audit.models import AuditEvent
from app.db import database
from tests.conftest import PEMDA_3514, assert_problem, auth

NEW_REGION = {
    "code": "6409",
    "name": "Kabupaten Penajam Paser Utara",
    "kind": "kabupaten",
    "province": "Kalimantan Timur",
}


class TestListRegions:
    async def test_anonymous_is_401(self, client: httpx.AsyncClient) -> None:
        assert_problem(await client.get("/v1/regions"), 401)

    async def test_any_token_reads_every_region_in_code_order_by_pages(
        self, client: httpx.AsyncClient, regions: list[str]
    ) -> None:
        headers = auth(**PEMDA_3514)
        seen: list[str] = []
        cursor = None
        while True:
            params = {"limit": 20} | ({"cursor": cursor} if cursor else {})
            body = (await client.get("/v1/regions", params=params, headers=headers)).json()
            seen += [r["code"] for r in body["items"]]
            cursor = body["next_cursor"]
            if cursor is None:
                break
        assert seen == sorted(regions)
        assert {"3514", "3575", "3574", "6409"} <= set(seen)

    async def test_filter_by_province(self, client: httpx.AsyncClient, regions: list[str]) -> None:
        body = (
            await client.get(
                "/v1/regions", params={"province": "Kalimantan Timur"}, headers=auth("service")
            )
        ).json()
        assert {r["code"][:2] for r in body["items"]} == {"64"}

    async def test_a_forged_cursor_is_400(self, client: httpx.AsyncClient) -> None:
        response = await client.get(
            "/v1/regions", params={"cursor": "%%%"}, headers=auth("service")
        )
        assert_problem(response, 400, "INVALID_CURSOR")

    async def test_limit_out_of_range_is_422(self, client: httpx.AsyncClient) -> None:
        response = await client.get(
            "/v1/regions", params={"limit": 10_000}, headers=auth("service")
        )
        assert_problem(response, 422, "VALIDATION_FAILED")


class TestGetRegion:
    async def test_known_code(self, client: httpx.AsyncClient, regions: list[str]) -> None:
        response = await client.get("/v1/regions/3514", headers=auth("service"))
        assert response.json()["name"] == "Kabupaten Pasuruan"

    async def test_unknown_code_is_404(self, client: httpx.AsyncClient, regions: list[str]) -> None:
        assert_problem(
            await client.get("/v1/regions/9999", headers=auth("service")), 404, "REGION_NOT_FOUND"
        )

    async def test_malformed_code_is_422(self, client: httpx.AsyncClient) -> None:
        assert_problem(await client.get("/v1/regions/35a4", headers=auth("service")), 422)


class TestCreateRegion:
    async def test_anonymous_is_401(self, client: httpx.AsyncClient) -> None:
        assert_problem(await client.post("/v1/regions", json=NEW_REGION), 401)

    async def test_without_admin_scope_is_403(self, client: httpx.AsyncClient) -> None:
        response = await client.post("/v1/regions", json=NEW_REGION, headers=auth(**PEMDA_3514))
        assert_problem(response, 403)

    async def test_admin_creates_and_the_audit_trail_records_it(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.post("/v1/regions", json=NEW_REGION, headers=auth("admin"))
        assert response.status_code == 201, response.text
        assert response.json()["code"] == "6409"
        async with database.get_sessionmaker()() as session:
            events = (await session.exec(select(AuditEvent))).all()
        assert [(e.action, e.entity_id, e.role) for e in events] == [
            ("region.create", "6409", "admin")
        ]
        assert events[0].request_id == response.headers["x-request-id"]

    async def test_an_existing_code_is_409_region_exists(
        self, client: httpx.AsyncClient, regions: list[str]
    ) -> None:
        response = await client.post("/v1/regions", json=NEW_REGION, headers=auth("admin"))
        assert_problem(response, 409, "REGION_EXISTS")

    async def test_one_new_code_created_at_once_is_created_once(
        self, client: httpx.AsyncClient, regions: list[str]
    ) -> None:
        body = NEW_REGION | {"code": "6410"}
        responses = await asyncio.gather(
            *[client.post("/v1/regions", json=body, headers=auth("admin")) for _ in range(8)]
        )
        assert sorted(r.status_code for r in responses) == [201] + [409] * 7
        assert {r.json()["code"] for r in responses if r.status_code == 409} == {"REGION_EXISTS"}

    async def test_bad_input_is_a_422_problem_listing_fields(
        self, client: httpx.AsyncClient
    ) -> None:
        bad = NEW_REGION | {"code": "64091", "kind": "provinsi"}
        body = assert_problem(
            await client.post("/v1/regions", json=bad, headers=auth("admin")), 422
        )
        assert {tuple(e["loc"]) for e in body["errors"]} == {("body", "code"), ("body", "kind")}
