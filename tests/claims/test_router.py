"""Death-benefit claims over HTTP: filing, workflow, benefit, effects (R15–R20)."""

import asyncio
from datetime import date
from typing import Any

import httpx
import pytest

from tests.billing.helpers import BPJS, active_workers, issue, pay_in_full
from tests.conftest import PEMDA_3514, PEMDA_3575, assert_problem, auth
from tests.factories import create_program, worker

pytestmark = pytest.mark.usefixtures("regions")

ALL_DOCUMENTS = [
    "akta_kematian",
    "ktp_member",
    "kk_member",
    "ktp_heir",
    "surat_keterangan_ahli_waris",
    "buku_tabungan",
    "buku_nikah",
    "kartu_kpj",
    "surat_pengantar_disnaker",
]


def claim_body(nik: str, died: str, cause: str = "illness", **extra: Any) -> dict[str, Any]:
    return {
        "nik": nik,
        "date_of_death": died,
        "cause_of_death": cause,
        "death_certificate_number": "AKT-3514-2026-000123",
        "claimant": {
            "nik": "3514014506850002",
            "full_name": "Siti Aminah",
            "relationship": "spouse",
            "bank_name": "Bank Jatim",
            "bank_account_number": "0012345678",
        },
        "documents": ALL_DOCUMENTS,
    } | extra


async def file(
    client: httpx.AsyncClient, body: dict[str, Any], headers: dict[str, str] | None = None
) -> httpx.Response:
    return await client.post("/v1/claims", json=body, headers=headers or auth(**PEMDA_3514))


async def step(
    client: httpx.AsyncClient,
    claim_id: str,
    action: str,
    body: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    return await client.post(
        f"/v1/claims/{claim_id}/{action}", json=body or {}, headers=headers or BPJS
    )


async def member_paid_through(
    client: httpx.AsyncClient,
    frozen_today: Any,
    *,
    start: str,
    today: date,
    serial: int = 1,
    paid_to: str = "2026-12",
) -> tuple[dict[str, Any], str]:
    """A member enrolled from `start` to December, invoiced and paid to `paid_to`, on `today`."""
    frozen_today(date(int(start[:4]), int(start[5:]), 1))
    program, _ = await active_workers(
        client, serial, start_month=start, coverage_start=start, coverage_end="2026-12"
    )
    invoice = (await issue(client, program["id"], start, paid_to)).json()
    await pay_in_full(client, invoice)
    frozen_today(today)
    return program, worker(serial)["nik"]


async def approved(client: httpx.AsyncClient, claim_id: str) -> dict[str, Any]:
    assert (await step(client, claim_id, "review")).status_code == 200
    response = await step(client, claim_id, "approve")
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


class TestBenefitOnApproval:
    async def test_enrolled_this_month_paid_dies_today_of_illness_gets_10_million(
        self, client: httpx.AsyncClient, frozen_today: Any
    ) -> None:
        _, nik = await member_paid_through(
            client, frozen_today, start="2026-07", today=date(2026, 7, 20)
        )
        claim = (await file(client, claim_body(nik, "2026-07-20"))).json()
        benefit = (await approved(client, claim["id"]))["benefit"]
        assert benefit["type"] == "JKM"
        assert (benefit["lump_sum_idr"], benefit["periodic_idr"], benefit["funeral_idr"]) == (
            8_000_000,
            0,
            2_000_000,
        )
        assert benefit["total_idr"] == 10_000_000

    async def test_paid_membership_from_four_months_ago_gets_42_million(
        self, client: httpx.AsyncClient, frozen_today: Any
    ) -> None:
        _, nik = await member_paid_through(
            client, frozen_today, start="2026-03", today=date(2026, 7, 20)
        )
        claim = (await file(client, claim_body(nik, "2026-07-20"))).json()
        benefit = (await approved(client, claim["id"]))["benefit"]
        assert (
            benefit["type"],
            benefit["lump_sum_idr"],
            benefit["periodic_idr"],
            benefit["funeral_idr"],
            benefit["total_idr"],
        ) == ("JKM", 20_000_000, 12_000_000, 10_000_000, 42_000_000)
        assert benefit["scholarships"] == []

    async def test_work_accident_is_jkk_with_scholarships_for_two_children(
        self, client: httpx.AsyncClient, frozen_today: Any
    ) -> None:
        _, nik = await member_paid_through(
            client, frozen_today, start="2026-07", today=date(2026, 7, 20)
        )
        children = [
            {"full_name": "Anak SD", "birth_date": "2017-05-01", "education_level": "sd"},
            {"full_name": "Anak SMA", "birth_date": "2010-02-01", "education_level": "sma"},
        ]
        claim = (
            await file(client, claim_body(nik, "2026-07-20", "work_accident", children=children))
        ).json()
        benefit = (await approved(client, claim["id"]))["benefit"]
        assert benefit["type"] == "JKK"
        assert benefit["lump_sum_idr"] + benefit["periodic_idr"] + benefit["funeral_idr"] == (
            70_000_000
        )
        assert benefit["scholarship_first_year_idr"] == 4_500_000
        assert benefit["total_idr"] == 74_500_000
        assert [(s["child"], s["max_entitlement_idr"]) for s in benefit["scholarships"]] == [
            # 9 years old: 14 payments before the 23rd birthday (6 SD, 3 SMP, 3 SMA, 2 univ).
            ("Anak SD", 6 * 1_500_000 + 3 * 2_000_000 + 3 * 3_000_000 + 2 * 12_000_000),
            # 16 years old: 7 payments (3 SMA, 4 university).
            ("Anak SMA", 3 * 3_000_000 + 4 * 12_000_000),
        ]

    async def test_under_jkm_no_scholarship_before_36_months(
        self, client: httpx.AsyncClient, frozen_today: Any
    ) -> None:
        _, nik = await member_paid_through(
            client, frozen_today, start="2026-01", today=date(2026, 7, 20)
        )
        children = [{"full_name": "Anak", "birth_date": "2017-05-01", "education_level": "sd"}]
        claim = (await file(client, claim_body(nik, "2026-07-20", children=children))).json()
        benefit = (await approved(client, claim["id"]))["benefit"]
        assert (benefit["total_idr"], benefit["scholarships"]) == (42_000_000, [])


class TestFilingRefusals:
    async def test_duplicate_not_covered_future_and_before_registration(
        self, client: httpx.AsyncClient, frozen_today: Any
    ) -> None:
        _, nik = await member_paid_through(
            client, frozen_today, start="2026-07", today=date(2026, 7, 20)
        )
        first = await file(client, claim_body(nik, "2026-07-19"))
        assert first.status_code == 201, first.text
        assert first.json()["status"] == "submitted"
        assert_problem(await file(client, claim_body(nik, "2026-07-19")), 409, "DUPLICATE_CLAIM")
        unknown = await file(client, claim_body("3514011708900999", "2026-07-19"))
        assert_problem(unknown, 422, "NOT_COVERED")
        future = await file(client, claim_body(worker(2)["nik"], "2026-07-21"))
        assert_problem(future, 422, "DEATH_DATE_IN_FUTURE")

    async def test_death_before_registration_is_not_covered(
        self, client: httpx.AsyncClient, frozen_today: Any
    ) -> None:
        frozen_today(date(2026, 7, 20))
        await active_workers(client, 1, start_month="2026-07", coverage_start="2026-07")
        # Backdated to July, registered on 20 July: a death on 10 July was never covered.
        response = await file(client, claim_body(worker(1)["nik"], "2026-07-10"))
        assert_problem(response, 422, "NOT_COVERED")

    async def test_a_rejected_claim_frees_the_nik_for_a_new_one(
        self, client: httpx.AsyncClient, frozen_today: Any
    ) -> None:
        _, nik = await member_paid_through(
            client, frozen_today, start="2026-07", today=date(2026, 7, 20)
        )
        claim = (await file(client, claim_body(nik, "2026-07-19"))).json()
        rejected = await step(
            client,
            claim["id"],
            "reject",
            {"reason_code": "WRONG_HEIR", "detail": "Ahli waris keliru"},
        )
        assert rejected.json()["status"] == "rejected"
        assert (await file(client, claim_body(nik, "2026-07-19"))).status_code == 201

    async def test_an_unpaid_month_of_death_blocks_approval_not_filing(
        self, client: httpx.AsyncClient, frozen_today: Any
    ) -> None:
        frozen_today(date(2026, 7, 5))
        await active_workers(client, 1, start_month="2026-07", coverage_start="2026-07")
        frozen_today(date(2026, 7, 10))
        claim = await file(client, claim_body(worker(1)["nik"], "2026-07-09"))
        assert claim.status_code == 201
        await step(client, claim.json()["id"], "review")
        refused = await step(client, claim.json()["id"], "approve")
        assert_problem(refused, 409, "CONTRIBUTION_UNPAID")

    async def test_bad_input_is_422(self, client: httpx.AsyncClient) -> None:
        for bad in (
            {"nik": "123"},
            {"cause_of_death": "old_age"},
            {"date_of_death": "kemarin"},
            {"claimant": {"nik": "1"}},
        ):
            body = claim_body("3514011708900001", "2026-07-19") | bad
            assert_problem(await file(client, body), 422, "VALIDATION_FAILED")


class TestWorkflow:
    async def test_every_step_is_recorded_and_guarded(
        self, client: httpx.AsyncClient, frozen_today: Any
    ) -> None:
        _, nik = await member_paid_through(
            client, frozen_today, start="2026-03", today=date(2026, 7, 20)
        )
        body = claim_body(nik, "2026-07-20", documents=["akta_kematian", "ktp_member"])
        claim = (await file(client, body)).json()
        assert "buku_nikah" in claim["missing_documents"]
        assert claim["documents_complete_on"] is None
        early = await step(client, claim["id"], "approve")
        assert assert_problem(early, 409, "INVALID_STATE")["current_status"] == "submitted"
        await step(client, claim["id"], "review")
        asked = await step(
            client, claim["id"], "request-documents", {"note": "Mohon lengkapi KK dan buku nikah"}
        )
        assert asked.json()["status"] == "documents_requested"
        assert_problem(await step(client, claim["id"], "approve"), 409)
        handed = await step(
            client,
            claim["id"],
            "documents",
            {"documents": ALL_DOCUMENTS},
            headers=auth(**PEMDA_3514),
        )
        assert handed.json()["status"] == "under_review"
        assert handed.json()["missing_documents"] == []
        assert handed.json()["documents_complete_on"] is not None
        await step(client, claim["id"], "approve")
        frozen_today(date(2026, 7, 23))
        paid = await step(
            client, claim["id"], "pay", {"reference": "SP2D-0001", "paid_on": "2026-07-23"}
        )
        assert paid.status_code == 200, paid.text
        final = paid.json()
        assert final["status"] == "paid"
        assert [(e["from_status"], e["to_status"]) for e in final["history"]] == [
            (None, "submitted"),
            ("submitted", "under_review"),
            ("under_review", "documents_requested"),
            ("documents_requested", "under_review"),
            ("under_review", "approved"),
            ("approved", "paid"),
        ]
        assert {e["role"] for e in final["history"][1:]} <= {"bpjs", "pemda"}
        assert final["working_days_to_payment"] is not None
        listed = (await client.get("/v1/claims", headers=auth(**PEMDA_3514))).json()["items"]
        assert [len(c["history"]) for c in listed] == [6]
        assert_problem(
            await step(client, claim["id"], "reject", {"reason_code": "LATE", "detail": "x"}), 409
        )

    async def test_pemda_cannot_decide_or_pay_and_other_regions_see_404(
        self, client: httpx.AsyncClient, frozen_today: Any
    ) -> None:
        _, nik = await member_paid_through(
            client, frozen_today, start="2026-07", today=date(2026, 7, 20)
        )
        claim = (await file(client, claim_body(nik, "2026-07-19"))).json()
        pemda = auth(**PEMDA_3514)
        for action, body in (
            ("review", {}),
            ("approve", {}),
            ("reject", {"reason_code": "X_Y", "detail": "x"}),
            ("pay", {"reference": "R", "paid_on": "2026-07-20"}),
        ):
            assert_problem(await step(client, claim["id"], action, body, headers=pemda), 403)
        other = auth(**PEMDA_3575)
        assert_problem(
            await client.get(f"/v1/claims/{claim['id']}", headers=other), 404, "CLAIM_NOT_FOUND"
        )
        assert_problem(
            await step(client, claim["id"], "documents", {"documents": ["kk_heir"]}, headers=other),
            404,
        )
        assert (await client.get("/v1/claims", headers=other)).json()["items"] == []
        assert_problem(await client.get(f"/v1/claims/{claim['id']}"), 401)

    async def test_two_officers_approving_at_once_give_one_approval(
        self, client: httpx.AsyncClient, frozen_today: Any
    ) -> None:
        _, nik = await member_paid_through(
            client, frozen_today, start="2026-03", today=date(2026, 7, 20)
        )
        claim = (await file(client, claim_body(nik, "2026-07-20"))).json()
        await step(client, claim["id"], "review")
        officers = [auth("bpjs", regions=["3514"], sub=f"officer-{i}") for i in range(2)]
        responses = await asyncio.gather(
            *[step(client, claim["id"], "approve", headers=h) for h in officers]
        )
        assert sorted(r.status_code for r in responses) == [200, 409]


class TestApprovalEffects:
    async def test_deceased_everywhere_and_later_months_released(
        self, client: httpx.AsyncClient, frozen_today: Any
    ) -> None:
        program, nik = await member_paid_through(
            client, frozen_today, start="2026-03", today=date(2026, 7, 20), paid_to="2026-07"
        )
        before = (
            await client.get(f"/v1/programs/{program['id']}", headers=auth(**PEMDA_3514))
        ).json()["budget"]
        claim = (await file(client, claim_body(nik, "2026-07-20"))).json()
        await approved(client, claim["id"])
        after = (
            await client.get(f"/v1/programs/{program['id']}", headers=auth(**PEMDA_3514))
        ).json()["budget"]
        # August–December were never billed: their money returns to the budget.
        assert before["committed_idr"] - after["committed_idr"] == 5 * 16_800
        enrolment = (await client.get("/v1/enrolments", headers=auth(**PEMDA_3514))).json()
        assert (
            enrolment["items"][0]["status"],
            enrolment["items"][0]["end_month"],
            enrolment["items"][0]["termination_reason"],
        ) == ("terminated", "2026-07", "deceased")
        status = await client.get("/v1/coverage", params={"nik": nik}, headers=auth("service"))
        assert status.json()["status"] == "deceased"
        own = await client.get("/v1/coverage", params={"nik": nik}, headers=auth(**PEMDA_3514))
        assert own.json()["status"] == "deceased"
        # Another region learns nothing of a death it holds no enrolment for.
        other = await client.get("/v1/coverage", params={"nik": nik}, headers=auth(**PEMDA_3575))
        assert (other.json()["status"], other.json()["region_code"]) == ("not_covered", None)
        kota = await create_program(client, "3575", coverage_start="2026-08")
        again = await client.post(
            f"/v1/programs/{kota['id']}/enrolments",
            json={"worker": worker(1) | {"domicile_region_code": "3575"}},
            headers=auth(**PEMDA_3575),
        )
        assert [r["code"] for r in assert_problem(again, 422)["reasons"]] == ["DECEASED"]
        events = (
            await client.get(
                "/v1/audit-events", params={"entity_type": "claim"}, headers=auth(**PEMDA_3514)
            )
        ).json()["items"]
        assert [e["action"] for e in events] == [
            "claim.submitted",
            "claim.under_review",
            "claim.approved",
        ]
        assert nik not in str(events)


class TestApprovalEffectsOnOtherEnrolments:
    async def test_a_later_programmes_enrolment_is_withdrawn_and_its_money_returned(
        self, client: httpx.AsyncClient, frozen_today: Any
    ) -> None:
        _program, nik = await member_paid_through(
            client, frozen_today, start="2026-03", today=date(2026, 7, 20)
        )
        next_year = await create_program(
            client, fiscal_year=2027, coverage_start="2027-01", coverage_end="2027-12"
        )
        later = await client.post(
            f"/v1/programs/{next_year['id']}/enrolments",
            json={"worker": worker(1), "start_month": "2027-01"},
            headers=auth(**PEMDA_3514),
        )
        assert later.status_code == 201, later.text
        claim = (await file(client, claim_body(nik, "2026-07-20"))).json()
        await approved(client, claim["id"])
        withdrawn = (
            await client.get(f"/v1/enrolments/{later.json()['id']}", headers=auth(**PEMDA_3514))
        ).json()
        assert withdrawn["status"] == "rejected"
        budget = (
            await client.get(f"/v1/programs/{next_year['id']}", headers=auth(**PEMDA_3514))
        ).json()
        assert (budget["budget"]["committed_idr"], budget["enrolled_workers"]) == (0, 0)

    async def test_a_member_already_terminated_is_not_counted_out_twice(
        self, client: httpx.AsyncClient, frozen_today: Any
    ) -> None:
        program, nik = await member_paid_through(
            client, frozen_today, start="2026-03", today=date(2026, 7, 20), paid_to="2026-07"
        )
        enrolment = (await client.get("/v1/enrolments", headers=auth(**PEMDA_3514))).json()
        moved = await client.post(
            f"/v1/enrolments/{enrolment['items'][0]['id']}/terminate",
            json={"reason": "moved_out", "last_month": "2026-08"},
            headers=auth(**PEMDA_3514),
        )
        assert moved.status_code == 200, moved.text
        claim = (await file(client, claim_body(nik, "2026-07-20"))).json()
        await approved(client, claim["id"])
        after = (
            await client.get(f"/v1/programs/{program['id']}", headers=auth(**PEMDA_3514))
        ).json()
        assert after["enrolled_workers"] == 0
        assert after["budget"]["committed_idr"] == 5 * 16_800  # March–July
