"""`GET /v1/enrolments` as a file: CSV or .xlsx, every matching row of the territory."""

import csv
import io
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook
from sqlalchemy import event

from app.db import database
from app.enrolments import export
from app.exports import FileFormat
from tests.conftest import (
    BPJS_BALIKPAPAN,
    BPJS_PASURUAN,
    PEMDA_3514,
    PEMDA_3575,
    assert_problem,
    auth,
)
from tests.factories import create_program, worker

pytestmark = pytest.mark.usefixtures("regions")

CSV = {"accept": "text/csv"}
XLSX = {"accept": FileFormat.xlsx.value}
PEMDA = auth(**PEMDA_3514)
BPJS = auth(**BPJS_PASURUAN)
INJECTED = ['=HYPERLINK("http://evil.example","klik")', "+62 812 3456", "-1+2", "@SUM(A1:A9)"]


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Three rows a statement, so that a handful of enrolments take several chunks."""
    monkeypatch.setattr(export, "CHUNK", 3)


@pytest.fixture
async def enrolled(client: httpx.AsyncClient, frozen_today: Any) -> dict[str, Any]:
    """Kab. Pasuruan: 7 enrolments (4 activated, 4 names that look like formulas); Kota
    Pasuruan: 2."""
    frozen_today(date(2026, 7, 10))
    found: dict[str, Any] = {}
    for region, count in (("3514", 7), ("3575", 2)):
        program = await create_program(client, region)
        people = []
        for serial in range(1, count + 1):
            person = worker(serial, region=region)
            if region == "3514" and serial <= len(INJECTED):
                person["full_name"] = INJECTED[serial - 1]
            response = await client.post(
                f"/v1/programs/{program['id']}/enrolments",
                json={"worker": person},
                headers=auth("pemda", region=region),
            )
            assert response.status_code == 201, response.text
            people.append(person | {"enrolment_id": response.json()["id"]})
        found[region] = {"program": program, "people": people}
    for person in found["3514"]["people"][:4]:
        response = await client.post(
            f"/v1/enrolments/{person['enrolment_id']}/activate", json={}, headers=BPJS
        )
        assert response.status_code == 200, response.text
    return found


def csv_rows(response: httpx.Response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    reader = csv.DictReader(io.StringIO(response.text))
    assert reader.fieldnames == export.COLUMNS
    return list(reader)


async def json_pages(
    client: httpx.AsyncClient, headers: dict[str, str], **params: Any
) -> list[dict[str, Any]]:
    """Every item of the JSON list, page after page."""
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        query = params | ({"cursor": cursor} if cursor else {})
        page = (await client.get("/v1/enrolments", params=query, headers=headers)).json()
        items += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return items


@contextmanager
def statements() -> Iterator[list[str]]:
    """The SQL the block runs."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    assert database.engine is not None
    event.listen(database.engine.sync_engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(database.engine.sync_engine, "before_cursor_execute", record)


class TestRefusals:
    async def test_anonymous_401_missing_scope_403(self, client: httpx.AsyncClient) -> None:
        for accept in (CSV, XLSX):
            assert_problem(await client.get("/v1/enrolments", headers=accept), 401)
            no_scope = auth("pemda", region="3514", scopes=["invoices:read"])
            assert_problem(await client.get("/v1/enrolments", headers=no_scope | accept), 403)
            for role in ("service", "admin"):
                response = await client.get("/v1/enrolments", headers=auth(role) | accept)
                assert_problem(response, 403)


class TestCsv:
    async def test_every_matching_row_of_every_page(
        self, client: httpx.AsyncClient, enrolled: dict[str, Any]
    ) -> None:
        pages = await json_pages(client, PEMDA, limit=3)
        assert len(pages) == 7
        # limit and cursor page the JSON; the file holds every row, in the same order, read
        # from the database a chunk (here 3 rows) at a time.
        with statements() as seen:
            response = await client.get("/v1/enrolments", params={"limit": 3}, headers=PEMDA | CSV)
        rows = csv_rows(response)
        assert [r["enrolment_id"] for r in rows] == [e["id"] for e in pages]
        assert len([s for s in seen if "FROM enrolments JOIN workers" in s]) == 3
        for status, count in (("active", 4), ("pending", 3), ("rejected", 0)):
            listed = await json_pages(client, PEMDA, limit=2, status=status)
            exported = csv_rows(
                await client.get("/v1/enrolments", params={"status": status}, headers=PEMDA | CSV)
            )
            assert len(exported) == len(listed) == count
            assert {r["status"] for r in exported} <= {status}
        program_id = enrolled["3514"]["program"]["id"]
        by_program = csv_rows(
            await client.get(
                "/v1/enrolments", params={"program_id": program_id}, headers=BPJS | CSV
            )
        )
        assert len(by_program) == 7 and {r["program_id"] for r in by_program} == {program_id}
        one = enrolled["3514"]["people"][5]
        by_nik = csv_rows(
            await client.get("/v1/enrolments", params={"nik": one["nik"]}, headers=PEMDA | CSV)
        )
        assert [r["enrolment_id"] for r in by_nik] == [one["enrolment_id"]]

    async def test_a_row_says_what_the_json_says(
        self, client: httpx.AsyncClient, enrolled: dict[str, Any]
    ) -> None:
        person = enrolled["3514"]["people"][0]
        shown = (await client.get(f"/v1/enrolments/{person['enrolment_id']}", headers=PEMDA)).json()
        rows = csv_rows(await client.get("/v1/enrolments", headers=PEMDA | CSV))
        row = next(r for r in rows if r["enrolment_id"] == person["enrolment_id"])
        for field in ("status", "start_month", "end_month", "kpj_number", "registered_on"):
            assert row[field] == str(shown[field]), field
        assert row["monthly_contribution_idr"] == "16800" and row["cost_idr"] == "100800"
        assert (row["coverage_status"], row["covered"]) == (shown["coverage"]["status"], "false")
        assert row["rejection_reason"] == row["terminated_at"] == ""

    async def test_full_niks_in_the_file_masked_in_json_for_every_reading_role(
        self, client: httpx.AsyncClient, enrolled: dict[str, Any]
    ) -> None:
        """The invoice CSV's rule: a file for the caller's own records carries full NIKs."""
        pasuruan = {p["nik"] for p in enrolled["3514"]["people"]}
        kota = {p["nik"] for p in enrolled["3575"]["people"]}
        for headers, expected in (
            (PEMDA, pasuruan),
            (auth(**PEMDA_3575), kota),
            (BPJS, pasuruan | kota),
            (auth("bpjs"), pasuruan | kota),
        ):
            rows = csv_rows(await client.get("/v1/enrolments", headers=headers | CSV))
            assert {r["nik"] for r in rows} == expected
            listed = await json_pages(client, headers)
            assert {e["nik_masked"] for e in listed} == {"*" * 12 + n[-4:] for n in expected}
            assert not any(n in str(listed) for n in expected)

    async def test_other_regions_rows_are_absent(
        self, client: httpx.AsyncClient, enrolled: dict[str, Any]
    ) -> None:
        rows = csv_rows(await client.get("/v1/enrolments", headers=auth(**PEMDA_3575) | CSV))
        assert {r["region_code"] for r in rows} == {"3575"} and len(rows) == 2
        outside = await client.get("/v1/enrolments", headers=auth(**BPJS_BALIKPAPAN) | CSV)
        assert csv_rows(outside) == []
        # Another region's programme narrows to nothing rather than revealing it.
        program_id = enrolled["3514"]["program"]["id"]
        theirs = await client.get(
            "/v1/enrolments", params={"program_id": program_id}, headers=auth(**PEMDA_3575) | CSV
        )
        assert csv_rows(theirs) == []

    async def test_formula_like_names_get_a_leading_apostrophe(
        self, client: httpx.AsyncClient, enrolled: dict[str, Any]
    ) -> None:
        rows = csv_rows(await client.get("/v1/enrolments", headers=PEMDA | CSV))
        names = {r["full_name"] for r in rows}
        assert {"'" + n for n in INJECTED} <= names
        assert {"Pekerja 5", "Pekerja 6", "Pekerja 7"} <= names

    async def test_an_attachment_with_a_sensible_name_and_json_by_default(
        self, client: httpx.AsyncClient, enrolled: dict[str, Any]
    ) -> None:
        response = await client.get("/v1/enrolments", headers=PEMDA | CSV)
        assert response.headers["content-disposition"] == (
            'attachment; filename="enrolments-3514-2026-07-10.csv"'
        )
        program_id = enrolled["3514"]["program"]["id"]
        response = await client.get(
            "/v1/enrolments", params={"program_id": program_id}, headers=BPJS | XLSX
        )
        assert response.headers["content-disposition"] == (
            f'attachment; filename="enrolments-{program_id}-2026-07-10.xlsx"'
        )
        for accept in ({}, {"accept": "application/json"}, {"accept": "*/*"}):
            default = await client.get("/v1/enrolments", headers=PEMDA | accept)
            assert default.headers["content-type"] == "application/json"
            assert len(default.json()["items"]) == 7


class TestXlsx:
    async def test_the_workbook_reads_back_with_openpyxl(
        self, client: httpx.AsyncClient, enrolled: dict[str, Any]
    ) -> None:
        response = await client.get("/v1/enrolments", params={"limit": 2}, headers=PEMDA | XLSX)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == FileFormat.xlsx.value
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert sheet is not None and sheet.title == "enrolments"
        assert {c.data_type for c in sheet["F"]} == {"s"}  # names are text, never formulas
        header, *rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        assert header == export.COLUMNS
        assert len(rows) == 7
        by_column = [dict(zip(header, r, strict=True)) for r in rows]
        assert {r["nik"] for r in by_column} == {p["nik"] for p in enrolled["3514"]["people"]}
        assert {r["cost_idr"] for r in by_column} == {100_800}  # numbers stay numbers
        assert {r["registered_on"].date() for r in by_column} == {date(2026, 7, 10)}
        assert {"'" + n for n in INJECTED} <= {r["full_name"] for r in by_column}
        outside = await client.get("/v1/enrolments", headers=auth(**BPJS_BALIKPAPAN) | XLSX)
        empty = load_workbook(io.BytesIO(outside.content), read_only=True).active
        assert empty is not None and len(list(empty.iter_rows(values_only=True))) == 1


class TestInvoiceCsvAlike:
    async def test_the_invoice_csv_guards_names_the_same_way(
        self, client: httpx.AsyncClient, enrolled: dict[str, Any]
    ) -> None:
        program_id = enrolled["3514"]["program"]["id"]
        issued = await client.post(
            f"/v1/programs/{program_id}/invoices",
            json={"from_month": "2026-07", "to_month": "2026-07"},
            headers=BPJS,
        )
        assert issued.status_code == 201, issued.text
        lines = await client.get(f"/v1/invoices/{issued.json()['id']}/lines", headers=PEMDA | CSV)
        names = {r["full_name"] for r in csv.DictReader(io.StringIO(lines.text))}
        assert names == {"'" + n for n in INJECTED}
