"""Calendar months as `YYYY-MM` strings: they sort and compare correctly as text."""

import re
from collections.abc import Iterator
from datetime import date
from functools import lru_cache
from typing import Annotated

from pydantic import StringConstraints

# Years 1900-2999: enough for any programme, and never year 0 (which `date` cannot hold).
MONTH_PATTERN = r"^(19|2[0-9])[0-9]{2}-(0[1-9]|1[0-2])$"
_MONTH = re.compile(MONTH_PATTERN)

Month = Annotated[str, StringConstraints(pattern=MONTH_PATTERN, min_length=7, max_length=7)]


def is_month(value: str) -> bool:
    return bool(_MONTH.fullmatch(value))


def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


# Months are few and these are pure: coverage runs them for every month of every member.
@lru_cache(maxsize=8192)
def first_day(month: str) -> date:
    return date(int(month[:4]), int(month[5:7]), 1)


@lru_cache(maxsize=8192)
def add_months(month: str, count: int) -> str:
    index = int(month[:4]) * 12 + int(month[5:7]) - 1 + count
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def months_between(start: str, end: str) -> Iterator[str]:
    """Every month from start to end, both included (none if end is before start)."""
    month = start
    while month <= end:
        yield month
        month = add_months(month, 1)


def month_count(start: str, end: str) -> int:
    if end < start:
        return 0
    return (int(end[:4]) - int(start[:4])) * 12 + int(end[5:7]) - int(start[5:7]) + 1
