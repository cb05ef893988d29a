"""Rosters as regions have them (R11): `;` CSV, .xlsx workbooks, form uploads, Indonesian
values, the downloadable template, and the ids an import created."""

import csv
import io
from datetime import date, datetime
from typing import Any

import httpx
import pytest
from openpyxl import Workbook, load_workbook

from app.enrolments import importer
from app.enrolments.roster_values import COLUMNS
from tests.conftest import PEMDA_3514, PEMDA_3575, assert_problem, auth
from tests.factories import create_program, roster_rows, to_csv

pytestmark = pytest.mark.usefixtures("regions")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PEMDA = auth(**PEMDA_3514)


def xlsx(rows: list[list[Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def import_url(program: dict[str, Any]) -> str:
    return f"/v1/programs/{program['id']}/enrolments/import"


def template_url(program: dict[str, Any]) -> str:
    return f"/v1/programs/{program['id']}/enrolments/import/template"


async def post(
    client: httpx.AsyncClient,
    program: dict[str, Any],
    body: bytes,
    content_type: str,
    **params: Any,
) -> httpx.Response:
    return await client.post(
        import_url(program),
        content=body,
        params=params,
        headers=PEMDA | {"content-type": content_type},
    )


async def post_file(
    client: httpx.AsyncClient,
    program: dict[str, Any],
    name: str,
    body: bytes,
    content_type: str = "application/octet-stream",
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    return await client.post(
        import_url(program),
        files={"file": (name, body, content_type)},
        headers=PEMDA | (headers or {}),
    )


async def worker_by_nik(client: httpx.AsyncClient, nik: str) -> dict[str, Any]:
    listed = await client.get("/v1/workers", params={"nik": nik}, headers=PEMDA)
    (summary,) = listed.json()["items"]
    detail: dict[str, Any] = (
        await client.get(f"/v1/workers/{summary['id']}", headers=PEMDA)
    ).json()
    return detail


async def enrolment_ids(client: httpx.AsyncClient, program: dict[str, Any]) -> set[str]:
    page = await client.get(
        "/v1/enrolments", params={"program_id": program["id"], "limit": 100}, headers=PEMDA
    )
    return {e["id"] for e in page.json()["items"]}


class TestSemicolonCsv:
    async def test_a_roster_saved_by_excel_on_indonesian_settings_is_read(
        self, client: httpx.AsyncClient
    ) -> None:
        """`;` between values, so a comma inside a value is just a comma."""
        program = await create_program(client)
        rows = [r | {"address": "Jl. Raya Bangil, RT 02"} for r in roster_rows(3)]
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), delimiter=";", lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
        assert '"' not in out.getvalue()  # no quoting needed: `;` separates
        response = await post(client, program, out.getvalue().encode("utf-8-sig"), "text/csv")
        assert response.status_code == 200, response.text
        assert (response.json()["accepted"], response.json()["rejected"]) == (3, 0)
        worker = await worker_by_nik(client, rows[0]["nik"])
        assert worker["address"] == "Jl. Raya Bangil, RT 02"

    async def test_a_semicolon_file_missing_a_column_names_it(
        self, client: httpx.AsyncClient
    ) -> None:
        program = await create_program(client)
        body = b"nik;full_name;birth_date;sex;domicile_region_code\n1;2;3;4;5\n"
        problem = assert_problem(await post(client, program, body, "text/csv"), 422, "INVALID_CSV")
        assert problem["detail"].startswith("Missing columns: occupation.")


class TestXlsx:
    async def test_numbers_dates_and_labels_as_excel_holds_them(
        self, client: httpx.AsyncClient
    ) -> None:
        """A NIK stored as a number keeps its 16 digits; a birth date cell is a date."""
        program = await create_program(client)
        first, second, third = roster_rows(12)[9:12]  # born 1980-11-11, 1981-12-12, 1982-01-13
        body = xlsx(
            [
                ["NIK", "Full Name", "birth_date", "Sex", "domicile_region_code", "Occupation"],
                [int(first["nik"]), "Ani", date(1980, 11, 11), "Perempuan", 3514, "Petani"],
                [],  # a blank row is skipped, as in a CSV
                [
                    float(second["nik"]),
                    "Budi",
                    datetime(1981, 12, 12),
                    "Laki-laki",
                    "3514",
                    "Buruh Tani Tembakau",
                ],
                [third["nik"], "Cici", "13/01/1982", "P", "3514", "nelayan"],
            ]
        )
        response = await post(client, program, body, XLSX)
        assert response.status_code == 200, response.text
        report = response.json()
        assert (report["total_rows"], report["accepted"]) == (3, 3), report
        worker = await worker_by_nik(client, first["nik"])
        assert (worker["nik"], worker["birth_date"], worker["sex"]) == (
            first["nik"],
            "1980-11-11",
            "female",
        )
        assert (await worker_by_nik(client, second["nik"]))["occupation"] == "buruh_tani_tembakau"
        assert (await worker_by_nik(client, third["nik"]))["birth_date"] == "1982-01-13"

    async def test_a_nik_too_long_for_an_exact_number_is_refused_not_guessed(
        self, client: httpx.AsyncClient
    ) -> None:
        """9471… is beyond 2^53: a double cannot hold it exactly, so the row is refused."""
        program = await create_program(client)
        row = roster_rows(1)[0]
        body = xlsx([list(row), [9471011708909999, *list(row.values())[1:]]])
        report = (await post(client, program, body, XLSX)).json()
        assert report["accepted"] == 0
        assert [x["code"] for x in report["rejections"][0]["reasons"]] == ["NIK_INVALID"]

    @pytest.mark.parametrize(
        "body",
        [b"nik,full_name\n", b"PK\x03\x04not really a zip", xlsx([["nik", "full_name"], [1, 2]])],
        ids=["text", "broken-zip", "missing-columns"],
    )
    async def test_unreadable_workbooks_are_422(
        self, client: httpx.AsyncClient, body: bytes
    ) -> None:
        program = await create_program(client)
        assert_problem(await post(client, program, body, XLSX), 422, "INVALID_XLSX")

    async def test_a_tiny_workbook_declaring_billions_of_cells_is_422_and_the_service_lives(
        self, client: httpx.AsyncClient
    ) -> None:
        """Two cells, A1 and XFD1048576: calamine would allocate 550 GB and abort its process."""
        workbook = Workbook()
        sheet = workbook.active
        assert sheet is not None
        sheet["A1"] = "nik"
        sheet.cell(row=1_048_576, column=16_384, value="x")
        out = io.BytesIO()
        workbook.save(out)
        program = await create_program(client)
        problem = assert_problem(await post(client, program, out.getvalue(), XLSX), 422)
        assert problem["code"] == "INVALID_XLSX"
        assert (await client.get("/healthz")).status_code == 200

    async def test_too_many_rows_is_413(self, client: httpx.AsyncClient) -> None:
        from app.config import current_settings, get_settings
        from app.main import app

        program = await create_program(client)
        rows = roster_rows(6)
        body = xlsx([list(rows[0])] + [list(r.values()) for r in rows])
        small = get_settings().model_copy(update={"max_csv_rows": 5})
        app.dependency_overrides[current_settings] = lambda: small
        try:
            response = await post(client, program, body, XLSX)
        finally:
            app.dependency_overrides.clear()
        assert_problem(response, 413, "TOO_MANY_ROWS")


class TestForm:
    async def test_a_csv_file_field(self, client: httpx.AsyncClient) -> None:
        """What Swagger UI's "Choose file" and generated clients send; Windows browsers label
        a .csv `application/vnd.ms-excel`."""
        program = await create_program(client)
        response = await post_file(
            client, program, "roster.csv", to_csv(roster_rows(4)), "application/vnd.ms-excel"
        )
        assert response.status_code == 200, response.text
        assert response.json()["accepted"] == 4

    async def test_an_xlsx_file_field_is_known_by_its_zip_signature(
        self, client: httpx.AsyncClient
    ) -> None:
        program = await create_program(client)
        rows = roster_rows(2)
        body = xlsx([list(rows[0])] + [list(r.values()) for r in rows])
        response = await post_file(client, program, "daftar pekerja", body)
        assert response.status_code == 200, response.text
        assert response.json()["accepted"] == 2

    async def test_a_file_named_xlsx_that_is_not_a_workbook_is_422(
        self, client: httpx.AsyncClient
    ) -> None:
        program = await create_program(client)
        response = await post_file(client, program, "roster.xlsx", to_csv(roster_rows(1)))
        assert_problem(response, 422, "INVALID_XLSX")

    async def test_a_form_without_a_file_field_is_422(self, client: httpx.AsyncClient) -> None:
        program = await create_program(client)
        response = await client.post(
            import_url(program),
            files={"roster": ("roster.csv", to_csv(roster_rows(1)), "text/csv")},
            headers=PEMDA,
        )
        problem = assert_problem(response, 422, "VALIDATION_FAILED")
        assert problem["errors"][0]["loc"] == ["body", "file"]

    async def test_a_form_above_the_json_limit_is_read_up_to_the_file_limit(
        self, client: httpx.AsyncClient
    ) -> None:
        """1.5 MB (over the 1 MB JSON limit): blank lines after three rows."""
        program = await create_program(client)
        body = to_csv(roster_rows(3)) + b"\n" * 1_500_000
        response = await post_file(client, program, "roster.csv", body, "text/csv")
        assert response.status_code == 200, response.text
        assert response.json()["accepted"] == 3

    @pytest.mark.parametrize("form", [True, False], ids=["form", "xlsx-body"])
    async def test_a_file_over_the_size_limit_is_413(
        self, client: httpx.AsyncClient, form: bool
    ) -> None:
        program = await create_program(client)
        big = b"PK\x03\x04" + b"x" * 21_000_000
        if form:
            response = await post_file(client, program, "roster.xlsx", big)
        else:
            response = await post(client, program, big, XLSX)
        assert_problem(response, 413, "PAYLOAD_TOO_LARGE")

    async def test_an_idempotent_retry_of_a_form_repeats_the_answer(
        self, client: httpx.AsyncClient
    ) -> None:
        """Each retry has another multipart boundary: the file, not the body, is compared."""
        program = await create_program(client)
        key = {"Idempotency-Key": "roster-form-1"}
        body = to_csv(roster_rows(3))
        first = await post_file(client, program, "roster.csv", body, headers=key)
        second = await post_file(client, program, "roster.csv", body, headers=key)
        assert second.status_code == 200, second.text
        assert second.headers.get("Idempotent-Replayed") == "true"
        assert first.json() == second.json()
        assert len(await enrolment_ids(client, program)) == 3
        other = await post_file(client, program, "roster.csv", to_csv(roster_rows(2)), headers=key)
        assert_problem(other, 409, "IDEMPOTENCY_KEY_REUSED")


class TestContentTypes:
    @pytest.mark.parametrize(
        "content_type", ["application/json", "application/octet-stream", "text/plain"]
    )
    async def test_other_content_types_are_415_naming_the_accepted_ones(
        self, client: httpx.AsyncClient, content_type: str
    ) -> None:
        program = await create_program(client)
        response = await post(client, program, to_csv(roster_rows(1)), content_type)
        detail = assert_problem(response, 415, "UNSUPPORTED_MEDIA_TYPE")["detail"]
        assert all(t in detail for t in ("text/csv", XLSX, "multipart/form-data", "`file`"))


class TestIndonesianValues:
    async def test_labels_and_day_first_dates_are_accepted(self, client: httpx.AsyncClient) -> None:
        program = await create_program(client)
        rows = roster_rows(12)[9:12]  # born 1980-11-11 (woman), 1981-12-12 (man), 1982-01-13
        written = [
            {"sex": "perempuan", "occupation": "Petani", "birth_date": "11/11/1980"},
            {"sex": "LAKI-LAKI", "occupation": "Buruh Tani Tembakau", "birth_date": "12-12-1981"},
            {"sex": "P", "occupation": "buruh_tani_tembakau", "birth_date": "13/01/1982"},
        ]
        body = to_csv([r | w for r, w in zip(rows, written, strict=True)])
        report = (await post(client, program, body, "text/csv")).json()
        assert (report["accepted"], report["rejections"]) == (3, [])
        worker = await worker_by_nik(client, rows[2]["nik"])
        assert (worker["sex"], worker["occupation"], worker["birth_date"]) == (
            "female",
            "buruh_tani_tembakau",
            "1982-01-13",
        )

    async def test_a_refused_value_says_what_is_accepted(self, client: httpx.AsyncClient) -> None:
        program = await create_program(client)
        body = to_csv([roster_rows(1)[0] | {"sex": "X", "occupation": "Astronot"}])
        report = (await post(client, program, body, "text/csv")).json()
        details = [x["detail"] for x in report["rejections"][0]["reasons"]]
        assert details[0] == "sex is not accepted; use L/P, Laki-laki/Perempuan or male/female."
        assert details[1].startswith("occupation is not accepted; use one of petani, buruh_tani,")
        assert "Astronot" not in str(report)


class TestTemplate:
    async def test_anonymous_scope_and_other_region(self, client: httpx.AsyncClient) -> None:
        program = await create_program(client)
        url = template_url(program)
        assert_problem(await client.get(url), 401)
        reader = auth("pemda", region="3514", scopes=["enrolments:read"])
        assert_problem(await client.get(url, headers=reader), 403)
        assert_problem(await client.get(url, headers=auth(**PEMDA_3575)), 404, "PROGRAM_NOT_FOUND")

    @pytest.mark.parametrize(
        ("accept", "media_type"),
        [
            ("*/*", "text/csv"),
            ("application/json", "text/csv"),
            (f"text/csv;q=0.5, {XLSX}", XLSX),
            (f"{XLSX};q=0, text/csv", "text/csv"),
        ],
    )
    async def test_accept_is_weighed_as_for_exports(
        self, client: httpx.AsyncClient, accept: str, media_type: str
    ) -> None:
        program = await create_program(client)
        response = await client.get(template_url(program), headers=PEMDA | {"accept": accept})
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith(media_type)

    async def test_csv_template_imports_as_it_is(self, client: httpx.AsyncClient) -> None:
        program = await create_program(client)
        response = await client.get(template_url(program), headers=PEMDA)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/csv")
        assert response.headers["content-disposition"] == (
            'attachment; filename="roster-template-3514.csv"'
        )
        (example,) = list(csv.DictReader(io.StringIO(response.text)))
        assert list(example) == list(COLUMNS)
        assert example["domicile_region_code"] == "3514"
        assert example["nik"].startswith("3514")
        report = (await post(client, program, response.content, "text/csv")).json()
        assert (report["accepted"], report["rejections"]) == (1, [])
        assert (await worker_by_nik(client, example["nik"]))["full_name"] == example["full_name"]

    async def test_xlsx_template_keeps_the_nik_as_text_and_imports_as_it_is(
        self, client: httpx.AsyncClient
    ) -> None:
        program = await create_program(client, "3575")
        headers = auth(**PEMDA_3575)
        response = await client.get(template_url(program), headers=headers | {"accept": XLSX})
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == XLSX
        assert response.headers["content-disposition"] == (
            'attachment; filename="roster-template-3575.xlsx"'
        )
        workbook = load_workbook(io.BytesIO(response.content))
        sheet = workbook.worksheets[0]
        header, example = ([c.value for c in row] for row in sheet.iter_rows(max_row=2))
        assert header == list(COLUMNS)
        nik = example[0]
        assert isinstance(nik, str) and nik.startswith("3575") and len(nik) == 16
        assert isinstance(example[2], datetime)  # a real date cell
        assert workbook.sheetnames[1] == "Petunjuk"
        upload = await client.post(
            import_url(program),
            files={"file": ("roster-template-3575.xlsx", response.content, XLSX)},
            headers=headers,
        )
        report = upload.json()
        assert (report["accepted"], report["rejections"]) == (1, []), report


class TestCreatedIds:
    async def test_the_report_lists_the_enrolments_it_created_in_file_order(
        self, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(importer, "SLICE", 2)  # across slices
        program = await create_program(client)
        rows = roster_rows(5)
        rows[2] = rows[2] | {"sex": "?"}  # refused: no enrolment
        report = (await post(client, program, to_csv(rows), "text/csv")).json()
        ids = report["created_enrolment_ids"]
        assert (report["accepted"], len(ids)) == (4, 4)
        assert set(ids) == await enrolment_ids(client, program)
        accepted = [r for n, r in enumerate(rows, start=1) if n != 3]
        for enrolment_id, row in zip(ids, accepted, strict=True):
            enrolment = (await client.get(f"/v1/enrolments/{enrolment_id}", headers=PEMDA)).json()
            assert enrolment["nik_masked"].endswith(row["nik"][-4:])

    async def test_a_dry_run_creates_none(self, client: httpx.AsyncClient) -> None:
        program = await create_program(client)
        body = to_csv(roster_rows(3))
        report = (await post(client, program, body, "text/csv", dry_run="true")).json()
        assert (report["accepted"], report["created_enrolment_ids"]) == (3, [])
