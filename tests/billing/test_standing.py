"""The programme report's coverage counted in SQL (billing.standing) must give every member
the status enrolment_coverage gives it in Python: compared member by member on generated
chains — on-time, late and unpaid months, renewals in other programmes and regions, deaths,
unpaid and credited lines — on days across two years."""

import random
import uuid
from collections import Counter
from datetime import date, timedelta

import pytest
from sqlalchemy import text

from app.billing.coverage import Cover
from app.billing.models import Invoice, InvoiceLine
from app.billing.service import enrolment_coverage
from app.billing.standing import STATUS_ROWS, Undecided, coverage_counts, parameters
from app.db import database
from app.enrolments.models import Enrolment
from app.months import months_between
from app.programs.models import Program
from app.workers.models import Person, Worker
from tests.billing.test_status_on import _random_chain
from tests.conftest import IS_POSTGRES

pytestmark = pytest.mark.skipif(not IS_POSTGRES, reason="the set-based count is PostgreSQL's")

MEMBERS = 300
DAYS = [date(2025, 1, 3) + timedelta(days=d) for d in range(0, 730, 7)]


def _program(region: str) -> Program:
    return Program(
        region_code=region,
        name=f"Program {region}",
        fiscal_year=2025,
        funding_source="DBHCHT",
        budget_idr=10**12,
        target_workers=MEMBERS,
        coverage_start="2024-01",
        coverage_end="2027-12",
        declared_income_idr=1_000_000,
    )


def _paid_invoice(program: Program, settled: date | None, *, status: str = "paid") -> Invoice:
    return Invoice(
        program_id=program.id,
        region_code=program.region_code,
        from_month="2025-01",
        to_month="2025-01",
        status=status,
        total_idr=16_800,
        paid_idr=16_800 if status == "paid" else 0,
        line_count=1,
        due_on=date(2025, 1, 15),
        issued_by="test",
        settled_on=settled,
    )


async def _seed(rng: random.Random) -> uuid.UUID:
    """MEMBERS people, each with a generated chain of covers; one cover of each (when they
    have any) is the reported programme's, the others another programme's of 3514 or 3575."""
    reported, other, elsewhere = _program("3514"), _program("3514"), _program("3575")
    rows: list[object] = [reported, other, elsewhere]
    for serial in range(MEMBERS):
        nik = f"3514{serial:06d}{rng.randint(0, 999999):06d}"
        covers = _random_chain(rng)
        died = date(2025, 1, 1) + timedelta(days=rng.randint(0, 900))
        rows.append(
            Person(
                nik=nik, kpj_number=f"{serial:011d}", died_on=died if rng.random() < 0.1 else None
            )
        )
        ours = rng.randrange(len(covers)) if covers else None
        workers: dict[str, Worker] = {}
        for index, cover in enumerate(covers):
            program = reported if index == ours else rng.choice([other, elsewhere])
            if program.region_code not in workers:
                workers[program.region_code] = _worker(program.region_code, nik, serial)
                rows.append(workers[program.region_code])
            rows.extend(_enrolment(rng, program, workers[program.region_code], cover))
    async with database.get_sessionmaker()() as session:
        for kind in (Program, Person, Worker, Enrolment, Invoice, InvoiceLine):  # FK order
            session.add_all([r for r in rows if isinstance(r, kind)])
            await session.flush()
        await session.commit()
    return reported.id


def _worker(region: str, nik: str, serial: int) -> Worker:
    return Worker(
        region_code=region,
        nik=nik,
        full_name=f"Pekerja {serial}",
        birth_date=date(1980, 1, 1),
        sex="male",
        occupation="petani",
    )


def _enrolment(rng: random.Random, program: Program, worker: Worker, cover: Cover) -> list[object]:
    enrolment = Enrolment(
        program_id=program.id,
        worker_id=worker.id,
        region_code=program.region_code,
        nik=worker.nik,
        occupation="petani",
        status=rng.choice(["active", "active", "terminated"]),
        start_month=cover.start_month,
        end_month=cover.end_month,
        monthly_contribution_idr=16_800,
        cost_idr=16_800,
        registered_on=cover.registered_on,
        kpj_number=f"{int(worker.nik[4:10]):011d}",
    )
    rows: list[object] = [enrolment]
    for month, settled in cover.settled.items():
        # A month's money arrives on a paid invoice, now and then one settled without a day;
        # some months also sit on an unpaid invoice or were credited, which pay nothing.
        invoice = _paid_invoice(program, None if rng.random() < 0.05 else settled)
        rows += [invoice, _line(invoice, enrolment, month)]
    for month in {
        m
        for m in months_between(cover.start_month, cover.end_month)
        if m not in cover.settled and rng.random() < 0.3
    }:
        unpaid = _paid_invoice(program, None, status=rng.choice(["issued", "cancelled"]))
        line = _line(unpaid, enrolment, month)
        line.credited = rng.random() < 0.3
        rows += [unpaid, line]
    return rows


def _line(invoice: Invoice, enrolment: Enrolment, month: str) -> InvoiceLine:
    return InvoiceLine(
        invoice_id=invoice.id,
        enrolment_id=enrolment.id,
        month=month,
        nik=enrolment.nik,
        full_name="Pekerja",
        kpj_number=enrolment.kpj_number or "",
        amount_idr=16_800,
        live=invoice.status != "cancelled",
    )


async def test_sql_statuses_agree_with_enrolment_coverage(regions: list[str]) -> None:
    program_id = await _seed(random.Random(20261124))
    decided: Counter[str] = Counter()
    undecided = 0
    async with database.get_sessionmaker(read_only=True)() as session:
        for day in DAYS:
            connection = await session.connection()
            rows = list(await connection.execute(text(STATUS_ROWS), parameters(program_id, day)))
            expected = await enrolment_coverage(
                session, [Undecided(r.id, r.nik) for r in rows], day
            )
            for row in rows:
                if row.status is None:
                    undecided += 1
                else:
                    decided[row.status] += 1
                    assert row.status == expected[row.id].status.value, (day, row)
            counts, left = await coverage_counts(session, program_id, day)
            judged = await enrolment_coverage(session, left, day)
            counts.update(c.status.value for c in judged.values())
            assert counts == Counter(c.status.value for c in expected.values())
            assert {u.id for u in left} == {r.id for r in rows if r.status is None}
    # both ways were taken many times, and every status SQL decides was met
    assert set(decided) == {"deceased", "not_covered", "covered", "payment_pending"}, decided
    assert min(decided.values()) > 30 and undecided > 1_000, (decided, undecided)
