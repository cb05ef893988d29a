"""The one clock: "today" is the Asia/Jakarta business date.

`APP_TODAY` fixes it for a whole process outside production (training, acceptance replays);
tests replace it with `freeze`."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from zoneinfo import ZoneInfo

from app.config import get_settings

JAKARTA = ZoneInfo("Asia/Jakarta")

_frozen: date | None = None


def today() -> date:
    if _frozen is not None:
        return _frozen
    fixed = get_settings().app_today
    return fixed if fixed is not None else datetime.now(JAKARTA).date()


@contextmanager
def freeze(day: date | None) -> Iterator[None]:
    """Fix today for the block; None lifts an outer freeze (APP_TODAY or the real date)."""
    global _frozen
    previous, _frozen = _frozen, day
    try:
        yield
    finally:
        _frozen = previous
