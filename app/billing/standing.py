# ruff: noqa: S608 (the statement is assembled from this module's constants, no input)
"""A programme's members' coverage today, counted in PostgreSQL (the programme report).

`status_on` decides most members without building their memberships: those who paid every
month due before the day by its due date (R3), with no cover registered after the day and
one cover holding the day's month. This module says the same in one set-based statement, so
that a report over 100,000 members reads no member rows into Python; the members it cannot
decide that way (arrears, lapses, late payments — R4, R21) come back by id and NIK and are
judged by `enrolment_coverage` as everywhere else. The two are compared on generated chains
in the tests. SQLite (development) judges every member in Python.
"""

import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy import text
from sqlmodel.ext.asyncio.session import AsyncSession

from app.billing.coverage import DUE_DAY
from app.months import add_months, month_of

# A month's due date (R3, as coverage.due_on): the 15th, or 14 days after the registration
# when that is later and the month is not after the registration's.
_DUE = """CASE WHEN to_date({month}, 'YYYY-MM') <= c.registered_on
            THEN greatest(to_date({month}, 'YYYY-MM') + 14, c.registered_on + 14)
            ELSE to_date({month}, 'YYYY-MM') + 14 END"""

# Months as integers (year * 12 + month), so that counting them is arithmetic.
_START = "(substr(c.start_month, 1, 4)::int * 12 + substr(c.start_month, 6, 2)::int)"
_END = "(substr(c.end_month, 1, 4)::int * 12 + substr(c.end_month, 6, 2)::int)"
_REGISTERED = (
    "(date_part('year', c.registered_on)::int * 12 + date_part('month', c.registered_on)::int)"
)

# Months of cover `c` due before :day. :last_due is the last month whose 15th is before the
# day; of the months up to it, those not after the registration's month are due 14 days after
# it, so all or none of them are due before the day.
_MONTHS_DUE = f"""(greatest(0, least({_END}, :last_due) - {_START} + 1)
    - CASE WHEN c.registered_on + 14 >= :day
           THEN greatest(0, least({_END}, :last_due, {_REGISTERED}) - {_START} + 1)
           ELSE 0 END)"""

# Of those, the months paid by their due date (a paid invoice's live, uncredited line; an
# invoice settled without a day counts from the first of its month, as chains_of has it).
_PAID_ON_TIME = f"""(SELECT count(*) FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id
    WHERE l.enrolment_id = c.id AND l.live AND NOT l.credited AND i.status = 'paid'
      AND l.month >= c.start_month AND l.month <= least(c.end_month, :last_due_month)
      AND {_DUE.format(month="l.month")} < :day
      AND coalesce(i.settled_on, to_date(l.month, 'YYYY-MM')) <= {_DUE.format(month="l.month")})"""

# Each verified enrolment of the programme with the status status_on gives it today, or NULL
# where the member's chain needs the full rules: a cover of the member's (in any programme or
# region) registered after the day, another cover holding the day's month, or a month due
# before the day and not paid by its due date. The rest follow status_on's order: deceased;
# not_covered when the enrolment does not hold the month; covered when the month is paid
# (whenever); payment_pending.
STATUS_ROWS = f"""
SELECT m.id, m.nik,
       CASE
           WHEN p.died_on <= :day THEN 'deceased'
           WHEN NOT (m.start_month <= :month AND :month <= m.end_month) THEN 'not_covered'
           WHEN EXISTS (
               SELECT 1 FROM enrolments c
               WHERE c.nik = m.nik AND c.status IN ('active', 'terminated')
                 AND (c.registered_on > :day
                      OR (c.start_month <= :month AND :month <= c.end_month AND c.id <> m.id)
                      OR (c.start_month <= :last_due_month
                          AND {_MONTHS_DUE} > 0 AND {_MONTHS_DUE} > {_PAID_ON_TIME}))
           ) THEN NULL
           WHEN i.status = 'paid' AND NOT l.credited THEN 'covered'
           ELSE 'payment_pending'
       END AS status
FROM enrolments m
LEFT JOIN persons p ON p.nik = m.nik
-- the month's one live line (a unique index) and its invoice
LEFT JOIN invoice_lines l ON l.enrolment_id = m.id AND l.month = :month AND l.live
LEFT JOIN invoices i ON i.id = l.invoice_id
WHERE m.program_id = :program_id AND m.status IN ('active', 'terminated')
"""

# Statuses counted; the undecided listed. OFFSET 0 keeps the rows a subquery of their own, so
# that each status is worked out once rather than for each place that reads it.
_COUNTS = text(
    "SELECT status, count(*), array_agg(id) FILTER (WHERE status IS NULL),"
    " array_agg(nik) FILTER (WHERE status IS NULL)"
    f" FROM ({STATUS_ROWS} OFFSET 0) r GROUP BY status"
)


@dataclass(frozen=True)
class Undecided:
    id: uuid.UUID
    nik: str


def parameters(program_id: uuid.UUID, day: date) -> dict[str, object]:
    """The statement's parameters: the day, its month, and the last month due before it
    (a month is due on the 15th at the earliest, R3)."""
    month = month_of(day)
    last_due_month = month if day.day > DUE_DAY else add_months(month, -1)
    return {
        "program_id": program_id,
        "day": day,
        "month": month,
        "last_due_month": last_due_month,
        "last_due": int(last_due_month[:4]) * 12 + int(last_due_month[5:]),
    }


async def coverage_counts(
    session: AsyncSession, program_id: uuid.UUID, day: date
) -> tuple[Counter[str], list[Undecided]]:
    """The programme's verified enrolments counted by status on `day`, and those whose
    member's chain needs the full rules (PostgreSQL only)."""
    counts: Counter[str] = Counter()
    undecided: list[Undecided] = []
    connection = await session.connection()
    for status, n, ids, niks in await connection.execute(_COUNTS, parameters(program_id, day)):
        if status is None:
            undecided = [Undecided(i, nik) for i, nik in zip(ids, niks, strict=True)]
        else:
            counts[status] = n
    return counts, undecided
