"""Lists as files: CSV streamed chunk by chunk, or an .xlsx workbook (`Accept` decides).

Every file follows the invoice CSV's rules (`GET /v1/invoices/{id}/lines`): it carries the
full NIK — a file is for reconciling the caller's own records, and is given only to a caller
whose scope and territory let it read them; JSON lists mask — and no text cell starts a
formula (OWASP's CSV-injection guard: a leading apostrophe).
"""

import asyncio
import csv
import io
import tempfile
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from fastapi.responses import StreamingResponse
from openpyxl import Workbook
from starlette.types import Receive, Scope, Send

from app.negotiation import weight

Row = Sequence[Any]
Batches = AsyncIterator[list[Row]]


class FileFormat(StrEnum):
    csv = "text/csv"
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    @property
    def extension(self) -> str:
        return self.name


_FILE_TYPES = frozenset(f.value for f in FileFormat)


def negotiate(accept: str | None) -> FileFormat | None:
    """The file format `Accept` prefers (highest quality, then the first listed), or None
    for JSON, the default. Wildcards and other types ask for nothing in particular: JSON."""
    offers: list[tuple[float, int, FileFormat | None]] = []
    for index, part in enumerate((accept or "").lower().split(",")):
        media_type, *params = (p.strip() for p in part.split(";"))
        if media_type == "application/json":
            offered: FileFormat | None = None
        elif media_type in _FILE_TYPES:
            offered = FileFormat(media_type)
        else:
            continue
        quality = weight(params)
        if quality > 0:
            offers.append((quality, -index, offered))
    return max(offers, key=lambda offer: offer[:2])[2] if offers else None


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def text_cell(value: str) -> str:
    """A text cell no spreadsheet runs as a formula: one starting =, +, -, @ (or a tab or
    carriage return) gets a leading apostrophe."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return text_cell(str(value))  # str(): an enum member is written as its value
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value  # numbers, UUIDs


def xlsx_cell(value: Any) -> Any:
    if isinstance(value, str):
        return text_cell(str(value))
    if isinstance(value, datetime):
        return value.isoformat()  # Excel has no time zones; the offset stays readable
    if isinstance(value, uuid.UUID):
        return str(value)
    return value  # None (an empty cell), numbers, booleans, dates


async def csv_chunks(columns: Sequence[str], batches: Batches) -> AsyncIterator[str]:
    """The header, then one chunk of text per batch of rows: never the whole file at once."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    yield out.getvalue()
    async for batch in batches:
        out.seek(0)
        out.truncate()
        writer.writerows([csv_cell(v) for v in row] for row in batch)
        yield out.getvalue()


XLSX_IN_MEMORY = 8 * 1024 * 1024  # beyond this the finished workbook spills to a temp file
READ_SIZE = 64 * 1024


def _append(sheet: Any, batch: list[Row]) -> None:
    for row in batch:
        sheet.append([xlsx_cell(v) for v in row])


async def xlsx_chunks(
    columns: Sequence[str], batches: Batches, sheet_title: str
) -> AsyncIterator[bytes]:
    """An .xlsx cannot be sent before it is finished (a zip ends with its directory): rows go
    batch by batch into a write-only sheet, which keeps them in a temp file rather than as
    cells, and the finished workbook is then sent in pieces. openpyxl is synchronous, so its
    work runs in a thread and the event loop serves other requests meanwhile."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title)
    sheet.append(list(columns))
    async for batch in batches:
        await asyncio.to_thread(_append, sheet, batch)
    with tempfile.SpooledTemporaryFile(max_size=XLSX_IN_MEMORY) as out:
        await asyncio.to_thread(workbook.save, out)
        out.seek(0)
        while piece := await asyncio.to_thread(out.read, READ_SIZE):
            yield piece


class _FileResponse(StreamingResponse):
    """Runs `on_close` once it ends: sent, failed, or left by the client — also when the
    client left before the first byte, and the body's generator never started."""

    def __init__(self, *args: Any, on_close: Callable[[], None], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.on_close = on_close

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self.on_close()


def file_response(
    file_format: FileFormat,
    columns: Sequence[str],
    batches: Batches,
    name: str,
    title: str,
    *,
    on_close: Callable[[], None],
) -> StreamingResponse:
    """`name`: the file's, without extension, in ASCII letters, digits and dashes; `title`:
    the sheet's (at most 31 characters, none of []:*?/\\)."""
    body: AsyncIterator[str] | AsyncIterator[bytes]
    if file_format is FileFormat.csv:
        body, media_type = csv_chunks(columns, batches), "text/csv; charset=utf-8"
    else:
        body, media_type = xlsx_chunks(columns, batches, title), file_format.value
    filename = f"{name}.{file_format.extension}"
    return _FileResponse(
        body,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        on_close=on_close,
    )


def file_responses(csv_example: str) -> dict[int | str, dict[str, Any]]:
    """OpenAPI: the 200 answer's other media types, beside the JSON page."""
    return {
        200: {
            "description": "A page of JSON; or with `Accept: text/csv` or `Accept: "
            f"{FileFormat.xlsx.value}` every matching row as a file (an attachment).",
            "content": {
                FileFormat.csv.value: {
                    "schema": {"type": "string"},
                    "example": csv_example,
                },
                FileFormat.xlsx.value: {
                    "schema": {"type": "string", "format": "binary"},
                },
            },
        }
    }
