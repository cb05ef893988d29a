"""Coverage status, derived from a member's enrolments and the days its months were paid,
never stored (R3, R4, R14, R21).

A member (one NIK) has one membership at a time: its verified enrolments chained month after
month across programmes, regions and fiscal years. Arrears and lapse are judged over that
chain as things stood on the day asked about: a month counts as paid on day D only if its
invoice was settled (all its money there) on or before D. Whether the month of D itself is
paid is judged with everything known now, as a claim's approval is (R16).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache

from app.months import add_months, first_day, month_of

MONTHS_UNPAID_TO_LAPSE = 4  # R4: 1-3 months unpaid past due are arrears; the 4th lapses
LATE_REGISTRATION_GRACE_DAYS = 14  # R3
DUE_DAY = 15  # R3


class CoverageStatus(StrEnum):
    covered = "covered"
    payment_pending = "payment_pending"
    in_arrears = "in_arrears"
    lapsed = "lapsed"
    not_covered = "not_covered"
    deceased = "deceased"


@lru_cache(maxsize=65536)
def due_on(month: str, registered_on: date) -> date:
    """R3: the 15th of the month; the registration month is due 14 days after the
    registration when that is later (so are months before it, which only old, backdated
    enrolments have)."""
    standard = first_day(month).replace(day=DUE_DAY)
    if month <= month_of(registered_on):
        return max(standard, registered_on + timedelta(days=LATE_REGISTRATION_GRACE_DAYS))
    return standard


@dataclass(frozen=True)
class Cover:
    """One verified enrolment as coverage sees it: its months, its registration, and for each
    paid month the day its invoice was settled."""

    start_month: str
    end_month: str
    registered_on: date
    settled: Mapping[str, date] = field(default_factory=dict)

    def due(self, month: str) -> date:
        return due_on(month, self.registered_on)


@dataclass
class Membership:
    """A run of continuous membership (R21): from `begins_on`, over `months`, until it lapsed
    on `lapsed_on` (R4) or goes on."""

    begins_on: date
    months: list[tuple[str, Cover]]
    lapsed_on: date | None = None

    @property
    def first_month(self) -> str:
        return self.months[0][0]

    def holds(self, day: date) -> bool:
        """Was the member in this membership on `day`?"""
        return (
            self.begins_on <= day
            and self.first_month <= month_of(day) <= self.months[-1][0]
            and (self.lapsed_on is None or day < self.lapsed_on)
        )


def _settled_by(cover: Cover, month: str, day: date) -> bool:
    settled = cover.settled.get(month)
    return settled is not None and settled <= day


def memberships(covers: Sequence[Cover], as_of: date) -> list[Membership]:
    """The member's memberships as they stood on `as_of`, oldest first.

    A gap of a month with no enrolment starts a new membership, at the later of the next
    enrolment's registration and its first month. A run of 4 consecutive months unpaid by
    the 4th's due date lapses the membership the day after (if that day is on or before
    `as_of`); the lapsed months stay lapsed whenever they are paid, and the next month paid
    starts a new membership on the later of its first day, the day it was paid and its
    enrolment's registration (cover is never bought after the event)."""
    found: list[Membership] = []
    current: Membership | None = None
    previous_month: str | None = None
    for cover in sorted(covers, key=lambda c: c.start_month):
        month = cover.start_month
        while month <= cover.end_month:
            continuous = previous_month is not None and month == add_months(previous_month, 1)
            if not continuous:
                current = Membership(max(cover.registered_on, first_day(month)), [])
                found.append(current)
            elif current is None:  # lapsed, waiting for a paid month
                settled = cover.settled.get(month)
                if settled is not None and settled <= as_of:
                    begins = max(first_day(month), settled, cover.registered_on)
                    current = Membership(begins, [])
                    found.append(current)
            if current is not None:
                current.months.append((month, cover))
                if _lapses(current, as_of):
                    current = None
            previous_month = month
            month = add_months(month, 1)
    return found


def _lapses(membership: Membership, as_of: date) -> bool:
    """Does the newest month complete a run of unpaid months that lapses the membership?"""
    run = membership.months[-MONTHS_UNPAID_TO_LAPSE:]
    if len(run) < MONTHS_UNPAID_TO_LAPSE:
        return False
    last_month, last_cover = run[-1]
    deadline = last_cover.due(last_month)
    if deadline >= as_of:
        return False
    if any(_settled_by(cover, month, deadline) for month, cover in run):
        return False
    membership.lapsed_on = deadline + timedelta(days=1)
    return True


@dataclass(frozen=True)
class Coverage:
    status: CoverageStatus
    paid_through: str | None = None
    membership_begins_on: date | None = None

    @property
    def covered(self) -> bool:
        return self.status is CoverageStatus.covered


def paid_through(months: Sequence[tuple[str, Cover]]) -> str | None:
    """The last month of the unbroken run of paid months from the first."""
    last = None
    for month, cover in months:
        if month not in cover.settled:
            break
        last = month
    return last


def covering(covers: Sequence[Cover], day: date) -> Cover | None:
    month = month_of(day)
    return next((c for c in covers if c.start_month <= month <= c.end_month), None)


def coverage_on(day: date, covers: Sequence[Cover], died_on: date | None = None) -> Coverage:
    """R14, first match wins: deceased, not_covered, lapsed, in_arrears, covered, pending."""
    chain = memberships(covers, day)
    membership = next((m for m in chain if m.holds(day)), None)
    through = paid_through(membership.months) if membership else None
    if died_on is not None and died_on <= day:
        return Coverage(CoverageStatus.deceased, through)
    cover = covering(covers, day)
    if cover is None or day < cover.registered_on:  # cover is never bought after the event
        return Coverage(CoverageStatus.not_covered, through)
    if membership is None:
        return Coverage(CoverageStatus.lapsed, paid_through(chain[-1].months) if chain else None)
    begins = membership.begins_on
    if any(
        cover.due(month) < day and not _settled_by(cover, month, day)
        for month, cover in membership.months
    ):
        return Coverage(CoverageStatus.in_arrears, through, begins)
    if month_of(day) in cover.settled:
        return Coverage(CoverageStatus.covered, through, begins)
    return Coverage(CoverageStatus.payment_pending, through, begins)


def status_on(day: date, covers: Sequence[Cover], died_on: date | None = None) -> CoverageStatus:
    """coverage_on(…).status, without building the memberships when nothing can have lapsed
    or be in arrears: every month due before `day` was paid by its due date, and no cover
    was registered after `day`. Then the first membership rule that can apply is deceased,
    not_covered, covered or payment_pending (checked equal to coverage_on in the tests)."""
    if not _paid_on_time(covers, day):
        return coverage_on(day, covers, died_on).status
    if died_on is not None and died_on <= day:
        return CoverageStatus.deceased
    cover = covering(covers, day)
    if cover is None:
        return CoverageStatus.not_covered
    if month_of(day) in cover.settled:
        return CoverageStatus.covered
    return CoverageStatus.payment_pending


def _paid_on_time(covers: Sequence[Cover], day: date) -> bool:
    last = month_of(day)
    for cover in covers:
        if cover.registered_on > day:
            return False
        month = cover.start_month
        while month <= cover.end_month and month <= last:
            due = cover.due(month)
            if due < day:
                settled = cover.settled.get(month)
                if settled is None or settled > due:
                    return False
            month = add_months(month, 1)
    return True
