"""Finding payments (`GET /v1/payments[/{id}]`) and an invoice's own list of them (R13)."""

from datetime import date
from typing import Any

import httpx
import pytest
from sqlalchemy import event

from app.db import database
from tests.billing.helpers import BPJS, active_workers, issue
from tests.conftest import (
    BPJS_BALIKPAPAN,
    BPJS_PASURUAN,
    PEMDA_3514,
    PEMDA_3575,
    assert_problem,
    auth,
)

pytestmark = pytest.mark.usefixtures("regions")

PEMDA = auth(**PEMDA_3514)


@pytest.fixture(autouse=True)
def late_january(frozen_today: Any) -> None:
    frozen_today(date(2026, 1, 20))


async def invoices_of(
    client: httpx.AsyncClient, region: str = "3514", count: int = 1
) -> list[dict[str, Any]]:
    """`count` issued invoices (one month each from January) of a fresh programme of the
    region with two active workers: Rp 33,600 a month."""
    program, _ = await active_workers(client, 2, region=region)
    found = []
    for n in range(1, count + 1):
        month = f"2026-{n:02d}"
        response = await issue(client, program["id"], month, month, region=region)
        assert response.status_code == 201, response.text
        found.append(response.json())
    return found


async def invoice_of(client: httpx.AsyncClient, region: str = "3514") -> dict[str, Any]:
    return (await invoices_of(client, region))[0]


async def report(
    client: httpx.AsyncClient,
    invoice: dict[str, Any],
    reference: str,
    *,
    amount_idr: int = 10_000,
    paid_on: str = "2026-01-15",
) -> dict[str, Any]:
    response = await client.post(
        f"/v1/invoices/{invoice['id']}/payments",
        json={"amount_idr": amount_idr, "paid_on": paid_on, "reference": reference},
        headers=auth("pemda", region=invoice["region_code"]),
    )
    assert response.status_code == 201, response.text
    payment: dict[str, Any] = response.json()
    return payment


async def listed(
    client: httpx.AsyncClient, headers: dict[str, str], **params: Any
) -> list[dict[str, Any]]:
    response = await client.get("/v1/payments", params=params, headers=headers)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def ids(items: list[dict[str, Any]]) -> set[str]:
    return {item["id"] for item in items}


class TestListPayments:
    async def test_anonymous_401_missing_scope_403(self, client: httpx.AsyncClient) -> None:
        payment = await report(client, await invoice_of(client), "TRF-1")
        for url in ("/v1/payments", f"/v1/payments/{payment['id']}"):
            assert_problem(await client.get(url), 401)
            # Reading payments is reading invoices: payments:write alone does not do it.
            no_scope = auth("pemda", region="3514", scopes=["payments:write"])
            assert_problem(await client.get(url, headers=no_scope), 403)
            assert_problem(await client.get(url, headers=auth("service")), 403)

    async def test_another_regions_payment_is_404_and_never_listed(
        self, client: httpx.AsyncClient
    ) -> None:
        payment = await report(client, await invoice_of(client), "TRF-1")
        url = f"/v1/payments/{payment['id']}"
        for outsider in (auth(**PEMDA_3575), auth(**BPJS_BALIKPAPAN)):
            assert_problem(await client.get(url, headers=outsider), 404, "PAYMENT_NOT_FOUND")
            assert await listed(client, outsider) == []
        missing = await client.get(
            f"/v1/payments/{'0' * 8}-0000-7000-8000-{'0' * 12}", headers=BPJS
        )
        assert_problem(missing, 404, "PAYMENT_NOT_FOUND")
        assert (await client.get(url, headers=PEMDA)).json() == payment
        assert (await client.get(url, headers=BPJS)).json() == payment

    async def test_bpjs_finds_what_awaits_it_across_its_regions(
        self, client: httpx.AsyncClient
    ) -> None:
        january, february = await invoices_of(client, "3514", 2)
        pasuruan = await report(client, january, "TRF-3514")
        kota = await report(client, await invoice_of(client, "3575"), "TRF-3575")
        balikpapan = await report(client, await invoice_of(client, "6409"), "TRF-6409")
        confirmed = await report(client, february, "TRF-OK")
        await client.post(f"/v1/payments/{confirmed['id']}/confirm", headers=auth(**BPJS_PASURUAN))

        waiting = await listed(client, auth(**BPJS_PASURUAN), status="reported")
        assert ids(waiting) == {pasuruan["id"], kota["id"]}
        assert all(p["status"] == "reported" for p in waiting)
        national = await listed(client, auth("bpjs"), status="reported")
        assert ids(national) == {pasuruan["id"], kota["id"], balikpapan["id"]}
        assert ids(await listed(client, PEMDA)) == {pasuruan["id"], confirmed["id"]}
        assert ids(await listed(client, auth(**PEMDA_3575))) == {kota["id"]}

    async def test_filters(self, client: httpx.AsyncClient) -> None:
        first, second = await invoices_of(client, "3514", 2)
        other_program = await invoice_of(client, "3575")
        other = await report(client, other_program, "TRF-A", paid_on="2026-01-10")
        early = await report(client, first, "TRF-A", paid_on="2026-01-05")
        middle = await report(client, first, "TRF-B", paid_on="2026-01-10")
        late = await report(client, second, "TRF-C", paid_on="2026-01-20")
        rejected = await client.post(
            f"/v1/payments/{middle['id']}/reject", json={"reason": "dana belum masuk"}, headers=BPJS
        )
        assert rejected.status_code == 200, rejected.text

        assert ids(await listed(client, BPJS, invoice_id=first["id"])) == {
            early["id"],
            middle["id"],
        }
        assert ids(await listed(client, BPJS, invoice_id=second["id"])) == {late["id"]}
        by_program = await listed(client, BPJS, program_id=first["program_id"])
        assert ids(by_program) == {early["id"], middle["id"], late["id"]}
        assert ids(await listed(client, BPJS, status="rejected")) == {middle["id"]}
        reported = await listed(client, BPJS, status="reported")
        assert ids(reported) == {early["id"], late["id"], other["id"]}
        # paid_from / paid_to bound the day of the transfer, both days included.
        window = await listed(client, BPJS, paid_from="2026-01-10", paid_to="2026-01-20")
        assert ids(window) == {middle["id"], late["id"], other["id"]}
        assert ids(await listed(client, BPJS, paid_to="2026-01-09")) == {early["id"]}
        assert ids(await listed(client, BPJS, paid_from="2026-01-11")) == {late["id"]}
        both = await listed(
            client, BPJS, program_id=first["program_id"], status="reported", paid_to="2026-01-19"
        )
        assert ids(both) == {early["id"]}
        reversed_window = await client.get(
            "/v1/payments",
            params={"paid_from": "2026-02-01", "paid_to": "2026-01-01"},
            headers=BPJS,
        )
        assert_problem(reversed_window, 422, "UNPROCESSABLE")
        assert_problem(
            await client.get("/v1/payments", params={"status": "paid"}, headers=BPJS), 422
        )

    @pytest.mark.parametrize("day", ["0", "20260105", "2026-1-5"])
    async def test_a_day_is_written_yyyy_mm_dd(self, client: httpx.AsyncClient, day: str) -> None:
        # Pydantic alone would read `0` as the Unix epoch, 1970-01-01.
        for bound in ("paid_from", "paid_to"):
            answer = await client.get("/v1/payments", params={bound: day}, headers=BPJS)
            assert_problem(answer, 422, "VALIDATION_FAILED")

    async def test_pages_follow_the_cursor_to_the_end(self, client: httpx.AsyncClient) -> None:
        invoice = await invoice_of(client)
        reported = {
            (await report(client, invoice, f"TRF-{n}", amount_idr=1_000))["id"] for n in range(5)
        }
        seen: list[str] = []
        cursor: str | None = None
        pages = 0
        while True:
            params: dict[str, Any] = {"limit": 2} | ({"cursor": cursor} if cursor else {})
            page = (await client.get("/v1/payments", params=params, headers=PEMDA)).json()
            seen += [p["id"] for p in page["items"]]
            pages += 1
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert pages == 3
        assert sorted(seen) == seen and set(seen) == reported and len(seen) == 5
        forged = await client.get(
            "/v1/payments", params={"cursor": "bm90LWEtY3Vyc29y"}, headers=PEMDA
        )
        assert_problem(forged, 400, "INVALID_CURSOR")


class TestInvoiceListsItsPayments:
    async def test_every_invoice_answer_carries_its_payments(
        self, client: httpx.AsyncClient
    ) -> None:
        invoice = await invoice_of(client)
        assert invoice["payments"] == []
        first = await report(client, invoice, "TRF-1", amount_idr=20_000)
        second = await report(client, invoice, "TRF-2", amount_idr=13_600)
        await client.post(f"/v1/payments/{first['id']}/confirm", headers=BPJS)

        shown = (await client.get(f"/v1/invoices/{invoice['id']}", headers=PEMDA)).json()
        assert [p["id"] for p in shown["payments"]] == [first["id"], second["id"]]
        assert set(shown["payments"][0]) == {
            "id",
            "amount_idr",
            "paid_on",
            "reference",
            "status",
            "reported_at",
            "decided_at",
        }
        assert (shown["payments"][0]["status"], shown["payments"][0]["amount_idr"]) == (
            "confirmed",
            20_000,
        )
        assert shown["payments"][0]["decided_at"] is not None
        assert (shown["payments"][1]["status"], shown["payments"][1]["decided_at"]) == (
            "reported",
            None,
        )
        page = (await client.get("/v1/invoices", headers=BPJS)).json()["items"]
        assert page[0]["payments"] == shown["payments"]

    async def test_cancelling_shows_the_reported_payment_rejected(
        self, client: httpx.AsyncClient
    ) -> None:
        invoice = await invoice_of(client)
        payment = await report(client, invoice, "TRF-1")
        cancelled = await client.post(f"/v1/invoices/{invoice['id']}/cancel", headers=BPJS)
        assert cancelled.status_code == 200, cancelled.text
        assert [(p["id"], p["status"]) for p in cancelled.json()["payments"]] == [
            (payment["id"], "rejected")
        ]

    async def test_a_page_of_invoices_reads_their_payments_in_one_statement(
        self, client: httpx.AsyncClient
    ) -> None:
        invoices = await invoices_of(client, "3514", 3)
        for n, invoice in enumerate(invoices):
            await report(client, invoice, f"TRF-{n}-A")
            await report(client, invoice, f"TRF-{n}-B")
        statements: list[str] = []

        def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            statements.append(statement)

        assert database.engine is not None
        event.listen(database.engine.sync_engine, "before_cursor_execute", seen)
        try:
            page = (await client.get("/v1/invoices", headers=PEMDA)).json()["items"]
        finally:
            event.remove(database.engine.sync_engine, "before_cursor_execute", seen)
        assert len(page) == 3 and all(len(i["payments"]) == 2 for i in page)
        assert len([s for s in statements if "FROM payments" in s]) == 1
