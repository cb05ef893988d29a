"""Whole programme years replayed with the business date (issue 8): registration, payments on
time and late, death, claim and renewal, checked in rupiah against DESIGN.md R4, R9, R10,
R15-R17, R19, R22 and R23."""

from datetime import date
from typing import Any

import httpx
import pytest

from tests.billing.helpers import BPJS, issue, pay_in_full
from tests.claims.test_router import claim_body, file, step
from tests.conftest import PEMDA_3514, assert_problem, auth
from tests.factories import create_program, worker

pytestmark = pytest.mark.usefixtures("regions")
PEMDA = auth(**PEMDA_3514)


async def enrol(
    client: httpx.AsyncClient, program: dict[str, Any], serial: int, **body: Any
) -> dict[str, Any]:
    response = await client.post(
        f"/v1/programs/{program['id']}/enrolments",
        json={"worker": worker(serial)} | body,
        headers=PEMDA,
    )
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def activate(
    client: httpx.AsyncClient, enrolment: dict[str, Any], kpj: str | None = None
) -> httpx.Response:
    return await client.post(
        f"/v1/enrolments/{enrolment['id']}/activate",
        json={"kpj_number": kpj} if kpj else {},
        headers=BPJS,
    )


async def member(
    client: httpx.AsyncClient,
    frozen_today: Any,
    *,
    registered: date,
    serial: int = 1,
    program: dict[str, Any] | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A 2026 programme (or the one given) and an active member registered on `registered`."""
    frozen_today(registered)
    program = program or await create_program(
        client, coverage_start="2026-01", coverage_end="2026-12"
    )
    enrolment = await enrol(client, program, serial)
    assert (await activate(client, enrolment)).status_code == 200
    return program, enrolment


async def approve(client: httpx.AsyncClient, claim_id: str) -> httpx.Response:
    assert (await step(client, claim_id, "review")).status_code == 200
    return await step(client, claim_id, "approve")


async def budget(client: httpx.AsyncClient, program: dict[str, Any]) -> dict[str, Any]:
    found = await client.get(f"/v1/programs/{program['id']}", headers=PEMDA)
    result: dict[str, Any] = found.json()["budget"]
    return result


class TestThreeMonthRule:
    @pytest.mark.parametrize(
        ("died", "total"), [(date(2026, 8, 19), 10_000_000), (date(2026, 8, 20), 42_000_000)]
    )
    async def test_registered_20_may(
        self, client: httpx.AsyncClient, frozen_today: Any, died: date, total: int
    ) -> None:
        """R17/R21: membership from the registration day; 42 M from 20 August on."""
        program, enrolment = await member(client, frozen_today, registered=date(2026, 5, 20))
        assert enrolment["start_month"] == "2026-05"  # R9: never backdated
        invoice = (await issue(client, program["id"], "2026-05", "2026-12")).json()
        await pay_in_full(client, invoice)
        frozen_today(died)
        claim = (await file(client, claim_body(worker(1)["nik"], died.isoformat()))).json()
        approved = await approve(client, claim["id"])
        assert approved.status_code == 200, approved.text
        assert approved.json()["benefit"]["total_idr"] == total


class TestLapse:
    async def test_4_months_unpaid_lapse_and_paying_the_month_of_death_revives_nothing(
        self, client: httpx.AsyncClient, frozen_today: Any
    ) -> None:
        program, _ = await member(client, frozen_today, registered=date(2026, 1, 1))
        await pay_in_full(client, (await issue(client, program["id"], "2026-01", "2026-01")).json())
        frozen_today(date(2026, 5, 20))  # February-May unpaid past due: lapsed on 16 May
        nik = worker(1)["nik"]
        seen = await client.get("/v1/coverage", params={"nik": nik}, headers=auth("service"))
        assert seen.json()["status"] == "lapsed"
        claim = (await file(client, claim_body(nik, "2026-05-20"))).json()
        assert claim["status"] == "submitted"  # an unpaid month does not stop the filing
        may = (await issue(client, program["id"], "2026-05", "2026-05")).json()
        frozen_today(date(2026, 5, 25))
        await pay_in_full(client, may, reference="TRF-MAY")
        refused = await approve(client, claim["id"])
        problem = assert_problem(refused, 409, "MEMBERSHIP_LAPSED")
        assert "4" in problem["detail"]
        assert (await client.get(f"/v1/claims/{claim['id']}", headers=BPJS)).json()[
            "status"
        ] == "under_review"

    async def test_in_arrears_with_the_month_of_death_paid_is_still_paid(
        self, client: httpx.AsyncClient, frozen_today: Any
    ) -> None:
        program, _ = await member(client, frozen_today, registered=date(2026, 1, 1))
        await pay_in_full(client, (await issue(client, program["id"], "2026-01", "2026-01")).json())
        frozen_today(date(2026, 5, 15))  # February-April unpaid past due, May due today
        nik = worker(1)["nik"]
        claim = (await file(client, claim_body(nik, "2026-05-15"))).json()
        unpaid = await approve(client, claim["id"])
        assert_problem(unpaid, 409, "CONTRIBUTION_UNPAID")
        await pay_in_full(client, (await issue(client, program["id"], "2026-05", "2026-05")).json())
        approved = await step(client, claim["id"], "approve")
        assert approved.status_code == 200, approved.text
        assert approved.json()["benefit"]["total_idr"] == 42_000_000


class TestDocumentsAndPayment:
    async def test_approval_waits_for_every_document_and_payment_for_the_approval(
        self, client: httpx.AsyncClient, frozen_today: Any
    ) -> None:
        program, _ = await member(client, frozen_today, registered=date(2026, 1, 1))
        await pay_in_full(client, (await issue(client, program["id"], "2026-01", "2026-12")).json())
        frozen_today(date(2026, 6, 10))
        body = claim_body(worker(1)["nik"], "2026-06-09", documents=["akta_kematian"])
        claim = (await file(client, body)).json()
        assert "kartu_kpj" in claim["missing_documents"]
        assert "surat_pengantar_disnaker" in claim["missing_documents"]
        refused = await approve(client, claim["id"])
        problem = assert_problem(refused, 409, "DOCUMENTS_INCOMPLETE")
        assert problem["missing_documents"] == claim["missing_documents"]
        frozen_today(date(2026, 6, 12))
        handed = await client.post(
            f"/v1/claims/{claim['id']}/documents",
            json={"documents": claim["missing_documents"]},
            headers=PEMDA,
        )
        assert handed.json()["documents_complete_on"] == "2026-06-12"
        assert handed.json()["missing_documents"] == []
        approved = await step(client, claim["id"], "approve")
        assert approved.json()["approved_on"] == "2026-06-12"
        early = await step(
            client, claim["id"], "pay", {"reference": "JKM-1", "paid_on": "2026-06-11"}
        )
        assert_problem(early, 422, "PAID_BEFORE_APPROVAL")
        frozen_today(date(2026, 6, 15))
        paid = await step(
            client, claim["id"], "pay", {"reference": "JKM-1", "paid_on": "2026-06-15"}
        )
        assert paid.json()["working_days_to_payment"] == 1


class TestWhoMayClaim:
    @pytest.mark.parametrize(
        ("relationship", "extra", "accepted"),
        [
            (
                "sibling",
                {
                    "children": [
                        {"full_name": "Anak", "birth_date": "2015-01-01", "education_level": "sd"}
                    ]
                },
                False,
            ),
            ("parent", {"family": [{"relationship": "spouse", "full_name": "Istri"}]}, False),
            ("sibling", {"family": [{"relationship": "sibling", "full_name": "Adik"}]}, True),
            ("parent", {"family": [{"relationship": "sibling", "full_name": "Adik"}]}, True),
            ("child", {"family": [{"relationship": "spouse", "full_name": "Istri"}]}, True),
        ],
    )
    async def test_the_first_heir_group_with_a_living_member_claims(
        self,
        client: httpx.AsyncClient,
        frozen_today: Any,
        relationship: str,
        extra: dict[str, Any],
        accepted: bool,
    ) -> None:
        await member(client, frozen_today, registered=date(2026, 1, 1))
        frozen_today(date(2026, 3, 1))
        body = claim_body(worker(1)["nik"], "2026-02-27", **extra)
        body["claimant"]["relationship"] = relationship
        response = await file(client, body)
        if accepted:
            assert response.status_code == 201, response.text
        else:
            problem = assert_problem(response, 422, "HEIR_NOT_ENTITLED")
            assert "spouse and children" in problem["detail"]


class TestWorkAccidentClaimExpires:
    @pytest.mark.parametrize(
        ("filed", "expired"), [(date(2026, 6, 10), False), (date(2026, 6, 11), True)]
    )
    async def test_five_years_after_the_death(
        self, client: httpx.AsyncClient, frozen_today: Any, filed: date, expired: bool
    ) -> None:
        frozen_today(date(2021, 1, 4))
        program = await create_program(
            client, fiscal_year=2021, coverage_start="2021-01", coverage_end="2021-12"
        )
        await member(client, frozen_today, registered=date(2021, 1, 4), program=program)
        frozen_today(filed)
        body = claim_body(worker(1)["nik"], "2021-06-10", "work_accident")
        response = await file(client, body)
        if expired:
            assert "2026-06-10" in assert_problem(response, 422, "CLAIM_EXPIRED")["detail"]
        else:
            assert response.status_code == 201, response.text
            natural = await file(client, claim_body(worker(1)["nik"], "2021-06-10"))
            assert_problem(natural, 409, "DUPLICATE_CLAIM")  # JKM has no limit


class TestMembershipNumber:
    async def test_the_kpj_stays_with_the_person_across_years(
        self, client: httpx.AsyncClient, frozen_today: Any
    ) -> None:
        _, first = await member(client, frozen_today, registered=date(2026, 1, 1))
        kpj = (await client.get(f"/v1/enrolments/{first['id']}", headers=PEMDA)).json()[
            "kpj_number"
        ]
        frozen_today(date(2026, 12, 20))
        next_year = await create_program(
            client, fiscal_year=2027, coverage_start="2027-01", coverage_end="2027-12"
        )
        renewal = await enrol(client, next_year, 1, start_month="2027-01")
        other = await enrol(client, next_year, 2)
        assert_problem(await activate(client, renewal, "12345678901"), 409, "KPJ_MISMATCH")
        assert_problem(await activate(client, other, kpj), 409, "KPJ_TAKEN")
        reused = await activate(client, renewal)
        assert reused.json()["kpj_number"] == kpj
        bulk = await client.post(
            f"/v1/programs/{next_year['id']}/enrolments/activate", json={}, headers=BPJS
        )
        assert bulk.json()["activated"] == 1
        second = (await client.get(f"/v1/enrolments/{other['id']}", headers=PEMDA)).json()
        assert second["kpj_number"] not in (None, kpj)

    async def test_bulk_activation_reuses_the_persons_kpj(
        self, client: httpx.AsyncClient, frozen_today: Any
    ) -> None:
        _, first = await member(client, frozen_today, registered=date(2026, 1, 1))
        kpj = (await activate(client, first)).json()
        frozen_today(date(2026, 12, 1))
        next_year = await create_program(
            client, fiscal_year=2027, coverage_start="2027-01", coverage_end="2027-12"
        )
        renewal = await enrol(client, next_year, 1)
        await client.post(
            f"/v1/programs/{next_year['id']}/enrolments/activate", json={}, headers=BPJS
        )
        got = (await client.get(f"/v1/enrolments/{renewal['id']}", headers=PEMDA)).json()
        earlier = (await client.get(f"/v1/enrolments/{first['id']}", headers=PEMDA)).json()
        assert got["kpj_number"] == earlier["kpj_number"]
        assert kpj["code"] == "INVALID_STATE"  # activating twice is refused


class TestCreditsAfterDeath:
    async def test_twelve_months_paid_and_a_death_on_10_march(
        self, client: httpx.AsyncClient, frozen_today: Any
    ) -> None:
        """DESIGN R23: April-December = 9 x Rp 16,800 = Rp 151,200 back to the programme."""
        program, _ = await member(client, frozen_today, registered=date(2026, 1, 1))
        await pay_in_full(client, (await issue(client, program["id"], "2026-01", "2026-12")).json())
        frozen_today(date(2026, 3, 12))
        claim = (await file(client, claim_body(worker(1)["nik"], "2026-03-10"))).json()
        assert (await approve(client, claim["id"])).status_code == 200
        [note] = (await client.get("/v1/credit-notes", headers=PEMDA)).json()["items"]
        assert (note["from_month"], note["to_month"], note["amount_idr"]) == (
            "2026-04",
            "2026-12",
            151_200,
        )
        figures = await budget(client, program)
        assert (figures["committed_idr"], figures["credit_balance_idr"]) == (3 * 16_800, 151_200)

    async def test_unpaid_months_are_credited_against_their_invoice(
        self, client: httpx.AsyncClient, frozen_today: Any
    ) -> None:
        program, _ = await member(client, frozen_today, registered=date(2026, 1, 1))
        await pay_in_full(client, (await issue(client, program["id"], "2026-01", "2026-06")).json())
        later = (await issue(client, program["id"], "2026-07", "2026-12")).json()
        frozen_today(date(2026, 3, 12))
        claim = (await file(client, claim_body(worker(1)["nik"], "2026-03-10"))).json()
        assert (await approve(client, claim["id"])).status_code == 200
        [note] = (await client.get("/v1/credit-notes", headers=PEMDA)).json()["items"]
        assert note["amount_idr"] == 3 * 16_800  # April-June were paid
        credited = (await client.get(f"/v1/invoices/{later['id']}", headers=PEMDA)).json()
        assert (credited["credited_idr"], credited["amount_due_idr"]) == (6 * 16_800, 0)
        assert credited["status"] == "paid"  # nothing left to pay on it
        lines = (await client.get(f"/v1/invoices/{later['id']}/lines", headers=PEMDA)).json()[
            "items"
        ]
        assert all(line["credited"] for line in lines)
        exported = await client.get(
            f"/v1/invoices/{later['id']}/lines", headers=PEMDA | {"Accept": "text/csv"}
        )
        rows = exported.text.strip().splitlines()
        assert rows[0].endswith(",credited") and all(r.endswith(",true") for r in rows[1:])
        figures = await budget(client, program)
        assert figures["invoiced_idr"] == 6 * 16_800
        assert figures["outstanding_idr"] == 0
