"""Invoices, payments and coverage over HTTP (R12–R14, DESIGN.md §4)."""

import asyncio
import csv
import io
from datetime import date
from typing import Any

import httpx
import pytest

from tests.billing.helpers import BPJS, active_workers, issue, pay_in_full
from tests.conftest import PEMDA_3514, PEMDA_3575, assert_problem, auth
from tests.factories import worker

pytestmark = pytest.mark.usefixtures("regions")


@pytest.fixture(autouse=True)
def early_january(frozen_today: Any) -> None:
    frozen_today(date(2026, 1, 1))


async def coverage(client: httpx.AsyncClient, nik: str, on: str | None = None) -> dict[str, Any]:
    params = {"nik": nik} | ({"on": on} if on else {})
    response = await client.get("/v1/coverage", params=params, headers=auth("service"))
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


class TestIssueInvoice:
    async def test_ten_workers_for_2026_bill_rp_2_016_000_once(
        self, client: httpx.AsyncClient
    ) -> None:
        program, enrolments = await active_workers(client, 10)
        response = await issue(client, program["id"], "2026-01", "2026-12")
        assert response.status_code == 201, response.text
        invoice = response.json()
        assert (invoice["status"], invoice["total_idr"], invoice["line_count"]) == (
            "issued",
            2_016_000,
            120,
        )
        assert invoice["due_on"] == "2026-01-15"
        assert invoice["overdue"] is False
        again = await issue(client, program["id"], "2026-01", "2026-12")
        assert_problem(again, 409, "NOTHING_TO_BILL")

        await pay_in_full(client, invoice)
        paid = (await client.get(f"/v1/invoices/{invoice['id']}", headers=BPJS)).json()
        assert (paid["status"], paid["paid_idr"], paid["outstanding_idr"]) == ("paid", 2_016_000, 0)
        nik = worker(1)["nik"]
        today = await coverage(client, nik)
        assert (today["status"], today["covered"]) == ("covered", True)
        assert today["paid_through"] == "2026-12"
        assert today["nik_masked"] == "*" * 12 + nik[-4:]
        assert len(today["kpj_number"]) == 11
        assert nik not in str(today)
        before = await coverage(client, nik, "2025-12-31")
        assert (before["status"], before["covered"]) == ("not_covered", False)
        shown = (
            await client.get(f"/v1/enrolments/{enrolments[0]['id']}", headers=auth(**PEMDA_3514))
        ).json()["coverage"]
        assert shown == {"status": "covered", "covered": True, "paid_through": "2026-12"}
        figures = (
            await client.get(f"/v1/programs/{program['id']}", headers=auth(**PEMDA_3514))
        ).json()["budget"]
        assert (figures["invoiced_idr"], figures["paid_idr"], figures["outstanding_idr"]) == (
            2_016_000,
            2_016_000,
            0,
        )

    async def test_pending_enrolments_and_months_outside_the_range_are_not_billed(
        self, client: httpx.AsyncClient
    ) -> None:
        program, _ = await active_workers(client, 2)
        pending = await client.post(
            f"/v1/programs/{program['id']}/enrolments",
            json={"worker": worker(9), "start_month": "2026-01"},
            headers=auth(**PEMDA_3514),
        )
        # Not verified by BPJS yet: not covered, whatever is paid.
        assert pending.json()["coverage"] == {
            "status": "not_covered",
            "covered": False,
            "paid_through": None,
        }
        first = (await issue(client, program["id"], "2026-01", "2026-03")).json()
        assert (first["line_count"], first["total_idr"]) == (6, 6 * 16_800)
        rest = (await issue(client, program["id"], "2026-01", "2026-06")).json()
        assert rest["line_count"] == 6  # April–June only: January–March are on a live invoice

    @pytest.mark.parametrize(
        ("source", "occupation", "total"),
        [
            ("CSR", "pedagang", 3 * 16_800 + 9 * 8_400),
            ("CSR", "ojek", 12 * 8_400),
            ("DBHCHT", "ojek", 12 * 16_800),
            ("APBD", "pedagang", 12 * 16_800),
        ],
    )
    async def test_pp_50_2025_discount_applies_only_outside_the_state_budget(
        self, client: httpx.AsyncClient, source: str, occupation: str, total: int
    ) -> None:
        program, _ = await active_workers(
            client, 1, occupations=[occupation], funding_source=source
        )
        invoice = (await issue(client, program["id"], "2026-01", "2026-12")).json()
        assert invoice["total_idr"] == total

    async def test_refusals(self, client: httpx.AsyncClient) -> None:
        program, _ = await active_workers(client, 1)
        url = f"/v1/programs/{program['id']}/invoices"
        body = {"from_month": "2026-01", "to_month": "2026-12"}
        assert_problem(await client.post(url, json=body), 401)
        assert_problem(await client.post(url, json=body, headers=auth(**PEMDA_3514)), 403)
        far = await client.post(url, json=body, headers=auth("bpjs", regions=["6409"]))
        assert_problem(far, 404, "PROGRAM_NOT_FOUND")
        outside = await client.post(
            url, json={"from_month": "2025-12", "to_month": "2026-01"}, headers=BPJS
        )
        assert_problem(outside, 422)
        backwards = await client.post(
            url, json={"from_month": "2026-05", "to_month": "2026-01"}, headers=BPJS
        )
        assert_problem(backwards, 422, "VALIDATION_FAILED")


class TestInvoiceReading:
    async def test_lines_freeze_the_member_as_json_and_csv(self, client: httpx.AsyncClient) -> None:
        program, _ = await active_workers(client, 2)
        invoice = (await issue(client, program["id"], "2026-01", "2026-02")).json()
        url = f"/v1/invoices/{invoice['id']}/lines"
        page = (await client.get(url, params={"limit": 3}, headers=auth(**PEMDA_3514))).json()
        assert len(page["items"]) == 3 and page["next_cursor"]
        assert all(line["nik_masked"].startswith("*") for line in page["items"])
        rest = (
            await client.get(
                url, params={"cursor": page["next_cursor"]}, headers=auth(**PEMDA_3514)
            )
        ).json()
        assert len(rest["items"]) == 1
        exported = await client.get(url, headers=auth(**PEMDA_3514) | {"accept": "text/csv"})
        assert exported.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(exported.text)))
        assert len(rows) == 4
        assert {r["nik"] for r in rows} == {worker(1)["nik"], worker(2)["nik"]}
        assert {r["amount_idr"] for r in rows} == {"16800"}
        # The frozen name does not follow later corrections of the worker.
        workers = (await client.get("/v1/workers", headers=auth(**PEMDA_3514))).json()["items"]
        await client.patch(
            f"/v1/workers/{workers[0]['id']}",
            json={"full_name": "Nama Baru"},
            headers=auth(**PEMDA_3514),
        )
        again = await client.get(url, headers=auth(**PEMDA_3514) | {"accept": "text/csv"})
        assert "Nama Baru" not in again.text

    async def test_a_forged_line_cursor_is_400(self, client: httpx.AsyncClient) -> None:
        from app.pagination import encode_cursor

        program, _ = await active_workers(client, 1)
        invoice = (await issue(client, program["id"], "2026-01", "2026-02")).json()
        for forged in ("9" * 20, "-1", "abc"):
            response = await client.get(
                f"/v1/invoices/{invoice['id']}/lines",
                params={"cursor": encode_cursor(forged)},
                headers=auth(**PEMDA_3514),
            )
            assert_problem(response, 400, "INVALID_CURSOR")

    async def test_another_region_gets_404(self, client: httpx.AsyncClient) -> None:
        program, _ = await active_workers(client, 1)
        invoice = (await issue(client, program["id"], "2026-01", "2026-02")).json()
        for path in ("", "/lines"):
            response = await client.get(
                f"/v1/invoices/{invoice['id']}{path}", headers=auth(**PEMDA_3575)
            )
            assert_problem(response, 404, "INVOICE_NOT_FOUND")
        listed = await client.get("/v1/invoices", headers=auth(**PEMDA_3575))
        assert listed.json()["items"] == []

    async def test_overdue_is_derived_from_the_due_date(
        self, client: httpx.AsyncClient, frozen_today: Any
    ) -> None:
        program, _ = await active_workers(client, 1)
        invoice = (await issue(client, program["id"], "2026-01", "2026-01")).json()
        frozen_today(date(2026, 1, 16))
        again = (await client.get(f"/v1/invoices/{invoice['id']}", headers=BPJS)).json()
        assert again["overdue"] is True

    async def test_due_date_of_late_registrations_is_14_days_after_the_latest_group(
        self, client: httpx.AsyncClient, frozen_today: Any
    ) -> None:
        """Registered on 20 January, January is due 3 February (R3), before February's
        15th: the earliest due date of the invoice."""
        frozen_today(date(2026, 1, 20))
        program, _ = await active_workers(client, 2)
        invoice = (await issue(client, program["id"], "2026-01", "2026-03")).json()
        assert (invoice["line_count"], invoice["due_on"]) == (6, "2026-02-03")

    async def test_due_date_counts_only_the_months_this_invoice_bills(
        self, client: httpx.AsyncClient
    ) -> None:
        """January already billed: the next invoice holds only February and March, due on
        February's 15th, though its programme's enrolments also hold January."""
        program, _ = await active_workers(client, 2)
        first = (await issue(client, program["id"], "2026-01", "2026-01")).json()
        assert first["due_on"] == "2026-01-15"
        second = (await issue(client, program["id"], "2026-01", "2026-03")).json()
        assert (second["line_count"], second["due_on"]) == (4, "2026-02-15")


class TestCancel:
    async def test_cancel_frees_the_months_for_a_new_invoice(
        self, client: httpx.AsyncClient
    ) -> None:
        program, _ = await active_workers(client, 1)
        invoice = (await issue(client, program["id"], "2026-01", "2026-03")).json()
        url = f"/v1/invoices/{invoice['id']}/cancel"
        assert_problem(await client.post(url, headers=auth(**PEMDA_3514)), 403)
        cancelled = await client.post(url, headers=BPJS)
        assert cancelled.json()["status"] == "cancelled"
        assert_problem(await client.post(url, headers=BPJS), 409, "INVALID_STATE")
        reissued = await issue(client, program["id"], "2026-01", "2026-03")
        assert reissued.json()["total_idr"] == 3 * 16_800

    async def test_an_invoice_with_a_confirmed_payment_cannot_be_cancelled(
        self, client: httpx.AsyncClient
    ) -> None:
        program, _ = await active_workers(client, 1)
        invoice = (await issue(client, program["id"], "2026-01", "2026-03")).json()
        reported = await client.post(
            f"/v1/invoices/{invoice['id']}/payments",
            json={"amount_idr": 16_800, "paid_on": "2026-01-01", "reference": "A"},
            headers=auth(**PEMDA_3514),
        )
        await client.post(f"/v1/payments/{reported.json()['id']}/confirm", headers=BPJS)
        refused = await client.post(f"/v1/invoices/{invoice['id']}/cancel", headers=BPJS)
        assert_problem(refused, 409, "PAYMENT_CONFIRMED")


class TestPayments:
    async def test_reporting_rules(self, client: httpx.AsyncClient) -> None:
        program, _ = await active_workers(client, 1)
        invoice = (await issue(client, program["id"], "2026-01", "2026-03")).json()
        url = f"/v1/invoices/{invoice['id']}/payments"
        pemda = auth(**PEMDA_3514)
        too_much = await client.post(
            url,
            json={"amount_idr": 50_401, "paid_on": "2026-01-01", "reference": "X"},
            headers=pemda,
        )
        assert_problem(too_much, 422, "OVERPAYMENT")
        first = await client.post(
            url,
            json={"amount_idr": 20_000, "paid_on": "2026-01-01", "reference": "BANK-1"},
            headers=pemda,
        )
        assert first.status_code == 201 and first.json()["status"] == "reported"
        same_ref = await client.post(
            url,
            json={"amount_idr": 1_000, "paid_on": "2026-01-01", "reference": "BANK-1"},
            headers=pemda,
        )
        assert_problem(same_ref, 409, "DUPLICATE_REFERENCE")
        other = await client.post(
            url,
            json={"amount_idr": 1_000, "paid_on": "2026-01-01", "reference": "BANK-2"},
            headers=auth(**PEMDA_3575),
        )
        assert_problem(other, 404, "INVOICE_NOT_FOUND")
        for bad in (
            {"amount_idr": 0},
            {"amount_idr": -5},
            {"paid_on": "yesterday"},
            {"reference": ""},
        ):
            body = {"amount_idr": 1, "paid_on": "2026-01-01", "reference": "Z"} | bad
            assert_problem(await client.post(url, json=body, headers=pemda), 422)

    async def test_confirmation_is_bpjs_only_and_harmless_twice(
        self, client: httpx.AsyncClient
    ) -> None:
        program, _ = await active_workers(client, 1)
        invoice = (await issue(client, program["id"], "2026-01", "2026-03")).json()
        reported = (
            await client.post(
                f"/v1/invoices/{invoice['id']}/payments",
                json={"amount_idr": 50_400, "paid_on": "2026-01-01", "reference": "R"},
                headers=auth(**PEMDA_3514),
            )
        ).json()
        url = f"/v1/payments/{reported['id']}/confirm"
        assert_problem(await client.post(url, headers=auth(**PEMDA_3514)), 403)
        far = await client.post(url, headers=auth("bpjs", regions=["6409"]))
        assert_problem(far, 404, "PAYMENT_NOT_FOUND")
        first = await client.post(url, headers=BPJS)
        second = await client.post(url, headers=BPJS)
        assert first.json()["status"] == second.json()["status"] == "confirmed"
        paid = (await client.get(f"/v1/invoices/{invoice['id']}", headers=BPJS)).json()
        assert (paid["status"], paid["paid_idr"]) == ("paid", 50_400)
        rejected = await client.post(
            f"/v1/payments/{reported['id']}/reject", json={"reason": "x"}, headers=BPJS
        )
        assert_problem(rejected, 409, "INVALID_STATE")

    async def test_a_rejected_payment_does_not_count(self, client: httpx.AsyncClient) -> None:
        program, _ = await active_workers(client, 1)
        invoice = (await issue(client, program["id"], "2026-01", "2026-01")).json()
        reported = (
            await client.post(
                f"/v1/invoices/{invoice['id']}/payments",
                json={"amount_idr": 16_800, "paid_on": "2026-01-01", "reference": "R"},
                headers=auth(**PEMDA_3514),
            )
        ).json()
        response = await client.post(
            f"/v1/payments/{reported['id']}/reject",
            json={"reason": "Dana belum masuk"},
            headers=BPJS,
        )
        assert response.json()["status"] == "rejected"
        assert_problem(
            await client.post(f"/v1/payments/{reported['id']}/confirm", headers=BPJS), 409
        )
        still = (await client.get(f"/v1/invoices/{invoice['id']}", headers=BPJS)).json()
        assert (still["status"], still["paid_idr"]) == ("issued", 0)

    async def test_20_parallel_confirmations_never_overpay(self, client: httpx.AsyncClient) -> None:
        program, _ = await active_workers(client, 1)
        invoice = (await issue(client, program["id"], "2026-01", "2026-12")).json()
        assert invoice["total_idr"] == 201_600
        ids = []
        for i in range(20):  # 20 × 16,800 = 336,000 reported against 201,600
            reported = await client.post(
                f"/v1/invoices/{invoice['id']}/payments",
                json={"amount_idr": 16_800, "paid_on": "2026-01-01", "reference": f"T{i}"},
                headers=auth(**PEMDA_3514),
            )
            ids.append(reported.json()["id"])
        responses = await asyncio.gather(
            *[client.post(f"/v1/payments/{pid}/confirm", headers=BPJS) for pid in ids]
        )
        codes = sorted(r.status_code for r in responses)
        assert codes == [200] * 12 + [409] * 8, [r.text for r in responses if r.status_code >= 500]
        final = (await client.get(f"/v1/invoices/{invoice['id']}", headers=BPJS)).json()
        assert (final["status"], final["paid_idr"]) == ("paid", 201_600)


class TestTerminationAfterBilling:
    async def test_paid_months_after_the_end_become_a_credit_that_pays_the_next_invoice(
        self, client: httpx.AsyncClient
    ) -> None:
        """R23: 12 months paid up front, terminated after January: 11 months come back as a
        credit note, the money is spent again on a new member, and never twice."""
        program, enrolments = await active_workers(client, 1, budget_idr=201_600)
        invoice = (await issue(client, program["id"], "2026-01", "2026-12")).json()
        await pay_in_full(client, invoice)
        ended = await client.post(
            f"/v1/enrolments/{enrolments[0]['id']}/terminate",
            json={"reason": "moved_out", "last_month": "2026-01"},
            headers=auth(**PEMDA_3514),
        )
        assert ended.status_code == 200, ended.text
        url = f"/v1/programs/{program['id']}"
        budget = (await client.get(url, headers=auth(**PEMDA_3514))).json()["budget"]
        assert (budget["committed_idr"], budget["paid_idr"]) == (16_800, 201_600)
        assert (budget["credited_idr"], budget["credit_balance_idr"]) == (184_800, 184_800)
        assert budget["remaining_idr"] == 184_800
        notes = (await client.get("/v1/credit-notes", headers=auth(**PEMDA_3514))).json()
        [note] = notes["items"]
        assert (note["from_month"], note["to_month"], note["amount_idr"]) == (
            "2026-02",
            "2026-12",
            11 * 16_800,
        )
        # The list is the territory's: another region sees no note, even asking by programme.
        assert_problem(await client.get("/v1/credit-notes"), 401)
        no_scope = auth("pemda", region="3514", scopes=["programs:read"])
        assert_problem(await client.get("/v1/credit-notes", headers=no_scope), 403)
        for params in ({}, {"program_id": program["id"]}):
            elsewhere = await client.get(
                "/v1/credit-notes", params=params, headers=auth(**PEMDA_3575)
            )
            assert (elsewhere.status_code, elsewhere.json()["items"]) == (200, [])
        newcomer = await client.post(
            f"{url}/enrolments",
            json={"worker": worker(2), "start_month": "2026-02"},
            headers=auth(**PEMDA_3514),
        )
        assert newcomer.status_code == 201, newcomer.text
        await client.post(f"{url}/enrolments/activate", json={}, headers=BPJS)
        second = (await issue(client, program["id"], "2026-02", "2026-12")).json()
        assert (second["total_idr"], second["credit_applied_idr"]) == (184_800, 184_800)
        assert (second["amount_due_idr"], second["status"]) == (0, "paid")
        budget = (await client.get(url, headers=auth(**PEMDA_3514))).json()["budget"]
        assert (budget["credit_balance_idr"], budget["remaining_idr"]) == (0, 0)
        assert budget["paid_idr"] == 201_600  # the region paid once for both


class TestCoverageLookup:
    async def test_refusals_and_unknown_niks(self, client: httpx.AsyncClient) -> None:
        assert_problem(await client.get("/v1/coverage", params={"nik": "1"}), 401)
        no_scope = auth("pemda", region="3514", scopes=["programs:read"])
        assert_problem(await client.get("/v1/coverage", params={"nik": "1"}, headers=no_scope), 403)
        unknown = await coverage(client, "3514011708900999")
        assert (unknown["status"], unknown["covered"], unknown["kpj_number"]) == (
            "not_covered",
            False,
            None,
        )
        garbage = await client.get(
            "/v1/coverage", params={"nik": "not-a-nik"}, headers=auth("service")
        )
        assert_problem(garbage, 422, "NIK_INVALID")
        missing = await client.get("/v1/coverage", headers=auth("service"))
        assert_problem(missing, 422)
        bad_day = await client.get(
            "/v1/coverage", params={"nik": "1", "on": "2026-13-01"}, headers=auth("service")
        )
        assert_problem(bad_day, 422)
        epoch = await client.get(
            "/v1/coverage", params={"nik": "1", "on": "0"}, headers=auth("service")
        )
        assert_problem(epoch, 422, "VALIDATION_FAILED")  # not read as 1970-01-01

    async def test_a_branch_sees_only_its_regions(self, client: httpx.AsyncClient) -> None:
        await active_workers(client, 1)
        nik = worker(1)["nik"]
        far = await client.get(
            "/v1/coverage", params={"nik": nik}, headers=auth("bpjs", regions=["6409"])
        )
        assert far.json()["status"] == "not_covered" and far.json()["region_code"] is None
        near = await client.get("/v1/coverage", params={"nik": nik}, headers=BPJS)
        assert near.json()["region_code"] == "3514"


class TestCoverageChecks:
    """POST /v1/coverage-checks: the look-up with the NIK in the body, the same answers."""

    async def test_answers_as_the_get_for_every_caller(self, client: httpx.AsyncClient) -> None:
        await active_workers(client, 1)
        nik = worker(1)["nik"]
        for headers in (auth("service"), BPJS, auth("bpjs", regions=["6409"])):
            for on in (None, "2026-01-20", "2025-06-01"):
                params = {"nik": nik} | ({"on": on} if on else {})
                got = await client.get("/v1/coverage", params=params, headers=headers)
                posted = await client.post("/v1/coverage-checks", json=params, headers=headers)
                assert (posted.status_code, posted.json()) == (200, got.json())
        spelled = await client.post(
            "/v1/coverage-checks", json={"nik": nik[:4] + " " + nik[4:]}, headers=BPJS
        )
        assert spelled.json()["region_code"] == "3514"

    async def test_refusals(self, client: httpx.AsyncClient) -> None:
        url = "/v1/coverage-checks"
        assert_problem(await client.post(url, json={"nik": "1"}), 401)
        no_scope = auth("pemda", region="3514", scopes=["programs:read"])
        assert_problem(await client.post(url, json={"nik": "1"}, headers=no_scope), 403)
        service = auth("service")
        assert_problem(
            await client.post(url, json={"nik": "x"}, headers=service), 422, "NIK_INVALID"
        )
        assert_problem(await client.post(url, json={}, headers=service), 422)
        extra = await client.post(url, json={"nik": "1", "name": "Siti"}, headers=service)
        assert_problem(extra, 422)
        bad_day = await client.post(url, json={"nik": "1", "on": "2026-13-01"}, headers=service)
        assert_problem(bad_day, 422)
        epoch = await client.post(url, json={"nik": "1", "on": 0}, headers=service)
        assert_problem(epoch, 422, "VALIDATION_FAILED")  # not read as 1970-01-01


class TestCoverageOverTime:
    """R3/R4 with the clock replaced: pending → arrears → lapsed."""

    async def test_unpaid_months_move_from_pending_to_arrears_to_lapsed(
        self, client: httpx.AsyncClient, frozen_today: Any
    ) -> None:
        program, _ = await active_workers(client, 1)
        invoice = (await issue(client, program["id"], "2026-01", "2026-01")).json()
        await pay_in_full(client, invoice)
        nik = worker(1)["nik"]
        frozen_today(date(2026, 2, 15))  # February due today: not yet past due
        assert (await coverage(client, nik))["status"] == "payment_pending"
        frozen_today(date(2026, 2, 16))
        assert (await coverage(client, nik))["status"] == "in_arrears"
        frozen_today(date(2026, 5, 15))  # February, March, April unpaid past due: arrears
        assert (await coverage(client, nik))["status"] == "in_arrears"
        frozen_today(date(2026, 5, 16))  # the 4th month, May, past due too: lapsed
        lapsed = await coverage(client, nik)
        assert (lapsed["status"], lapsed["paid_through"]) == ("lapsed", "2026-01")
        assert (await coverage(client, nik, "2026-01-20"))["status"] == "covered"

    async def test_the_registration_month_is_due_14_days_after_a_late_registration(
        self, client: httpx.AsyncClient, frozen_today: Any
    ) -> None:
        frozen_today(date(2026, 3, 20))
        _program, enrolments = await active_workers(client, 1, start_month=None)
        assert (enrolments[0]["registered_on"], enrolments[0]["start_month"]) == (
            "2026-03-20",
            "2026-03",
        )
        nik = worker(1)["nik"]
        frozen_today(date(2026, 4, 3))  # registered + 14 days: March not yet past due
        assert (await coverage(client, nik))["status"] == "payment_pending"
        frozen_today(date(2026, 4, 4))
        assert (await coverage(client, nik))["status"] == "in_arrears"
        # Cover is never bought after the event: before registration is not covered.
        assert (await coverage(client, nik, "2026-03-19"))["status"] == "not_covered"


class TestAudit:
    async def test_every_billing_mutation_is_audited_without_personal_data(
        self, client: httpx.AsyncClient
    ) -> None:
        program, _ = await active_workers(client, 1)
        invoice = (await issue(client, program["id"], "2026-01", "2026-03")).json()
        await pay_in_full(client, invoice)
        second = (await issue(client, program["id"], "2026-04", "2026-04")).json()
        await client.post(f"/v1/invoices/{second['id']}/cancel", headers=BPJS)
        events = (
            await client.get("/v1/audit-events", params={"limit": 500}, headers=auth(**PEMDA_3514))
        ).json()["items"]
        actions = [e["action"] for e in events]
        for action in ("invoice.issue", "payment.report", "payment.confirm", "invoice.cancel"):
            assert action in actions
        assert worker(1)["nik"] not in str(events)
        other = (await client.get("/v1/audit-events", headers=auth(**PEMDA_3575))).json()
        assert other["items"] == []
