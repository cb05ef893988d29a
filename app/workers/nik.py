"""NIK (Nomor Induk Kependudukan): a thin wrapper over `stdnum.id.nik` (R7).

PPKKCC DDMMYY SSSS: where the NIK was first issued (never the domicile), the birth date with
40 added to the day for women, a serial. Only two year digits: compare day, month and the
two-digit year with the stated birth date, never the century (stdnum reads `00` as 1900).
"""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import lru_cache

from stdnum.exceptions import ValidationError
from stdnum.id import nik as stdnum_nik

from app.i18n import Message, msg


class Sex(StrEnum):
    male = "male"
    female = "female"


@dataclass(frozen=True)
class NikFacts:
    day: int
    month: int
    two_digit_year: int
    sex: Sex


def normalise(value: str) -> str:
    if len(value) == 16 and value.isascii() and value.isdigit():
        return value  # already compact: the common case, spared stdnum's character filter
    return stdnum_nik.compact(value)


@lru_cache(maxsize=4096)
def _known_place(prefix: str) -> bool:
    """Is PPKK a registration place stdnum knows? Its validation looks the place up by these
    four digits only; there are a few hundred of them, and the look-up is the slow part."""
    return stdnum_nik.is_valid(f"{prefix}00{_PLACE_PROBE}")


_PLACE_PROBE = "0101000001"  # a valid birth date (1 January) and serial


@lru_cache(maxsize=131_072)  # a roster asks about each NIK several times
def is_valid(value: str) -> bool:
    """stdnum's validation (16 digits, a real birth date, a known place), the place cached."""
    number = normalise(value)
    # ASCII digits only, as stdnum demands: str.isdigit() also takes "²" and "３".
    if len(number) != 16 or not (number.isascii() and number.isdigit()):
        return False
    if not _known_place(number[:4]):
        return False
    return _real_birth_date(number[6:12])


@lru_cache(maxsize=65536)
def _real_birth_date(ddmmyy: str) -> bool:
    """stdnum's birth-date rule (day + 40 for women; a real date in 19yy or 20yy), cached by
    the six digits: far fewer birth dates than people."""
    try:
        stdnum_nik.get_birth_date(f"000000{ddmmyy}0000")
    except ValidationError:
        return False
    return True


def facts(value: str) -> NikFacts:
    """Birth day, month, two-digit year and sex as the NIK encodes them (NIK must be valid)."""
    number = normalise(value)
    encoded_day = int(number[6:8])
    return NikFacts(
        day=encoded_day % 40,
        month=int(number[8:10]),
        two_digit_year=int(number[10:12]),
        sex=Sex.female if encoded_day > 40 else Sex.male,
    )


def mismatches(value: str, birth_date: date, sex: Sex) -> list[Message]:
    """What of the stated birth date and sex disagrees with the NIK, in words ("birth date")."""
    encoded = facts(value)
    problems = []
    if (encoded.day, encoded.month, encoded.two_digit_year) != (
        birth_date.day,
        birth_date.month,
        birth_date.year % 100,
    ):
        problems.append(msg("nik.birth_date"))
    if encoded.sex is not sex:
        problems.append(msg("nik.sex"))
    return problems


def mask(value: str) -> str:
    """What lists and look-ups show: the last four digits only."""
    return "*" * max(len(value) - 4, 0) + value[-4:]
