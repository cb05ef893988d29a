"""Bulk enrolment from a roster (R11): row by row reasons, file order against the budget,
a few set-based statements per slice of rows, whatever the file's size. Reading the file
(CSV or .xlsx) is roster.py's; the words its cells may hold, roster_values.py's."""

import asyncio
import itertools
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import ValidationError
from sqlalchemy import bindparam, update
from sqlmodel.ext.asyncio.session import AsyncSession

from app import clock, metrics
from app.audit.service import record
from app.auth.subject import Subject
from app.db import allow_bulk_statements, copy_rows, new_id, utcnow
from app.enrolments import bulk, eligibility, repository
from app.enrolments.assessment import price, terms, window
from app.enrolments.eligibility import ReasonCode, reason
from app.enrolments.models import Enrolment
from app.enrolments.roster import RosterFile, Scan, raw_rows
from app.enrolments.roster import scan as scan_roster
from app.enrolments.roster_values import COLUMNS, READERS, refusal
from app.enrolments.schemas import ImportRejection, ImportReport
from app.errors import Reason
from app.programs import budget
from app.programs.costing import Occupation
from app.programs.models import Program
from app.programs.repository import get_visible as get_program
from app.workers import nik as nik_rules
from app.workers import repository as worker_repository
from app.workers.models import Worker
from app.workers.schemas import WorkerInput
from app.workers.service import worker_values

SLICE = 5_000  # rows parsed, judged and written at a time
# The tables an import writes; their statistics are refreshed after it (bulk.py).
IMPORTED_TABLES = ("enrolments", "persons", "workers")


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


def _parse_slices(scan: Scan) -> Iterator[list[Row]]:
    numbered = enumerate(raw_rows(scan), start=1)
    while part := list(itertools.islice(numbered, SLICE)):
        yield [parse_row(number, raw) for number, raw in part]


_READ_AS = tuple((column, READERS.get(column)) for column in COLUMNS)


def parse_row(number: int, raw: dict[str, str]) -> Row:
    values: dict[str, Any] = {}
    for column, read in _READ_AS:
        value = (raw.get(column) or "").strip()
        if value:
            values[column] = read(value) if read is not None else value
    nik = nik_rules.normalise(values.get("nik", ""))
    nik_rules.is_valid(nik)  # checked here, in the parsing thread; later calls hit the cache
    try:
        return Row(number, nik, WorkerInput.model_validate(values))
    except ValidationError as exc:
        return Row(number, nik, None, _refusals(exc))


def _refusals(exc: ValidationError) -> list[Reason]:
    """One reason per column that is missing or not accepted, in the roster's column order,
    each saying what would be accepted (and never quoting the cell)."""
    missing: dict[str, bool] = {}
    for error in exc.errors(include_url=False, include_context=False, include_input=False):
        if error["loc"]:
            missing.setdefault(str(error["loc"][0]), error["type"] == "missing")
    return [refusal(column, missing[column]) for column in COLUMNS if column in missing]


@dataclass
class Tally:
    """What the rows judged so far leave for the next: the budget and places still free,
    the NIKs already seen, and what was accepted."""

    remaining_idr: int
    enrolled: int
    seen: set[str] = field(default_factory=set)
    accepted: int = 0
    accepted_idr: int = 0


def _assess_rows(
    rows: list[Row],
    program: Program,
    start: str,
    end: str,
    covered: set[str],
    dead: dict[str, Any],
    registered_on: date,
    tally: Tally,
) -> None:
    """File order against the budget: each accepted row spends before the next is judged."""
    program_terms = terms(program)
    window_reasons = eligibility.program_reasons(
        program_terms, start, end
    ) + eligibility.start_reasons(start, registered_on)
    prices: dict[Occupation, tuple[int, int]] = {}
    for row in rows:
        if row.worker is None:
            continue
        person = eligibility.Person(
            row.nik, row.worker.birth_date, row.worker.sex, row.worker.domicile_region_code
        )
        row.reasons += eligibility.person_reasons(person, program_terms, registered_on)
        row.reasons += window_reasons
        if row.nik_valid:
            if row.nik in tally.seen:
                row.reasons.append(reason(ReasonCode.DUPLICATE_IN_FILE))
            tally.seen.add(row.nik)
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
            remaining_idr=tally.remaining_idr,
            enrolled_workers=tally.enrolled,
            max_workers=program.max_workers,
        )
        if not row.reasons:
            tally.remaining_idr -= row.cost_idr
            tally.enrolled += 1
            tally.accepted += 1
            tally.accepted_idr += row.cost_idr


@dataclass
class Records:
    new_workers: list[dict[str, Any]]
    refreshed: list[dict[str, Any]]
    enrolments: list[dict[str, Any]]


def _records(
    program: Program,
    accepted: list[Row],
    existing: dict[str, uuid.UUID],
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
            worker_id = known
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


def _next_slice(slices: Iterator[list[Row]]) -> list[Row]:
    return next(slices, [])


async def _write(
    session: AsyncSession,
    program: Program,
    accepted: list[Row],
    existing: dict[str, uuid.UUID],
    start: str,
    end: str,
    registered_on: date,
) -> list[uuid.UUID]:
    """Writes the accepted rows; answers their enrolments' ids, in file order."""
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
    return [enrolment["id"] for enrolment in records.enrolments]


async def import_roster(
    session: AsyncSession,
    subject: Subject,
    program_id: uuid.UUID,
    roster: RosterFile,
    *,
    dry_run: bool,
    start_month: str | None,
    max_rows: int,
) -> ImportReport:
    """The file is read whole once (refused before any write if unreadable or too long), then
    parsed, judged and written SLICE rows at a time, so that memory does not grow with the
    file; the standing of every NIK is read before the first write, as one file's view."""
    await allow_bulk_statements(session)  # locking 100,000 persons is not a request's statement
    program = await get_program(session, subject, program_id)
    if not dry_run:
        # One import per programme (bulk.py), asked only of a caller who may see it: a 409 for
        # another region's programme would tell that it exists.
        await bulk.claim_program(session, program.id)
        program = await get_program(session, subject, program_id, for_update=True)
    scan = await scan_roster(roster, max_rows)
    today = clock.today()
    start, end = window(program, start_month, today)
    if not dry_run:
        # Same lock order as a single enrolment: the programme (above), then the persons —
        # every valid NIK of the file at once, in order, whatever else its row gets wrong.
        await worker_repository.lock_persons(session, scan.niks)
    covered = await repository.niks_with_cover(session, scan.niks, start, end)
    dead = await worker_repository.deceased_niks(session, scan.niks)
    # Read before the first slice is written: a statement planned on the statistics of the
    # empty tables this import is filling would scan what it wrote for every NIK. Only for
    # NIKs that may still be accepted: an enrolled or dead one is refused whatever its row.
    writable = [n for n in scan.niks if n not in covered and n not in dead]
    existing = await worker_repository.worker_ids_by_nik(session, program.region_code, writable)
    tally = Tally(program.budget_idr - program.committed_idr, program.enrolled_workers)
    rejections: list[ImportRejection] = []
    created: list[uuid.UUID] = []
    # Parsing, checking and preparing rows is CPU work of seconds for a large roster: it runs
    # in a worker thread, so that the event loop keeps answering other requests meanwhile.
    slices = _parse_slices(scan)
    while rows := await asyncio.to_thread(_next_slice, slices):
        await asyncio.to_thread(
            _assess_rows, rows, program, start, end, covered, dead, today, tally
        )
        rejections += (
            ImportRejection(row=r.number, nik_masked=nik_rules.mask(r.nik), reasons=r.reasons)
            for r in rows
            if r.reasons
        )
        if not dry_run:
            accepted = [r for r in rows if not r.reasons]
            created += await _write(session, program, accepted, existing, start, end, today)
    if not dry_run:
        budget.reserve(program, tally.accepted_idr, tally.accepted)
        session.add(program)
        await session.flush()
        record(
            session,
            subject,
            "enrolment.import",
            "program",
            program.id,
            region_code=program.region_code,
            details={
                "rows": scan.rows,
                "accepted": tally.accepted,
                "committed_idr": tally.accepted_idr,
            },
        )
        await bulk.refresh_statistics(session, IMPORTED_TABLES)
    metrics.count_roster_rows(
        session, accepted=tally.accepted, rejected=scan.rows - tally.accepted, dry_run=dry_run
    )
    return ImportReport(
        dry_run=dry_run,
        total_rows=scan.rows,
        accepted=tally.accepted,
        rejected=scan.rows - tally.accepted,
        start_month=start,
        end_month=end,
        accepted_cost_idr=tally.accepted_idr,
        rejections=rejections,
        created_enrolment_ids=created,
    )
