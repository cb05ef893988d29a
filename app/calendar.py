"""Calendar arithmetic the rules share: ages, calendar months after a day, working days; and
`Day`, a date as the API takes it."""

import re
from datetime import date, timedelta
from typing import Annotated

from pydantic import BeforeValidator

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _written_as_a_date(value: object) -> object:
    # Pydantic reads a number, or a string of digits, as a Unix time: `0` would be 1970-01-01.
    if isinstance(value, date) or (isinstance(value, str) and _ISO_DATE.fullmatch(value)):
        return value
    raise ValueError("a date is written YYYY-MM-DD")


Day = Annotated[date, BeforeValidator(_written_as_a_date)]


def age_on(birth_date: date, day: date) -> int:
    """Whole years lived on `day`."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def add_calendar_months(day: date, months: int) -> date:
    """The same day `months` later; the month's last day where it has no such day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for candidate in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - every month has a 28th


def add_years(day: date, years: int) -> date:
    """The anniversary `years` later (29 February → 28 February in a common year)."""
    return add_calendar_months(day, 12 * years)


def working_days_between(start: date, end: date) -> int:
    """Monday–Friday days after `start` up to and including `end`."""
    days, day = 0, start
    while day < end:
        day += timedelta(days=1)
        days += day.weekday() < 5
    return days
