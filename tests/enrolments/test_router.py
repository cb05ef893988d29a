"""Single enrolment, eligibility checks and BPJS verification (R8–R10, DESIGN.md §4)."""

from datetime import date
from typing import Any

import httpx
import pytest

from tests.conftest import BPJS_PASURUAN, PEMDA_3514, PEMDA_3575, assert_problem, auth
from tests.factories import create_program, make_nik, worker

pytestmark = pytest.mark.usefixtures("regions")


async def enrol(
    client: httpx.AsyncClient, program_id: str, body: dict[str, Any], region: str = "3514"
) -> httpx.Response:
    return await client.post(
        f"/v1/programs/{program_id}/enrolments", json=body, headers=auth("pemda", region=region)
    )


async def reasons_for(
    client: httpx.AsyncClient, program_id: str, person: dict[str, Any], **extra: Any
) -> set[str]:
    response = await client.post(
        "/v1/eligibility-checks",
        json={"program_id": program_id, "worker": person, **extra},
        headers=auth(**PEMDA_3514),
    )
    assert response.status_code == 200, response.text
    return {r["code"] for r in response.json()["reasons"]}


@pytest.fixture
async def program(client: httpx.AsyncClient, frozen_today: Any) -> dict[str, Any]:
    frozen_today(date(2026, 7, 10))
    return await create_program(client)


class TestEnrol:
    async def test_anonymous_401_scope_403_other_region_404(
        self, client: httpx.AsyncClient, program: dict[str, Any]
    ) -> None:
        url = f"/v1/programs/{program['id']}/enrolments"
        assert_problem(await client.post(url, json={"worker": worker()}), 401)
        no_scope = auth("pemda", region="3514", scopes=["enrolments:read"])
        assert_problem(await client.post(url, json={"worker": worker()}, headers=no_scope), 403)
        other = await client.post(url, json={"worker": worker()}, headers=auth(**PEMDA_3575))
        assert_problem(other, 404, "PROGRAM_NOT_FOUND")

    async def test_an_eligible_worker_is_pending_and_commits_the_cost(
        self, client: httpx.AsyncClient, program: dict[str, Any]
    ) -> None:
        response = await enrol(client, program["id"], {"worker": worker()})
        assert response.status_code == 201, response.text
        body = response.json()
        assert body["status"] == "pending"
        assert (body["start_month"], body["end_month"]) == ("2026-07", "2026-12")
        assert body["monthly_contribution_idr"] == 16_800
        assert body["cost_idr"] == 6 * 16_800
        assert body["registered_on"] == "2026-07-10"
        assert body["kpj_number"] is None
        assert body["nik_masked"].endswith(worker()["nik"][-4:])
        assert worker()["nik"] not in response.text
        figures = await client.get(f"/v1/programs/{program['id']}", headers=auth(**PEMDA_3514))
        assert figures.json()["budget"]["committed_idr"] == 100_800
        assert figures.json()["enrolled_workers"] == 1

    async def test_start_month_defaults_to_the_current_month_inside_the_window(
        self, client: httpx.AsyncClient, program: dict[str, Any], frozen_today: Any
    ) -> None:
        frozen_today(date(2026, 9, 3))
        body = (await enrol(client, program["id"], {"worker": worker()})).json()
        assert (body["start_month"], body["cost_idr"]) == ("2026-09", 4 * 16_800)

    async def test_a_start_before_the_registration_month_is_refused(
        self, client: httpx.AsyncClient, program: dict[str, Any], frozen_today: Any
    ) -> None:
        """R9: registered on 3 September, cover cannot be bought for July and August."""
        frozen_today(date(2026, 9, 3))
        body = {"worker": worker(), "start_month": "2026-07"}
        problem = assert_problem(await enrol(client, program["id"], body), 422, "INELIGIBLE")
        assert [r["code"] for r in problem["reasons"]] == ["START_BEFORE_REGISTRATION"]
        assert await reasons_for(client, program["id"], worker(), start_month="2026-08") == {
            "START_BEFORE_REGISTRATION"
        }
        assert await reasons_for(client, program["id"], worker(), start_month="2026-09") == set()
        figures = await client.get(f"/v1/programs/{program['id']}", headers=auth(**PEMDA_3514))
        assert figures.json()["budget"]["committed_idr"] == 0

    async def test_ineligible_is_422_with_every_reason(
        self, client: httpx.AsyncClient, program: dict[str, Any]
    ) -> None:
        person = worker(birth_date="1991-08-17", domicile_region_code="3575", sex="female")
        response = await enrol(client, program["id"], {"worker": person})
        body = assert_problem(response, 422, "INELIGIBLE")
        assert {r["code"] for r in body["reasons"]} == {"NIK_MISMATCH", "NOT_RESIDENT"}
        listed = await client.get("/v1/enrolments", headers=auth(**PEMDA_3514))
        assert listed.json()["items"] == []

    async def test_the_same_nik_twice_is_already_enrolled(
        self, client: httpx.AsyncClient, program: dict[str, Any]
    ) -> None:
        assert (await enrol(client, program["id"], {"worker": worker()})).status_code == 201
        again = await enrol(client, program["id"], {"worker": worker()})
        assert [r["code"] for r in assert_problem(again, 422)["reasons"]] == ["ALREADY_ENROLLED"]

    async def test_idempotent_retry_gives_the_same_enrolment(
        self, client: httpx.AsyncClient, program: dict[str, Any]
    ) -> None:
        headers = auth(**PEMDA_3514) | {"Idempotency-Key": "enrol-1"}
        url = f"/v1/programs/{program['id']}/enrolments"
        first = await client.post(url, json={"worker": worker()}, headers=headers)
        second = await client.post(url, json={"worker": worker()}, headers=headers)
        assert first.json() == second.json()
        assert second.headers["idempotent-replayed"] == "true"

    @pytest.mark.parametrize(
        "bad",
        [
            {"sex": "x"},
            {"occupation": "astronaut"},
            {"birth_date": "17-08-1990"},
            {"nik": "3" * 40},
            {"domicile_region_code": "35"},
            {"full_name": ""},
        ],
    )
    async def test_malformed_workers_are_422_validation(
        self, client: httpx.AsyncClient, program: dict[str, Any], bad: dict[str, Any]
    ) -> None:
        response = await enrol(client, program["id"], {"worker": worker(**bad)})
        assert_problem(response, 422, "VALIDATION_FAILED")

    async def test_the_worker_is_registered_and_corrections_are_audited(
        self, client: httpx.AsyncClient, program: dict[str, Any]
    ) -> None:
        enrolment = (await enrol(client, program["id"], {"worker": worker()})).json()
        url = f"/v1/workers/{enrolment['worker_id']}"
        record = (await client.get(url, headers=auth(**PEMDA_3514))).json()
        assert record["nik"] == worker()["nik"]
        assert record["deceased"] is False
        assert_problem(await client.get(url, headers=auth(**PEMDA_3575)), 404)
        fixed = await client.patch(url, json={"phone": "081234567890"}, headers=auth(**PEMDA_3514))
        assert fixed.json()["phone"] == "081234567890"
        wrong = await client.patch(url, json={"sex": "female"}, headers=auth(**PEMDA_3514))
        assert_problem(wrong, 422, "NIK_MISMATCH")
        cleared = await client.patch(
            url, json={"sex": None, "birth_date": None}, headers=auth(**PEMDA_3514)
        )
        assert_problem(cleared, 422, "VALIDATION_FAILED")
        assert_problem(
            await client.patch(url, json={"phone": "0811111111"}, headers=auth(**PEMDA_3575)), 404
        )
        listed = (await client.get("/v1/workers", headers=auth(**PEMDA_3514))).json()["items"]
        assert "nik" not in listed[0] and listed[0]["nik_masked"].startswith("*")
        events = (
            await client.get(
                "/v1/audit-events", params={"entity_type": "worker"}, headers=auth(**PEMDA_3514)
            )
        ).json()["items"]
        assert [(e["action"], e["details"]) for e in events] == [
            ("worker.correct", {"fields": ["phone"]})
        ]


class TestEligibilityReasons:
    """Each reason code appears exactly when its rule fails (R8)."""

    async def test_an_eligible_person_has_no_reasons(
        self, client: httpx.AsyncClient, program: dict[str, Any]
    ) -> None:
        assert await reasons_for(client, program["id"], worker()) == set()

    async def test_invalid_nik(self, client: httpx.AsyncClient, program: dict[str, Any]) -> None:
        assert await reasons_for(client, program["id"], worker(nik="9999011708900001")) == {
            "NIK_INVALID"
        }

    async def test_birth_date_or_sex_disagreeing_with_the_nik(
        self, client: httpx.AsyncClient, program: dict[str, Any]
    ) -> None:
        assert await reasons_for(client, program["id"], worker(birth_date="1990-08-18")) == {
            "NIK_MISMATCH"
        }
        assert await reasons_for(client, program["id"], worker(sex="P")) == {"NIK_MISMATCH"}
        woman = worker(female=True)  # day + 40 in the NIK
        assert woman["nik"][6:8] == "57"
        assert await reasons_for(client, program["id"], woman) == set()

    async def test_age_outside_15_to_65_on_the_registration_date(
        self, client: httpx.AsyncClient, program: dict[str, Any], frozen_today: Any
    ) -> None:
        frozen_today(date(2026, 7, 1))
        too_young = worker(birth=date(2011, 7, 2))  # 14 on 2026-07-01
        just_15 = worker(birth=date(2011, 7, 1), serial=2)
        just_65 = worker(birth=date(1961, 7, 1), serial=3)  # 65 on 2026-07-01
        too_old = worker(birth=date(1960, 7, 1), serial=4)  # 66
        assert await reasons_for(client, program["id"], too_young) == {"AGE_OUT_OF_RANGE"}
        assert await reasons_for(client, program["id"], just_15) == set()
        assert await reasons_for(client, program["id"], just_65) == set()
        assert await reasons_for(client, program["id"], too_old) == {"AGE_OUT_OF_RANGE"}

    async def test_domicile_decides_not_the_nik_prefix(
        self, client: httpx.AsyncClient, program: dict[str, Any]
    ) -> None:
        issued_elsewhere = worker(nik=make_nik(issued_in="357501"))
        assert await reasons_for(client, program["id"], issued_elsewhere) == set()
        living_elsewhere = worker(domicile_region_code="3575")
        assert await reasons_for(client, program["id"], living_elsewhere) == {"NOT_RESIDENT"}

    async def test_enrolled_in_another_region_without_revealing_it(
        self, client: httpx.AsyncClient, program: dict[str, Any]
    ) -> None:
        kota = await create_program(client, "3575", coverage_start="2026-10")
        person = worker(region="3575")
        assert (await enrol(client, kota["id"], {"worker": person}, "3575")).status_code == 201
        moved = person | {"domicile_region_code": "3514"}
        response = await client.post(
            "/v1/eligibility-checks",
            json={"program_id": program["id"], "worker": moved},
            headers=auth(**PEMDA_3514),
        )
        reasons = response.json()["reasons"]
        assert [r["code"] for r in reasons] == ["ALREADY_ENROLLED"]
        assert "3575" not in response.text and kota["id"] not in response.text

    async def test_no_overlap_no_conflict(
        self, client: httpx.AsyncClient, program: dict[str, Any]
    ) -> None:
        kota = await create_program(
            client, "3575", coverage_start="2026-07", coverage_end="2026-08"
        )
        person = worker(region="3575")
        assert (await enrol(client, kota["id"], {"worker": person}, "3575")).status_code == 201
        moved = person | {"domicile_region_code": "3514"}
        assert await reasons_for(client, program["id"], moved, start_month="2026-09") == set()
        assert await reasons_for(client, program["id"], moved, start_month="2026-08") == {
            "ALREADY_ENROLLED"
        }

    async def test_closed_programme_and_months_outside_its_window(
        self, client: httpx.AsyncClient, program: dict[str, Any]
    ) -> None:
        assert await reasons_for(client, program["id"], worker(), start_month="2027-01") == {
            "OUTSIDE_PROGRAM_WINDOW"
        }
        await client.patch(
            f"/v1/programs/{program['id']}", json={"status": "closed"}, headers=auth(**PEMDA_3514)
        )
        assert await reasons_for(client, program["id"], worker()) == {"PROGRAM_CLOSED"}

    async def test_budget_and_quota(self, client: httpx.AsyncClient, frozen_today: Any) -> None:
        frozen_today(date(2026, 7, 10))
        small = await create_program(client, budget_idr=150_000, max_workers=5)
        assert await reasons_for(client, small["id"], worker()) == set()
        assert (await enrol(client, small["id"], {"worker": worker()})).status_code == 201
        assert await reasons_for(client, small["id"], worker(serial=2)) == {"BUDGET_EXHAUSTED"}
        capped = await create_program(client, max_workers=1)
        assert (await enrol(client, capped["id"], {"worker": worker(serial=3)})).status_code == 201
        assert await reasons_for(client, capped["id"], worker(serial=4)) == {"QUOTA_REACHED"}

    async def test_the_check_stores_nothing(
        self, client: httpx.AsyncClient, program: dict[str, Any]
    ) -> None:
        await reasons_for(client, program["id"], worker())
        workers = await client.get("/v1/workers", headers=auth(**PEMDA_3514))
        assert workers.json()["items"] == []


class TestVerification:
    async def test_bpjs_activates_with_a_kpj_number(
        self, client: httpx.AsyncClient, program: dict[str, Any]
    ) -> None:
        enrolment = (await enrol(client, program["id"], {"worker": worker()})).json()
        url = f"/v1/enrolments/{enrolment['id']}/activate"
        assert_problem(await client.post(url, json={}, headers=auth(**PEMDA_3514)), 403)
        far = await client.post(url, json={}, headers=auth("bpjs", regions=["6409"]))
        assert_problem(far, 404, "ENROLMENT_NOT_FOUND")
        active = await client.post(url, json={}, headers=auth(**BPJS_PASURUAN))
        assert active.status_code == 200, active.text
        assert active.json()["status"] == "active"
        assert len(active.json()["kpj_number"]) == 11 and active.json()["kpj_number"].isdigit()
        again = await client.post(url, json={}, headers=auth(**BPJS_PASURUAN))
        assert assert_problem(again, 409, "INVALID_STATE")["current_status"] == "active"

    async def test_bpjs_may_supply_its_own_unique_kpj(
        self, client: httpx.AsyncClient, program: dict[str, Any]
    ) -> None:
        first = (await enrol(client, program["id"], {"worker": worker()})).json()
        second = (await enrol(client, program["id"], {"worker": worker(serial=2)})).json()
        own = {"kpj_number": "12345678901"}
        ok = await client.post(
            f"/v1/enrolments/{first['id']}/activate", json=own, headers=auth(**BPJS_PASURUAN)
        )
        assert ok.json()["kpj_number"] == "12345678901"
        taken = await client.post(
            f"/v1/enrolments/{second['id']}/activate", json=own, headers=auth(**BPJS_PASURUAN)
        )
        assert_problem(taken, 409, "KPJ_TAKEN")
        bad = await client.post(
            f"/v1/enrolments/{second['id']}/activate",
            json={"kpj_number": "123"},
            headers=auth(**BPJS_PASURUAN),
        )
        assert_problem(bad, 422)

    async def test_bulk_activation_of_all_pending(
        self, client: httpx.AsyncClient, program: dict[str, Any]
    ) -> None:
        for serial in range(1, 6):
            await enrol(client, program["id"], {"worker": worker(serial=serial)})
        url = f"/v1/programs/{program['id']}/enrolments/activate"
        assert_problem(await client.post(url, json={}, headers=auth(**PEMDA_3514)), 403)
        result = await client.post(url, json={}, headers=auth(**BPJS_PASURUAN))
        assert result.json() == {"activated": 5, "skipped": 0}
        items = (
            await client.get(
                "/v1/enrolments", params={"status": "active"}, headers=auth(**PEMDA_3514)
            )
        ).json()["items"]
        assert len({e["kpj_number"] for e in items}) == 5

    async def test_bulk_activation_of_listed_ids(
        self, client: httpx.AsyncClient, program: dict[str, Any]
    ) -> None:
        ids = [
            (await enrol(client, program["id"], {"worker": worker(serial=s)})).json()["id"]
            for s in range(1, 4)
        ]
        result = await client.post(
            f"/v1/programs/{program['id']}/enrolments/activate",
            json={"enrolment_ids": [*ids[:2], "01890000-0000-7000-8000-000000000000"]},
            headers=auth(**BPJS_PASURUAN),
        )
        assert result.json() == {"activated": 2, "skipped": 1}

    async def test_rejection_releases_the_whole_cost(
        self, client: httpx.AsyncClient, program: dict[str, Any]
    ) -> None:
        enrolment = (await enrol(client, program["id"], {"worker": worker()})).json()
        response = await client.post(
            f"/v1/enrolments/{enrolment['id']}/reject",
            json={"reason": "Data KTP tidak cocok"},
            headers=auth(**BPJS_PASURUAN),
        )
        assert response.json()["status"] == "rejected"
        figures = (
            await client.get(f"/v1/programs/{program['id']}", headers=auth(**PEMDA_3514))
        ).json()
        assert figures["budget"]["committed_idr"] == 0
        assert figures["enrolled_workers"] == 0
        # A rejected enrolment does not block the NIK.
        assert (await enrol(client, program["id"], {"worker": worker()})).status_code == 201


class TestTermination:
    async def test_termination_releases_the_months_no_longer_covered(
        self, client: httpx.AsyncClient, program: dict[str, Any]
    ) -> None:
        enrolment = (await enrol(client, program["id"], {"worker": worker()})).json()
        url = f"/v1/enrolments/{enrolment['id']}"
        pending = await client.post(
            f"{url}/terminate",
            json={"reason": "moved_out", "last_month": "2026-09"},
            headers=auth(**PEMDA_3514),
        )
        assert_problem(pending, 409, "INVALID_STATE")
        await client.post(f"{url}/activate", json={}, headers=auth(**BPJS_PASURUAN))
        other = await client.post(
            f"{url}/terminate",
            json={"reason": "moved_out", "last_month": "2026-09"},
            headers=auth(**PEMDA_3575),
        )
        assert_problem(other, 404)
        lapsed = await client.post(
            f"{url}/terminate",
            json={"reason": "lapsed", "last_month": "2026-09"},
            headers=auth(**PEMDA_3514),
        )
        assert_problem(lapsed, 422)
        outside = await client.post(
            f"{url}/terminate",
            json={"reason": "moved_out", "last_month": "2027-01"},
            headers=auth(**PEMDA_3514),
        )
        assert_problem(outside, 422)
        done = await client.post(
            f"{url}/terminate",
            json={"reason": "moved_out", "last_month": "2026-09"},
            headers=auth(**PEMDA_3514),
        )
        assert done.status_code == 200, done.text
        body = done.json()
        assert (body["status"], body["end_month"], body["cost_idr"]) == (
            "terminated",
            "2026-09",
            3 * 16_800,
        )
        figures = (
            await client.get(f"/v1/programs/{program['id']}", headers=auth(**PEMDA_3514))
        ).json()
        assert figures["budget"]["committed_idr"] == 3 * 16_800
        assert figures["enrolled_workers"] == 0
        # The released months can be taken by the same NIK elsewhere, the covered ones cannot.
        kota = await create_program(client, "3575")
        moved = worker() | {"domicile_region_code": "3575"}
        clash = await enrol(client, kota["id"], {"worker": moved, "start_month": "2026-09"}, "3575")
        assert_problem(clash, 422, "INELIGIBLE")
        fresh = await enrol(client, kota["id"], {"worker": moved, "start_month": "2026-10"}, "3575")
        assert fresh.status_code == 201, fresh.text
