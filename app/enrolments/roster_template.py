"""The roster template a pemda fills in (R11): every column and one example row that the
programme would accept, as CSV or as an .xlsx workbook with its NIK columns kept as text."""

import csv
import io
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from app.enrolments.roster_values import ACCEPTED, COLUMNS, REQUIRED_COLUMNS
from app.exports import FileFormat
from app.programs.models import Program

TEXT_COLUMNS = ("nik", "kk_number", "phone")  # digits that are not numbers: no 3.5e15, no lost 0
DATE_FORMAT = "DD/MM/YYYY"


def example_row(region_code: str, age: int, today: date) -> dict[str, Any]:
    """A person of the region, born 17 August `age` years ago. The NIK's serial 9999 is the
    last a kecamatan could give on one birth date, so it is no one's in practice; the row is
    there to be replaced."""
    birth = date(today.year - age, 8, 17)
    return {
        "nik": f"{region_code}01{birth:%d%m%y}9999",
        "full_name": "Contoh Nama Pekerja",
        "birth_date": birth,
        "sex": "L",
        "domicile_region_code": region_code,
        "occupation": "petani",
        "phone": "081234567890",
        "address": "",
        "village": "",
        "district": "",
        "kk_number": "",
        "monthly_income_idr": 1_500_000,
        "extreme_poor": "tidak",
        "tobacco_sector": "ya",
    }


def _example(program: Program, today: date) -> dict[str, Any]:
    """One the programme would take: in its region, of the middle of its age range."""
    return example_row(program.region_code, (program.min_age + program.max_age) // 2, today)


def _csv(row: dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerow(row | {"birth_date": f"{row['birth_date']:%d/%m/%Y}"})
    return out.getvalue()


def template_csv(program: Program, today: date) -> bytes:
    return _csv(_example(program, today)).encode()


def template_xlsx(program: Program, today: date) -> bytes:
    """First sheet: the roster (the one an import reads). Second: what each column takes."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Roster"
    sheet.append(list(COLUMNS))
    sheet.append([value if value != "" else None for value in _example(program, today).values()])
    sheet.freeze_panes = "A2"
    for index, column in enumerate(COLUMNS, start=1):
        header = sheet.cell(row=1, column=index)
        header.font = Font(bold=True)
        letter = header.column_letter
        sheet.column_dimensions[letter].width = max(14, len(column) + 4)
        example = sheet.cell(row=2, column=index)
        if column in TEXT_COLUMNS:
            # The whole column, so that what is typed below stays text in Excel too.
            sheet.column_dimensions[letter].number_format = "@"
            example.number_format = "@"
        elif column == "birth_date":
            sheet.column_dimensions[letter].number_format = DATE_FORMAT
            example.number_format = DATE_FORMAT
    help_sheet = workbook.create_sheet("Petunjuk")
    help_sheet.append(["Fill in the first sheet, one row per worker; delete the example row."])
    help_sheet.append(["column", "required", "accepted"])
    for column in COLUMNS:
        help_sheet.append([column, "yes" if column in REQUIRED_COLUMNS else "no", ACCEPTED[column]])
    help_sheet.column_dimensions["A"].width = 24
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


TEMPLATES = {FileFormat.csv: template_csv, FileFormat.xlsx: template_xlsx}

RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The template, as an attachment: CSV by default; with `Accept: "
        f"{FileFormat.xlsx.value}` a workbook whose first sheet is the roster (NIK, KK and "
        "phone columns kept as text) and whose second lists what each column accepts.",
        "content": {
            FileFormat.csv.value: {
                "schema": {"type": "string"},
                "example": _csv(example_row("3514", 40, date(2026, 1, 5))),
            },
            FileFormat.xlsx.value: {"schema": {"type": "string", "format": "binary"}},
        },
    }
}
