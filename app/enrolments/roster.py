"""A roster file as it arrives (R11): CSV with `,` or `;` between values (Excel on Indonesian
settings saves `;`), or an .xlsx workbook; sent as the body or as the `file` field of a form.
Whatever the format, the rows come out as text by column name, read as they are asked for."""

import asyncio
import csv
import io
import logging
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from starlette.datastructures import UploadFile

from app.enrolments.roster_values import ACCEPTED, OPTIONAL_COLUMNS, REQUIRED_COLUMNS
from app.errors import DomainError, PayloadTooLarge, UnsupportedMediaType
from app.exports import FileFormat
from app.i18n import msg
from app.programs.costing import Occupation
from app.workers import nik as nik_rules

log = logging.getLogger(__name__)

ZIP_SIGNATURE = b"PK\x03\x04"  # an .xlsx workbook is a ZIP archive
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0"  # Excel 97-2003 .xls
XLSX_READER = Path(__file__).with_name("xlsx_reader.py")
XLSX_MEMORY_BYTES = 1 << 30  # for the reading process: far beyond any workbook under the limit
XLSX_SECONDS = 120


FORM = "multipart/form-data"

REQUEST_BODY = {  # OpenAPI: the import's body, which FastAPI cannot infer from the signature
    "required": True,
    "description": "A roster with a header row: CSV (values separated by `,` or `;`), an .xlsx "
    "workbook (its first sheet), or either as the `file` field of a form. Required columns: "
    + ", ".join(REQUIRED_COLUMNS)
    + "; optional: "
    + ", ".join(OPTIONAL_COLUMNS)
    + ". `sex`: "
    + ACCEPTED["sex"].removeprefix("use ")
    + "; `occupation`: the codes below or their labels in any case (`Buruh Tani Tembakau`); "
    "`birth_date`: "
    + ACCEPTED["birth_date"].removeprefix("use ")
    + "; `extreme_poor`, `tobacco_sector`: "
    + ACCEPTED["extreme_poor"].removeprefix("use ")
    + ". Occupations: "
    + ", ".join(o.value for o in Occupation)
    + ". `GET …/enrolments/import/template` gives a file to fill in.",
    "content": {
        FileFormat.csv.value: {
            "schema": {"type": "string"},
            "example": ",".join(REQUIRED_COLUMNS)
            + "\n3514011708900001,Budi Santoso,17/08/1990,L,3514,petani\n",
        },
        FileFormat.xlsx.value: {"schema": {"type": "string", "format": "binary"}},
        FORM: {
            "schema": {
                "type": "object",
                "required": ["file"],
                "properties": {
                    "file": {
                        "type": "string",
                        "format": "binary",
                        "description": "The roster: a .csv or .xlsx file",
                    }
                },
            }
        },
    },
}


class InvalidRoster(DomainError):
    status = 422


class InvalidCsv(InvalidRoster):
    code, title = "INVALID_CSV", "The roster is not a readable CSV file"


class InvalidXlsx(InvalidRoster):
    code, title = "INVALID_XLSX", "The roster is not a readable .xlsx workbook"


class TooManyRows(PayloadTooLarge):
    code, title = "TOO_MANY_ROWS", "The roster has too many rows"


@dataclass(frozen=True)
class RosterFile:
    format: FileFormat
    content: bytes
    from_form: bool = False  # the bytes are a form's file, not the request body


def _media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


def _file_format(upload: UploadFile, content: bytes) -> FileFormat:
    """A form's file is a workbook when it is a ZIP archive or says it is an .xlsx; browsers
    label a .csv file in many ways (`application/vnd.ms-excel` on Windows), so else CSV."""
    if (
        content.startswith(ZIP_SIGNATURE)
        or (upload.filename or "").lower().endswith(".xlsx")
        or (upload.content_type or "").lower().startswith(FileFormat.xlsx.value)
    ):
        return FileFormat.xlsx
    return FileFormat.csv


async def received(request: Request) -> RosterFile:
    """The roster of the request: the body of a `text/csv` or .xlsx request, or the `file`
    field of a form (what generated clients and Swagger UI's "Choose file" send)."""
    media_type = _media_type(request)
    if media_type == FileFormat.csv.value:
        return RosterFile(FileFormat.csv, await request.body())
    if media_type == FileFormat.xlsx.value:
        return RosterFile(FileFormat.xlsx, await request.body())
    if media_type != FORM:
        raise UnsupportedMediaType(
            msg(
                "roster.media_type",
                csv=FileFormat.csv.value,
                xlsx=FileFormat.xlsx.value,
                form=FORM,
            )
        )
    form = await request.form(max_files=1, max_fields=10)
    try:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            missing = {"loc": ("body", "file"), "msg": "Field required", "type": "missing"}
            raise RequestValidationError([missing])
        content = await upload.read()
        return RosterFile(_file_format(upload, content), content, from_form=True)
    finally:
        await form.close()


def _decode(body: bytes, invalid: type[InvalidRoster]) -> str:
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        detail = msg("roster.not_utf8")
        if body.startswith(ZIP_SIGNATURE):
            detail = msg("roster.not_utf8.xlsx", xlsx=FileFormat.xlsx.value)
        elif body.startswith(OLE_SIGNATURE):
            detail = msg("roster.not_utf8.xls")
        raise invalid(detail) from None
    if "\x00" in text:
        raise invalid(msg("roster.nul_bytes"))
    return text


def _delimiter(text: str) -> str:
    """`;` when the header line has more of them than commas (Excel with a comma as the
    decimal sign, as on Indonesian settings, separates values by `;`), else `,`."""
    end = text.find("\n")
    header = text if end < 0 else text[:end]
    return ";" if header.count(";") > header.count(",") else ","


def _column(name: str) -> str:
    """`NIK`, ` full name ` and `Full-Name` all name their column."""
    return "_".join(name.strip().lower().replace("-", " ").split())


@dataclass(frozen=True)
class Scan:
    text: str
    delimiter: str
    invalid: type[InvalidRoster]
    rows: int
    niks: list[str]  # every valid NIK in the file, sorted: the persons an import locks


def _rows(text: str, delimiter: str, invalid: type[InvalidRoster]) -> Iterator[dict[str, str]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = [_column(h) for h in next((v for v in reader if "".join(v).strip()), [])]
        missing = [c for c in REQUIRED_COLUMNS if c not in header]
        if missing:
            raise invalid(
                msg(
                    "roster.missing_columns",
                    missing=", ".join(missing),
                    required=", ".join(REQUIRED_COLUMNS),
                )
            )
        for values in reader:
            if "".join(values).strip():
                yield dict(zip(header, values, strict=False))
    except csv.Error as exc:
        raise invalid(msg("roster.unreadable_csv", line=reader.line_num, error=str(exc))) from None


def raw_rows(scan: Scan) -> Iterator[dict[str, str]]:
    """The roster's rows by column name, read as they are asked for (blank lines skipped)."""
    return _rows(scan.text, scan.delimiter, scan.invalid)


def scan_text(body: bytes, max_rows: int, invalid: type[InvalidRoster]) -> Scan:
    """The whole file read once, keeping only its valid NIKs: a file that cannot be read, or
    is too long, is refused before anything is written."""
    text = _decode(body, invalid)
    delimiter = _delimiter(text)
    count = 0
    niks: set[str] = set()
    for raw in _rows(text, delimiter, invalid):
        count += 1
        if count > max_rows:
            raise TooManyRows(msg("roster.too_many_rows", max_rows=max_rows))
        nik = nik_rules.normalise((raw.get("nik") or "").strip())
        if nik_rules.is_valid(nik):
            niks.add(nik)
    if not count:
        raise invalid(msg("roster.no_rows"))
    return Scan(text, delimiter, invalid, count, sorted(niks))


async def _xlsx_as_csv(workbook: bytes, max_rows: int) -> bytes:
    """The first sheet as CSV text, read by python-calamine in a process of its own: a few
    kilobytes of workbook can declare a sheet of 17 billion cells, and calamine aborts the
    whole process when it cannot allocate one. The reader's memory and time are capped;
    whatever happens to it, this process answers 422."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-P",  # never import from app/enrolments/ as if it were the top level
        str(XLSX_READER),
        str(max_rows),
        str(XLSX_MEMORY_BYTES),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        out, _ = await asyncio.wait_for(process.communicate(workbook), XLSX_SECONDS)
    except TimeoutError:
        raise InvalidXlsx(msg("roster.xlsx_timeout", seconds=XLSX_SECONDS)) from None
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    if process.returncode == 0:
        return out
    log.warning("xlsx reader ended with %s", process.returncode)
    if process.returncode == 2:
        raise InvalidXlsx(msg("roster.xlsx_unreadable"))
    raise InvalidXlsx(msg("roster.xlsx_too_large"))


async def scan(roster: RosterFile, max_rows: int) -> Scan:
    """Read the whole file once (CPU work: in a thread, or for a workbook in a process of
    its own, so that the event loop keeps answering other requests meanwhile)."""
    if roster.format is FileFormat.xlsx:
        text = await _xlsx_as_csv(roster.content, max_rows)
        return await asyncio.to_thread(scan_text, text, max_rows, InvalidXlsx)
    return await asyncio.to_thread(scan_text, roster.content, max_rows, InvalidCsv)
