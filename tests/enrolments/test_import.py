"""Bulk CSV enrolment (R11): per-row reasons, file order against the budget, dry runs."""

from datetime import date
from typing import Any

import httpx
import pytest

from app.enrolments import importer
from tests.conftest import PEMDA_3514, PEMDA_3575, assert_problem, auth
from tests.factories import create_program, roster_rows, to_csv, worker

pytestmark = pytest.mark.usefixtures("regions")

CSV = {"content-type": "text/csv"}


@pytest.fixture(autouse=True, params=[importer.SLICE, 1_000], ids=["one-slice", "slices"])
def slice_rows(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> int:
    """Every import test also runs with the roster cut into slices of 1,000 rows: the
    28,448-row roster then crosses 28 slice boundaries, the budget running out in one."""
    monkeypatch.setattr(importer, "SLICE", request.param)
    return int(request.param)


async def upload(
    client: httpx.AsyncClient,
    program_id: str,
    body: bytes,
    region: str = "3514",
    headers: dict[str, str] | None = None,
    **params: Any,
) -> httpx.Response:
    return await client.post(
        f"/v1/programs/{program_id}/enrolments/import",
        content=body,
        params=params,
        headers=auth("pemda", region=region) | CSV | (headers or {}),
    )


async def figures(client: httpx.AsyncClient, program_id: str) -> dict[str, Any]:
    response = await client.get(f"/v1/programs/{program_id}", headers=auth(**PEMDA_3514))
    result: dict[str, Any] = response.json()["budget"]
    return result


class TestKabPasuruanRoster:
    async def test_28448_rows_against_rp_2_8_billion_accepts_27777(
        self, client: httpx.AsyncClient
    ) -> None:
        """DESIGN.md: Rp 2.8 billion for July–December at Rp 16,800 covers 27,777 workers."""
        program = await create_program(
            client, budget_idr=2_800_000_000, coverage_start="2026-07", coverage_end="2026-12"
        )
        roster = to_csv(roster_rows(28_448))
        response = await upload(client, program["id"], roster, start_month="2026-07")
        assert response.status_code == 200, response.text[:500]
        report = response.json()
        assert (report["total_rows"], report["accepted"], report["rejected"]) == (
            28_448,
            27_777,
            671,
        )
        assert {tuple(r["reasons"][0]["code"] for _ in [0]) for r in report["rejections"]} == {
            ("BUDGET_EXHAUSTED",)
        }
        # File order: the first 27,777 rows are in, the last 671 out.
        assert [r["row"] for r in report["rejections"]] == list(range(27_778, 28_449))
        assert len(set(report["created_enrolment_ids"])) == 27_777
        budget = await figures(client, program["id"])
        assert budget["committed_idr"] == 2_799_921_600
        assert budget["remaining_idr"] == 78_400
        page = await client.get(
            "/v1/enrolments",
            params={"program_id": program["id"], "limit": 1},
            headers=auth(**PEMDA_3514),
        )
        assert page.json()["items"][0]["start_month"] == "2026-07"


class TestSlices:
    async def test_a_file_judged_in_slices_judges_every_row_as_one_file_would(
        self, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Slices of 3 rows: a NIK repeated two slices later is a duplicate (not enrolled by
        its own file), an unreadable row keeps its number, and the budget runs out in file
        order across slices."""
        monkeypatch.setattr(importer, "SLICE", 3)
        program = await create_program(
            client, budget_idr=5 * 16_800 * 6, coverage_start="2026-07", coverage_end="2026-12"
        )
        rows = roster_rows(8)
        rows.insert(6, dict(rows[1]))  # row 7 repeats row 2
        rows[3] = rows[3] | {"sex": "?"}  # row 4 is unreadable
        response = await upload(client, program["id"], to_csv(rows), start_month="2026-07")
        assert response.status_code == 200, response.text
        report = response.json()
        assert (report["total_rows"], report["accepted"], report["accepted_cost_idr"]) == (
            9,
            5,
            5 * 16_800 * 6,
        )
        assert {r["row"]: [x["code"] for x in r["reasons"]] for r in report["rejections"]} == {
            4: ["INVALID_FIELD"],
            7: ["DUPLICATE_IN_FILE"],
            8: ["BUDGET_EXHAUSTED"],
            9: ["BUDGET_EXHAUSTED"],
        }
        assert (await figures(client, program["id"]))["remaining_idr"] == 0


class TestPenajamPaserUtara:
    async def test_rp_3_024_billion_takes_exactly_15000_and_refuses_the_15001st(
        self, client: httpx.AsyncClient
    ) -> None:
        program = await create_program(
            client,
            "6409",
            budget_idr=3_024_000_000,
            funding_source="APBD",
            coverage_start="2026-01",
            coverage_end="2026-12",
            target_workers=15_000,
        )
        rows = roster_rows(15_001, region="6409")
        first = await upload(
            client, program["id"], to_csv(rows[:15_000]), region="6409", start_month="2026-01"
        )
        assert first.json()["accepted"] == 15_000
        headers = auth("pemda", region="6409")
        budget = (await client.get(f"/v1/programs/{program['id']}", headers=headers)).json()
        assert budget["budget"]["remaining_idr"] == 0
        last = await client.post(
            f"/v1/programs/{program['id']}/enrolments",
            json={"worker": rows[15_000], "start_month": "2026-01"},
            headers=headers,
        )
        assert [r["code"] for r in assert_problem(last, 422, "INELIGIBLE")["reasons"]] == [
            "BUDGET_EXHAUSTED"
        ]


class TestNoBackdating:
    async def test_a_start_month_before_the_registration_month_refuses_every_row(
        self, client: httpx.AsyncClient, frozen_today: Any
    ) -> None:
        """R9: a roster uploaded on 20 May cannot buy April; the rows say why."""
        frozen_today(date(2026, 5, 20))
        program = await create_program(client, coverage_start="2026-01", coverage_end="2026-12")
        roster = to_csv(roster_rows(3))
        report = (await upload(client, program["id"], roster, start_month="2026-04")).json()
        assert (report["accepted"], report["rejected"]) == (0, 3)
        assert {x["code"] for r in report["rejections"] for x in r["reasons"]} == {
            "START_BEFORE_REGISTRATION"
        }
        assert (await figures(client, program["id"]))["committed_idr"] == 0

    async def test_without_start_month_cover_starts_in_the_registration_month(
        self, client: httpx.AsyncClient, frozen_today: Any
    ) -> None:
        frozen_today(date(2026, 5, 20))
        program = await create_program(client, coverage_start="2026-01", coverage_end="2026-12")
        report = (await upload(client, program["id"], to_csv(roster_rows(2)))).json()
        assert (report["accepted"], report["start_month"]) == (2, "2026-05")
        assert report["accepted_cost_idr"] == 2 * 8 * 16_800


class TestRowReasons:
    async def test_each_row_gets_its_own_reasons(self, client: httpx.AsyncClient) -> None:
        program = await create_program(client)
        good = roster_rows(3)
        rows = [
            good[0],
            good[1] | {"birth_date": "1950-01-01"},  # NIK mismatch and too old
            good[0],  # duplicate of row 1
            good[2] | {"domicile_region_code": "3575"},
            good[2] | {"nik": "12345"},
            good[2] | {"sex": "X", "occupation": "astronaut"},
            worker(serial=77, sex="L"),
        ]
        report = (await upload(client, program["id"], to_csv(rows), start_month="2026-07")).json()
        assert (report["accepted"], report["rejected"]) == (2, 5)
        by_row = {r["row"]: {x["code"] for x in r["reasons"]} for r in report["rejections"]}
        assert by_row == {
            2: {"NIK_MISMATCH", "AGE_OUT_OF_RANGE"},
            3: {"DUPLICATE_IN_FILE", "ALREADY_ENROLLED"} - {"ALREADY_ENROLLED"},
            4: {"NOT_RESIDENT"},
            5: {"NIK_INVALID"},
            6: {"INVALID_FIELD"},
        }
        assert all(r["nik_masked"].startswith("*") for r in report["rejections"])
        assert good[1]["nik"] not in str(report)

    async def test_optional_columns_and_sex_aliases_are_read(
        self, client: httpx.AsyncClient
    ) -> None:
        program = await create_program(client)
        row = roster_rows(1)[0] | {
            "phone": "081234567890",
            "village": "Bangil",
            "district": "Bangil",
            "kk_number": "3514010101010001",
            "monthly_income_idr": "1500000",
            "extreme_poor": "ya",
            "tobacco_sector": "0",
        }
        report = (await upload(client, program["id"], to_csv([row]))).json()
        assert report["accepted"] == 1, report
        listed = (await client.get("/v1/workers", headers=auth(**PEMDA_3514))).json()["items"]
        detail = (
            await client.get(f"/v1/workers/{listed[0]['id']}", headers=auth(**PEMDA_3514))
        ).json()
        assert (detail["sex"], detail["extreme_poor"], detail["tobacco_sector"]) == (
            "male",
            True,
            False,
        )

    async def test_already_enrolled_elsewhere_is_reported_per_row(
        self, client: httpx.AsyncClient
    ) -> None:
        kota = await create_program(client, "3575")
        rows = roster_rows(2, region="3575")
        await upload(client, kota["id"], to_csv(rows), region="3575")
        moved = [r | {"domicile_region_code": "3514"} for r in rows]
        program = await create_program(client)
        report = (await upload(client, program["id"], to_csv(moved))).json()
        assert [[x["code"] for x in r["reasons"]] for r in report["rejections"]] == [
            ["ALREADY_ENROLLED"],
            ["ALREADY_ENROLLED"],
        ]


class TestDryRun:
    async def test_dry_run_writes_nothing(self, client: httpx.AsyncClient) -> None:
        program = await create_program(client)
        report = (
            await upload(client, program["id"], to_csv(roster_rows(10)), dry_run="true")
        ).json()
        assert (report["dry_run"], report["accepted"]) == (True, 10)
        assert (await figures(client, program["id"]))["committed_idr"] == 0
        assert (await client.get("/v1/workers", headers=auth(**PEMDA_3514))).json()["items"] == []


class TestRefusals:
    async def test_anonymous_scope_and_other_region(self, client: httpx.AsyncClient) -> None:
        program = await create_program(client)
        url = f"/v1/programs/{program['id']}/enrolments/import"
        body = to_csv(roster_rows(1))
        assert_problem(await client.post(url, content=body, headers=CSV), 401)
        reader = auth("pemda", region="3514", scopes=["enrolments:read"])
        assert_problem(await client.post(url, content=body, headers=reader | CSV), 403)
        assert_problem(await client.post(url, content=body, headers=auth(**PEMDA_3575) | CSV), 404)

    async def test_not_csv_is_415(self, client: httpx.AsyncClient) -> None:
        program = await create_program(client)
        response = await client.post(
            f"/v1/programs/{program['id']}/enrolments/import",
            json={"rows": []},
            headers=auth(**PEMDA_3514),
        )
        assert_problem(response, 415, "UNSUPPORTED_MEDIA_TYPE")

    @pytest.mark.parametrize(
        "body",
        [
            b"",
            b"nik,full_name\n1,2\n",
            b"\xff\xfe\x00garbage",
            b"nik,full_name,birth_date,sex,domicile_region_code,occupation\n",
            b'nik,full_name,birth_date,sex,domicile_region_code,occupation\n"unterminated\n',
        ],
    )
    async def test_unreadable_files_are_422(self, client: httpx.AsyncClient, body: bytes) -> None:
        program = await create_program(client)
        response = await upload(client, program["id"], body)
        assert 400 <= response.status_code < 500
        assert_problem(response, 422, "INVALID_CSV")

    async def test_a_file_over_the_size_limit_is_413(self, client: httpx.AsyncClient) -> None:
        program = await create_program(client)
        big = b"nik,full_name,birth_date,sex,domicile_region_code,occupation\n" + (
            b"x" * 21_000_000
        )
        assert_problem(await upload(client, program["id"], big), 413, "PAYLOAD_TOO_LARGE")

    async def test_too_many_rows_is_413(self, client: httpx.AsyncClient) -> None:
        program = await create_program(client)
        from app.config import current_settings, get_settings
        from app.main import app

        small = get_settings().model_copy(update={"max_csv_rows": 5})
        app.dependency_overrides[current_settings] = lambda: small
        try:
            response = await upload(client, program["id"], to_csv(roster_rows(6)))
        finally:
            app.dependency_overrides.clear()
        assert_problem(response, 413, "TOO_MANY_ROWS")

    async def test_idempotent_retry_does_not_enrol_twice(self, client: httpx.AsyncClient) -> None:
        program = await create_program(client)
        key = {"Idempotency-Key": "roster-2026-07"}
        body = to_csv(roster_rows(5))
        first = await upload(client, program["id"], body, headers=key)
        second = await upload(client, program["id"], body, headers=key)
        assert first.json() == second.json()
        assert first.json()["accepted"] == 5
        assert (await figures(client, program["id"]))[
            "committed_idr"
        ] == 5 * 16_800 * 6  # July-December
