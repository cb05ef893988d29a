"""Coverage status, derived from enrolment and payments, never stored (R3, R4, R14)."""

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from app.months import first_day, month_of, months_between

CONSECUTIVE_UNPAID_TO_LAPSE = 3  # R4
LATE_REGISTRATION_GRACE_DAYS = 14  # R3
DUE_DAY = 15  # R3


class CoverageStatus(StrEnum):
    covered = "covered"
    payment_pending = "payment_pending"
    in_arrears = "in_arrears"
    lapsed = "lapsed"
    not_covered = "not_covered"
    deceased = "deceased"


def due_on(month: str, registered_on: date) -> date:
    """R3: the 15th of the month, or 14 days after a registration later than that."""
    standard = first_day(month).replace(day=DUE_DAY)
    if registered_on > standard:
        return registered_on + timedelta(days=LATE_REGISTRATION_GRACE_DAYS)
    return standard


@dataclass(frozen=True)
class Cover:
    """One enrolment as coverage sees it: its months, registration and paid months."""

    start_month: str
    end_month: str
    registered_on: date
    paid_months: frozenset[str]


@dataclass(frozen=True)
class Coverage:
    status: CoverageStatus
    paid_through: str | None = None

    @property
    def covered(self) -> bool:
        return self.status is CoverageStatus.covered


def paid_through(cover: Cover) -> str | None:
    """The last month of the unbroken run of paid months from the start."""
    last = None
    for month in months_between(cover.start_month, cover.end_month):
        if month not in cover.paid_months:
            break
        last = month
    return last


def _lapse_run_start(cover: Cover, day: date) -> str | None:
    """The first month of the first run of 3 consecutive months unpaid past due on `day`."""
    run: list[str] = []
    for month in months_between(cover.start_month, cover.end_month):
        if month not in cover.paid_months and due_on(month, cover.registered_on) < day:
            run.append(month)
            if len(run) == CONSECUTIVE_UNPAID_TO_LAPSE:
                return run[0]
        else:
            run = []
    return None


def coverage_on(day: date, cover: Cover | None, died_on: date | None = None) -> Coverage:
    """R14, first match wins: deceased, not_covered, lapsed, in_arrears, covered, pending."""
    through = paid_through(cover) if cover is not None else None
    if died_on is not None and died_on <= day:
        return Coverage(CoverageStatus.deceased, through)
    month = month_of(day)
    if (
        cover is None
        or not cover.start_month <= month <= cover.end_month
        or day < cover.registered_on  # cover is never bought after the event
    ):
        return Coverage(CoverageStatus.not_covered, through)
    if _lapse_run_start(cover, day) is not None:
        return Coverage(CoverageStatus.lapsed, through)
    if any(
        m not in cover.paid_months and due_on(m, cover.registered_on) < day
        for m in months_between(cover.start_month, cover.end_month)
    ):
        return Coverage(CoverageStatus.in_arrears, through)
    if month in cover.paid_months:
        return Coverage(CoverageStatus.covered, through)
    return Coverage(CoverageStatus.payment_pending, through)
