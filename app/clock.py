"""The one clock: "today" is the Asia/Jakarta date. Tests replace it with `freeze`."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from zoneinfo import ZoneInfo

JAKARTA = ZoneInfo("Asia/Jakarta")

_frozen: date | None = None


def today() -> date:
    return _frozen if _frozen is not None else datetime.now(JAKARTA).date()


@contextmanager
def freeze(day: date) -> Iterator[None]:
    global _frozen
    previous, _frozen = _frozen, day
    try:
        yield
    finally:
        _frozen = previous
