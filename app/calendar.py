"""Calendar arithmetic the rules share: ages, calendar months after a day, working days."""

from datetime import date, timedelta


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
