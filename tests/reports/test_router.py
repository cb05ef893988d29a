"""GET /v1/reports/programs/{id}: money, enrolments, coverage today and claims."""

from datetime import date
from typing import Any

import httpx
import pytest

from tests.billing.helpers import active_workers, issue, pay_in_full
from tests.conftest import PEMDA_3514, PEMDA_3575, assert_problem, auth
from tests.factories import worker

pytestmark = pytest.mark.usefixtures("regions")


class TestProgramReport:
    async def test_refusals(self, client: httpx.AsyncClient, frozen_today: Any) -> None:
        frozen_today(date(2026, 1, 5))
        program, _ = await active_workers(client, 1)
        url = f"/v1/reports/programs/{program['id']}"
        assert_problem(await client.get(url), 401)
        no_scope = auth("pemda", region="3514", scopes=["programs:read"])
        assert_problem(await client.get(url, headers=no_scope), 403)
        assert_problem(await client.get(url, headers=auth(**PEMDA_3575)), 404, "PROGRAM_NOT_FOUND")

    async def test_the_report_adds_up(self, client: httpx.AsyncClient, frozen_today: Any) -> None:
        frozen_today(date(2026, 1, 5))
        program, _ = await active_workers(
            client, 3, occupations=["petani", "nelayan", "petani"], target_workers=8
        )
        await client.post(
            f"/v1/programs/{program['id']}/enrolments",
            json={"worker": worker(9), "start_month": "2026-01"},
            headers=auth(**PEMDA_3514),
        )
        invoice = (await issue(client, program["id"], "2026-01", "2026-12")).json()
        await pay_in_full(client, invoice)
        report = (
            await client.get(
                f"/v1/reports/programs/{program['id']}", headers=auth("bpjs", regions=["3514"])
            )
        ).json()
        assert report["program"]["budget"]["paid_idr"] == 3 * 12 * 16_800
        assert report["enrolments"]["by_status"] == {
            "pending": 1,
            "active": 3,
            "rejected": 0,
            "terminated": 0,
        }
        assert report["enrolments"]["by_occupation"] == {"petani": 3, "nelayan": 1}
        assert report["enrolments"]["target_reached_percent"] == 50.0
        assert report["coverage_today"] == {"covered": 3}
        assert report["claims"] == {
            "by_status": {},
            "paid_total_idr": 0,
            "median_working_days_to_payment": None,
        }

    async def test_paid_claims_and_their_working_days(
        self, client: httpx.AsyncClient, frozen_today: Any
    ) -> None:
        from tests.claims.test_router import approved, claim_body, file, member_paid_through, step

        program, nik = await member_paid_through(
            client, frozen_today, start="2026-03", today=date(2026, 7, 20)
        )  # a Monday
        claim = (await file(client, claim_body(nik, "2026-07-20"))).json()
        await approved(client, claim["id"])
        frozen_today(date(2026, 7, 23))
        await step(client, claim["id"], "pay", {"reference": "SP2D-1", "paid_on": "2026-07-23"})
        report = (
            await client.get(f"/v1/reports/programs/{program['id']}", headers=auth(**PEMDA_3514))
        ).json()
        assert report["claims"] == {
            "by_status": {"paid": 1},
            "paid_total_idr": 42_000_000,
            "median_working_days_to_payment": 3,
        }
        assert report["coverage_today"] == {"deceased": 1}
