"""Enrolments as a file: every row the list's pages hold, as CSV or .xlsx (app/exports.py)."""

from collections.abc import AsyncIterator, Callable
from datetime import date

from fastapi.responses import StreamingResponse

from app.auth.subject import Subject
from app.billing.service import enrolment_coverage
from app.db import snapshot_session
from app.enrolments import repository
from app.exports import FileFormat, Row, file_response

# Rows per statement. Each chunk's coverage (R14) is worked out in Python on the event loop,
# ~75 µs a row, the bulk of an export's time: 1,000 rows hold the loop for about a tenth of a
# second at a time, and a region of 100,000 takes 100 chunks.
CHUNK = 1000

COLUMNS = [
    "enrolment_id",
    "program_id",
    "worker_id",
    "region_code",
    "nik",  # in full, as in the invoice CSV (app/exports.py)
    "full_name",
    "occupation",
    "status",
    "start_month",
    "end_month",
    "monthly_contribution_idr",
    "cost_idr",
    "registered_on",
    "kpj_number",
    "activated_at",
    "rejection_reason",
    "termination_reason",
    "terminated_at",
    "coverage_status",  # R14, today, as the JSON list's `coverage`
    "covered",
    "paid_through",
]

CSV_EXAMPLE = (
    ",".join(COLUMNS)
    + "\n0193e0a4-6c1f-7b2e-9d41-5a8f3c2b1e07,0193e0a1-2b7d-7c44-8e15-3f6a9d0c4b21,"
    "0193e0a4-6c1e-70f3-a8b2-c4d5e6f70819,3514,3514094108900001,Siti Aminah,petani,active,"
    "2026-07,2026-12,16800,100800,2026-07-10,23081234567,2026-07-14T03:12:45+00:00,,,,"
    "covered,true,2026-09\n"
)


async def _batches(
    subject: Subject, where: repository.EnrolmentFilter, today: date
) -> AsyncIterator[list[Row]]:
    async with snapshot_session() as session:
        async for rows in repository.visible_rows(session, subject, where, chunk=CHUNK):
            coverage = await enrolment_coverage(session, rows, today)
            yield [
                (
                    *row,
                    coverage[row.id].status,
                    coverage[row.id].covered,
                    coverage[row.id].paid_through,
                )
                for row in rows
            ]


def file_name(subject: Subject, where: repository.EnrolmentFilter, today: date) -> str:
    """enrolments[-<pemda region>][-<programme>]-<date>."""
    parts = ["enrolments"]
    if subject.region is not None:
        parts.append(subject.region)
    if where.program_id is not None:
        parts.append(str(where.program_id))
    parts.append(today.isoformat())
    return "-".join(parts)


def export(
    file_format: FileFormat,
    subject: Subject,
    where: repository.EnrolmentFilter,
    today: date,
    *,
    on_close: Callable[[], None],
) -> StreamingResponse:
    """The response streams; the database is read while it is sent, in a snapshot of its own
    (the request's session is closed by then). `on_close` runs when it ends, however."""
    batches = _batches(subject, where, today)
    name = file_name(subject, where, today)
    return file_response(file_format, COLUMNS, batches, name, title="enrolments", on_close=on_close)
