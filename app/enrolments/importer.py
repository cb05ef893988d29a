"""Bulk enrolment from a CSV roster (R11): row by row reasons, file order against the budget,
a few set-based statements for the whole file whatever its size."""

import asyncio
import csv
import io
import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import ValidationError
from sqlalchemy import bindparam, update
from sqlmodel.ext.asyncio.session import AsyncSession

from app import clock
from app.audit.service import record
from app.auth.subject import Subject
from app.db import copy_rows, new_id, utcnow
from app.enrolments import eligibility, repository
from app.enrolments.assessment import price, terms, window
from app.enrolments.eligibility import ReasonCode, reason
from app.enrolments.models import Enrolment
from app.enrolments.schemas import ImportRejection, ImportReport
from app.errors import DomainError, PayloadTooLarge, Reason
from app.programs import budget
from app.programs.costing import Occupation
from app.programs.models import Program
from app.programs.repository import get_visible as get_program
from app.workers import nik as nik_rules
from app.workers import repository as worker_repository
from app.workers.models import Worker
from app.workers.schemas import WorkerInput
from app.workers.service import worker_values

REQUIRED_COLUMNS = ("nik", "full_name", "birth_date", "sex", "domicile_region_code", "occupation")
OPTIONAL_COLUMNS = (
    "phone",
    "address",
    "village",
    "district",
    "kk_number",
    "monthly_income_idr",
    "extreme_poor",
    "tobacco_sector",
)
_TRUE = {"1", "true", "ya", "y", "yes"}
_FALSE = {"0", "false", "tidak", "t", "n", "no"}


class InvalidCsv(DomainError):
    status, code, title = 422, "INVALID_CSV", "The roster is not a readable CSV file"


class TooManyRows(PayloadTooLarge):
    code, title = "TOO_MANY_ROWS", "The roster has too many rows"


@dataclass
class Row:
    number: int
    nik: str
    worker: WorkerInput | None
    reasons: list[Reason] = field(default_factory=list)
    cost_idr: int = 0
    monthly_idr: int = 0

    @property
    def nik_valid(self) -> bool:
        return nik_rules.is_valid(self.nik)  # cached: checked once while parsing


def read_roster(body: bytes, max_rows: int) -> list[dict[str, str]]:
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidCsv("The file must be UTF-8 text.") from None
    if "\x00" in text:
        raise InvalidCsv("The file contains NUL bytes.")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [h.strip().lower() for h in next(reader, [])]
        missing = [c for c in REQUIRED_COLUMNS if c not in header]
        if missing:
            raise InvalidCsv(
                f"Missing columns: {', '.join(missing)}. Required: {', '.join(REQUIRED_COLUMNS)}."
            )
        rows: list[dict[str, str]] = []
        for values in reader:
            if not "".join(values).strip():
                continue  # blank lines are not rows
            if len(rows) >= max_rows:
                raise TooManyRows(f"At most {max_rows} rows per file; split the roster.")
            rows.append(dict(zip(header, values, strict=False)))
    except csv.Error as exc:
        raise InvalidCsv(f"Unreadable CSV near line {reader.line_num}: {exc}") from None
    if not rows:
        raise InvalidCsv("The file has a header but no rows.")
    return rows


def _parse_roster(body: bytes, max_rows: int) -> list[Row]:
    raw_rows = read_roster(body, max_rows)
    return [parse_row(number, raw) for number, raw in enumerate(raw_rows, start=1)]


def _flag(value: str) -> bool | str:
    lowered = value.lower()
    return True if lowered in _TRUE else False if lowered in _FALSE else value


def parse_row(number: int, raw: dict[str, str]) -> Row:
    values: dict[str, Any] = {}
    for column in REQUIRED_COLUMNS + OPTIONAL_COLUMNS:
        value = (raw.get(column) or "").strip()
        if value:
            values[column] = _flag(value) if column in ("extreme_poor", "tobacco_sector") else value
    nik = nik_rules.normalise(values.get("nik", ""))
    nik_rules.is_valid(nik)  # checked here, in the parsing thread; later calls hit the cache
    try:
        return Row(number, nik, WorkerInput.model_validate(values))
    except ValidationError as exc:
        fields = sorted({str(e["loc"][0]) for e in exc.errors() if e["loc"]})
        return Row(
            number,
            nik,
            None,
            [reason(ReasonCode.INVALID_FIELD, f"Missing or invalid: {', '.join(fields)}.")],
        )


def _assess_rows(
    rows: list[Row],
    program: Program,
    start: str,
    end: str,
    covered: set[str],
    dead: dict[str, Any],
    registered_on: date,
) -> None:
    """File order against the budget: each accepted row spends before the next is judged."""
    program_terms = terms(program)
    window_reasons = eligibility.program_reasons(
        program_terms, start, end
    ) + eligibility.start_reasons(start, registered_on)
    remaining = program.budget_idr - program.committed_idr
    enrolled = program.enrolled_workers
    prices: dict[Occupation, tuple[int, int]] = {}
    seen: set[str] = set()
    for row in rows:
        if row.worker is None:
            continue
        person = eligibility.Person(
            row.nik, row.worker.birth_date, row.worker.sex, row.worker.domicile_region_code
        )
        row.reasons += eligibility.person_reasons(person, program_terms, registered_on)
        row.reasons += window_reasons
        if row.nik_valid:
            if row.nik in seen:
                row.reasons.append(
                    reason(ReasonCode.DUPLICATE_IN_FILE, "This NIK appears on an earlier row.")
                )
            seen.add(row.nik)
            row.reasons += eligibility.standing_reasons(
                already_enrolled=row.nik in covered, deceased=row.nik in dead
            )
        if row.reasons:
            continue
        occupation = row.worker.occupation
        if occupation not in prices:
            prices[occupation] = price(program, occupation, start, end)
        row.monthly_idr, row.cost_idr = prices[occupation]
        row.reasons += eligibility.money_reasons(
            cost_idr=row.cost_idr,
            remaining_idr=remaining,
            enrolled_workers=enrolled,
            max_workers=program.max_workers,
        )
        if not row.reasons:
            remaining -= row.cost_idr
            enrolled += 1


@dataclass
class Records:
    new_workers: list[dict[str, Any]]
    refreshed: list[dict[str, Any]]
    enrolments: list[dict[str, Any]]


def _records(
    program: Program,
    accepted: list[Row],
    existing: dict[str, Worker],
    start: str,
    end: str,
    registered_on: date,
) -> Records:
    now = utcnow()
    new_workers: list[dict[str, Any]] = []
    refreshed: list[dict[str, Any]] = []
    enrolments: list[dict[str, Any]] = []
    for row in accepted:
        assert row.worker is not None
        values = worker_values(row.worker)
        known = existing.get(row.nik)
        if known is None:
            worker_id = new_id()
            new_workers.append(
                values
                | {
                    "id": worker_id,
                    "region_code": program.region_code,
                    "created_at": now,
                    "updated_at": now,
                }
            )
        else:
            worker_id = known.id
            refreshed.append(values | {"worker_id": worker_id, "updated_at": now})
        enrolments.append(
            {
                "id": new_id(),
                "program_id": program.id,
                "worker_id": worker_id,
                "region_code": program.region_code,
                "nik": row.nik,
                "occupation": row.worker.occupation.value,
                "status": "pending",
                "start_month": start,
                "end_month": end,
                "monthly_contribution_idr": row.monthly_idr,
                "cost_idr": row.cost_idr,
                "registered_on": registered_on,
                "created_at": now,
                "updated_at": now,
            }
        )
    return Records(new_workers, refreshed, enrolments)


async def _write(
    session: AsyncSession,
    program: Program,
    accepted: list[Row],
    start: str,
    end: str,
    registered_on: date,
) -> None:
    existing = await worker_repository.workers_by_nik(
        session, program.region_code, [r.nik for r in accepted]
    )
    records = await asyncio.to_thread(
        _records, program, accepted, existing, start, end, registered_on
    )
    refreshed = records.refreshed
    workers = Worker.__table__  # type: ignore[attr-defined]
    await copy_rows(session, workers, records.new_workers)
    if refreshed:
        columns: dict[str, Any] = {k: bindparam(k) for k in refreshed[0] if k != "worker_id"}
        await session.exec(
            update(workers).where(workers.c.id == bindparam("worker_id")).values(columns),
            params=refreshed,
        )
    await copy_rows(session, Enrolment.__table__, records.enrolments)  # type: ignore[attr-defined]
    budget.reserve(program, sum(r.cost_idr for r in accepted), len(accepted))
    session.add(program)
    await session.flush()


async def import_roster(
    session: AsyncSession,
    subject: Subject,
    program_id: uuid.UUID,
    body: bytes,
    *,
    dry_run: bool,
    start_month: str | None,
    max_rows: int,
) -> ImportReport:
    program = await get_program(session, subject, program_id, for_update=not dry_run)
    # Reading, checking and preparing rows is CPU work of seconds for a large roster: it runs
    # in a worker thread, so that the event loop keeps answering other requests meanwhile.
    rows = await asyncio.to_thread(_parse_roster, body, max_rows)
    today = clock.today()
    start, end = window(program, start_month, today)
    valid_niks = sorted({r.nik for r in rows if r.worker is not None and r.nik_valid})
    if not dry_run:
        # Same lock order as a single enrolment: the programme (above), then the persons.
        await worker_repository.lock_persons(session, valid_niks)
    covered = await repository.niks_with_cover(session, valid_niks, start, end)
    dead = await worker_repository.deceased_niks(session, valid_niks)
    await asyncio.to_thread(_assess_rows, rows, program, start, end, covered, dead, today)
    accepted = [r for r in rows if not r.reasons]
    if not dry_run:
        await _write(session, program, accepted, start, end, today)
        record(
            session,
            subject,
            "enrolment.import",
            "program",
            program.id,
            region_code=program.region_code,
            details={
                "rows": len(rows),
                "accepted": len(accepted),
                "committed_idr": sum(r.cost_idr for r in accepted),
            },
        )
    return ImportReport(
        dry_run=dry_run,
        total_rows=len(rows),
        accepted=len(accepted),
        rejected=len(rows) - len(accepted),
        start_month=start,
        end_month=end,
        accepted_cost_idr=sum(r.cost_idr for r in accepted),
        rejections=[
            ImportRejection(row=r.number, nik_masked=nik_rules.mask(r.nik), reasons=r.reasons)
            for r in rows
            if r.reasons
        ],
    )
