"""Programmes (R5, R6): a pemda works only in its region; the budget figures are right."""

from datetime import date

import httpx
import pytest

from tests.conftest import PEMDA_3514, PEMDA_3575, assert_problem, auth
from tests.factories import create_program, program_body

pytestmark = pytest.mark.usefixtures("regions")


class TestCreateProgram:
    async def test_anonymous_is_401(self, client: httpx.AsyncClient) -> None:
        assert_problem(await client.post("/v1/programs", json=program_body()), 401)

    async def test_without_scope_is_403(self, client: httpx.AsyncClient) -> None:
        headers = auth("pemda", region="3514", scopes=["programs:read"])
        assert_problem(await client.post("/v1/programs", json=program_body(), headers=headers), 403)

    async def test_a_pemda_creates_in_its_own_region_with_budget_figures(
        self, client: httpx.AsyncClient, frozen_today
    ) -> None:
        frozen_today(date(2026, 6, 1))
        program = await create_program(client)
        assert program["region_code"] == "3514"
        assert program["status"] == "open"
        assert program["monthly_contribution_idr"] == 16_800
        assert program["budget"] == {
            "budget_idr": 2_800_000_000,
            "committed_idr": 0,
            "invoiced_idr": 0,
            "paid_idr": 0,
            "outstanding_idr": 0,
            "credited_idr": 0,
            "credit_balance_idr": 0,
            "refundable_idr": 0,
            "remaining_idr": 2_800_000_000,
            # DESIGN.md: Rp 2.8 billion for July–December covers 27,777 workers, not 28,448.
            "capacity_workers": 27_777,
        }

    async def test_capacity_counts_only_the_months_still_to_come(
        self, client: httpx.AsyncClient, frozen_today
    ) -> None:
        frozen_today(date(2026, 11, 22))
        program = await create_program(client)
        # Nov + Dec remain: 2,800,000,000 // (2 × 16,800)
        assert program["budget"]["capacity_workers"] == 83_333

    async def test_another_regions_code_is_403(self, client: httpx.AsyncClient) -> None:
        response = await client.post(
            "/v1/programs", json=program_body(region_code="3575"), headers=auth(**PEMDA_3514)
        )
        assert_problem(response, 403)

    @pytest.mark.parametrize(
        "change",
        [
            {"coverage_start": "2027-01", "coverage_end": "2027-03"},
            {"coverage_start": "2026-12", "coverage_end": "2026-07"},
            {"coverage_start": "2026-13"},
            {"min_age": 70},
            {"budget_idr": -1},
            {"budget_idr": 10**20},
            {"funding_source": "LOTTERY"},
            {"declared_income_idr": 999_999},
            {"unexpected": True},
        ],
    )
    async def test_invalid_programmes_are_422(
        self, client: httpx.AsyncClient, change: dict[str, object]
    ) -> None:
        response = await client.post(
            "/v1/programs", json=program_body(**change), headers=auth(**PEMDA_3514)
        )
        assert_problem(response, 422, "VALIDATION_FAILED")

    async def test_idempotency_key_replays_and_refuses_another_body(
        self, client: httpx.AsyncClient
    ) -> None:
        headers = auth(**PEMDA_3514) | {"Idempotency-Key": "prog-1"}
        first = await client.post("/v1/programs", json=program_body(), headers=headers)
        again = await client.post("/v1/programs", json=program_body(), headers=headers)
        assert first.status_code == again.status_code == 201
        assert first.json()["id"] == again.json()["id"]
        listed = await client.get("/v1/programs", headers=auth(**PEMDA_3514))
        assert len(listed.json()["items"]) == 1
        other = await client.post("/v1/programs", json=program_body(name="Lain"), headers=headers)
        assert_problem(other, 409, "IDEMPOTENCY_KEY_REUSED")


class TestReadPrograms:
    async def test_another_regions_pemda_gets_404(self, client: httpx.AsyncClient) -> None:
        program = await create_program(client)
        response = await client.get(f"/v1/programs/{program['id']}", headers=auth(**PEMDA_3575))
        assert_problem(response, 404, "PROGRAM_NOT_FOUND")

    async def test_a_missing_programme_is_the_same_404(self, client: httpx.AsyncClient) -> None:
        response = await client.get(
            "/v1/programs/01890000-0000-7000-8000-000000000000", headers=auth(**PEMDA_3575)
        )
        assert_problem(response, 404, "PROGRAM_NOT_FOUND")

    async def test_lists_show_only_the_callers_region(self, client: httpx.AsyncClient) -> None:
        await create_program(client, "3514")
        await create_program(client, "3575")
        mine = (await client.get("/v1/programs", headers=auth(**PEMDA_3514))).json()["items"]
        assert [p["region_code"] for p in mine] == ["3514"]
        branch = auth("bpjs", regions=["3514", "3575"])
        both = (await client.get("/v1/programs", headers=branch)).json()["items"]
        assert sorted(p["region_code"] for p in both) == ["3514", "3575"]
        far = (await client.get("/v1/programs", headers=auth("bpjs", regions=["6409"]))).json()
        assert far["items"] == []

    async def test_a_malformed_id_is_422(self, client: httpx.AsyncClient) -> None:
        assert_problem(await client.get("/v1/programs/nope", headers=auth(**PEMDA_3514)), 422)


class TestUpdateProgram:
    async def test_budget_revision_and_closing_are_audited(self, client: httpx.AsyncClient) -> None:
        program = await create_program(client)
        url = f"/v1/programs/{program['id']}"
        raised = await client.patch(
            url, json={"budget_idr": 3_000_000_000}, headers=auth(**PEMDA_3514)
        )
        assert raised.json()["budget"]["budget_idr"] == 3_000_000_000
        closed = await client.patch(url, json={"status": "closed"}, headers=auth(**PEMDA_3514))
        assert closed.json()["status"] == "closed"
        events = (
            await client.get(
                "/v1/audit-events", params={"entity_id": program["id"]}, headers=auth(**PEMDA_3514)
            )
        ).json()["items"]
        assert [e["action"] for e in events] == [
            "program.create",
            "program.revise_budget",
            "program.close",
        ]

    @pytest.mark.parametrize("field", ["name", "budget_idr", "target_workers", "status"])
    async def test_null_for_a_value_the_programme_must_have_is_422_naming_it(
        self, client: httpx.AsyncClient, field: str
    ) -> None:
        program = await create_program(client)
        response = await client.patch(
            f"/v1/programs/{program['id']}", json={field: None}, headers=auth(**PEMDA_3514)
        )
        body = assert_problem(response, 422, "VALIDATION_FAILED")
        assert [e["loc"] for e in body["errors"]] == [["body", field]]

    @pytest.mark.parametrize(
        ("field", "value"), [("max_workers", True), ("target_workers", "5"), ("budget_idr", 1.5)]
    )
    async def test_a_count_or_an_amount_is_a_json_integer(
        self, client: httpx.AsyncClient, field: str, value: object
    ) -> None:
        # Lax pydantic would read `true` as 1 and "5" as 5.
        program = await create_program(client)
        response = await client.patch(
            f"/v1/programs/{program['id']}", json={field: value}, headers=auth(**PEMDA_3514)
        )
        body = assert_problem(response, 422, "VALIDATION_FAILED")
        assert [e["loc"] for e in body["errors"]] == [["body", field]]
        created = await client.post(
            "/v1/programs", json=program_body(**{field: value}), headers=auth(**PEMDA_3514)
        )
        assert_problem(created, 422, "VALIDATION_FAILED")

    async def test_null_max_workers_removes_the_cap(self, client: httpx.AsyncClient) -> None:
        program = await create_program(client, max_workers=10)
        response = await client.patch(
            f"/v1/programs/{program['id']}", json={"max_workers": None}, headers=auth(**PEMDA_3514)
        )
        assert response.status_code == 200, response.text
        assert response.json()["max_workers"] is None

    async def test_another_region_gets_404(self, client: httpx.AsyncClient) -> None:
        program = await create_program(client)
        response = await client.patch(
            f"/v1/programs/{program['id']}", json={"status": "closed"}, headers=auth(**PEMDA_3575)
        )
        assert_problem(response, 404)

    async def test_bpjs_cannot_revise(self, client: httpx.AsyncClient) -> None:
        program = await create_program(client)
        response = await client.patch(
            f"/v1/programs/{program['id']}",
            json={"status": "closed"},
            headers=auth("bpjs", regions=["3514"]),
        )
        assert_problem(response, 403)
