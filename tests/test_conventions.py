"""HTTP conventions every operation keeps: `Location` on a 201, unknown query parameters
refused."""

import re
import uuid
from typing import Any

import httpx
import pytest

from app.main import app
from tests.billing.helpers import BPJS, active_workers
from tests.claims.test_router import claim_body
from tests.conftest import PEMDA_3514, assert_problem, auth
from tests.factories import program_body, worker

pytestmark = pytest.mark.usefixtures("regions")

PEMDA = auth(**PEMDA_3514)


async def created(client: httpx.AsyncClient, path: str, body: Any, headers: dict[str, str]) -> Any:
    """POST, then read the object back from its `Location` with the same credentials."""
    response = await client.post(path, json=body, headers=headers)
    assert response.status_code == 201, response.text
    location = response.headers["location"]
    read = await client.get(location, headers=headers)
    assert read.status_code == 200, (location, read.text)
    return response.json(), location, read.json()


class TestLocation:
    async def test_every_created_object_can_be_read_back_from_its_location(
        self, client: httpx.AsyncClient
    ) -> None:
        created_paths: set[str] = set()
        year = {"coverage_start": "2026-01", "coverage_end": "2026-12"}
        program, location, read = await created(client, "/v1/programs", program_body(**year), PEMDA)
        assert location == f"/v1/programs/{program['id']}" and read["id"] == program["id"]
        created_paths.add("/v1/programs")

        enrolment, location, read = await created(
            client,
            f"/v1/programs/{program['id']}/enrolments",
            {"worker": worker(500), "start_month": "2026-01"},
            PEMDA,
        )
        assert location == f"/v1/enrolments/{enrolment['id']}" and read["id"] == enrolment["id"]
        created_paths.add("/v1/programs/{program_id}/enrolments")

        _, location, read = await created(
            client,
            "/v1/regions",
            {"code": "1101", "name": "Kabupaten Simeulue", "kind": "kabupaten", "province": "Aceh"},
            auth("admin"),
        )
        assert location == "/v1/regions/1101" and read["code"] == "1101"
        created_paths.add("/v1/regions")

        billed, _ = await active_workers(client, 1)
        invoice, location, read = await created(
            client,
            f"/v1/programs/{billed['id']}/invoices",
            {"from_month": "2026-01", "to_month": "2026-01"},
            BPJS,
        )
        assert location == f"/v1/invoices/{invoice['id']}" and read["id"] == invoice["id"]
        created_paths.add("/v1/programs/{program_id}/invoices")

        payment, location, read = await created(
            client,
            f"/v1/invoices/{invoice['id']}/payments",
            {
                "amount_idr": invoice["amount_due_idr"],
                "paid_on": "2026-01-05",
                "reference": "TRF-LOC-1",
            },
            PEMDA,
        )
        assert location == f"/v1/payments/{payment['id']}" and read["id"] == payment["id"]
        created_paths.add("/v1/invoices/{invoice_id}/payments")

        assert (await client.post(f"/v1/payments/{payment['id']}/confirm", headers=BPJS)).is_success
        nik = worker(1)["nik"]  # active_workers enrolled worker(1), now paid for January
        claim, location, read = await created(
            client, "/v1/claims", claim_body(nik, "2026-01-05"), PEMDA
        )
        assert location == f"/v1/claims/{claim['id']}" and read["id"] == claim["id"]
        created_paths.add("/v1/claims")

        # A new 201 operation must be added here, with its read-back.
        answering_201 = {
            path
            for path, operations in app.openapi()["paths"].items()
            for operation in operations.values()
            if "201" in operation["responses"]
        }
        assert answering_201 == created_paths

    async def test_a_replayed_creation_repeats_its_location(
        self, client: httpx.AsyncClient
    ) -> None:
        headers = PEMDA | {"Idempotency-Key": "loc-replay-1"}
        first = await client.post("/v1/programs", json=program_body(), headers=headers)
        again = await client.post("/v1/programs", json=program_body(), headers=headers)
        assert again.headers["idempotent-replayed"] == "true"
        assert again.headers["location"] == first.headers["location"]
        assert first.headers["location"] == f"/v1/programs/{first.json()['id']}"

    def test_the_contract_documents_location_on_every_201(self) -> None:
        operations = [
            operation
            for path in app.openapi()["paths"].values()
            for operation in path.values()
            if "201" in operation.get("responses", {})
        ]
        assert len(operations) == 6
        for operation in operations:
            assert "Location" in operation["responses"]["201"]["headers"], operation["operationId"]


def _get_paths() -> list[str]:
    return [path for path, operations in app.openapi()["paths"].items() if "get" in operations]


def _concrete(path: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: "3514" if m[1] == "code" else str(uuid.uuid4()), path)


class TestUnknownQueryParameters:
    @pytest.mark.parametrize("path", _get_paths())
    async def test_every_get_refuses_a_parameter_it_does_not_declare(
        self, client: httpx.AsyncClient, path: str
    ) -> None:
        response = await client.get(
            _concrete(path), params={"stauts": "active"}, headers=auth("admin")
        )
        body = assert_problem(response, 422, "UNKNOWN_QUERY_PARAMETER")
        assert "stauts" in body["detail"]
        assert body["errors"][0]["loc"] == ["query", "stauts"]

    async def test_the_problem_names_what_is_accepted(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/v1/enrolments?stauts=active&limit=5", headers=PEMDA)
        detail = assert_problem(response, 422, "UNKNOWN_QUERY_PARAMETER")["detail"]
        for accepted in ("status", "limit", "cursor", "program_id", "nik"):
            assert accepted in detail

    async def test_declared_parameters_still_work(self, client: httpx.AsyncClient) -> None:
        response = await client.get(
            "/v1/enrolments", params={"status": "active", "limit": 5}, headers=PEMDA
        )
        assert response.status_code == 200, response.text
