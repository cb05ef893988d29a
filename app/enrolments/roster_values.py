"""The words a roster cell may hold (R11), as pemda operators write them: `L`/`P` or
`Laki-laki`/`Perempuan`, `Buruh Tani Tembakau`, `17/08/1990`. Each is read into the value the
JSON API takes; anything else is left as written, for validation to refuse with a reason
that says what is accepted. Rows repeat a few words thousands of times: look-ups, cached."""

import re
from collections.abc import Callable
from datetime import date
from functools import lru_cache
from typing import Any

from app.enrolments.eligibility import ReasonCode, reason
from app.errors import Reason
from app.i18n import Message, msg
from app.programs.costing import Occupation
from app.workers.nik import Sex

REQUIRED_COLUMNS = ("nik", "full_name", "birth_date", "sex", "domicile_region_code", "occupation")
OPTIONAL_COLUMNS = (
    "phone",
    "address",
    "village",
    "district",
    "kk_number",
    "monthly_income_idr",
    "extreme_poor",
    "tobacco_sector",
)
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
FLAGS = ("extreme_poor", "tobacco_sector")

# Keys without case, spaces or hyphens: `Laki-laki`, `laki laki` and `LAKI-LAKI` are one word.
_SEXES = {
    "l": Sex.male,
    "lakilaki": Sex.male,
    "pria": Sex.male,
    "male": Sex.male,
    "p": Sex.female,
    "perempuan": Sex.female,
    "wanita": Sex.female,
    "female": Sex.female,
}
_OCCUPATIONS = {o.value: o for o in Occupation}
_TRUE = {"1", "true", "ya", "y", "yes"}
_FALSE = {"0", "false", "tidak", "t", "n", "no"}
# Day first, as Indonesian forms write dates (DD/MM/YYYY, DD-MM-YYYY, DD.MM.YYYY), or ISO.
_DAY_FIRST = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")

# What each column accepts, in the catalogue's words (`roster.accepted.<column>`).
ACCEPTED: dict[str, Message] = {
    column: msg(f"roster.accepted.{column}") for column in COLUMNS if column != "occupation"
} | {"occupation": msg("roster.accepted.occupation", codes=", ".join(o.value for o in Occupation))}


@lru_cache(maxsize=256)  # a roster writes sex in two or three ways, thousands of times
def sex(value: str) -> Sex | str:
    """`L`, `Laki-laki`, `pria`, `male` → male; `P`, `Perempuan`, `wanita`, `female` → female."""
    return _SEXES.get(value.lower().replace("-", "").replace(" ", ""), value)


@lru_cache(maxsize=1024)
def _occupation_label(value: str) -> Occupation | str:
    return _OCCUPATIONS.get("_".join(value.lower().replace("-", " ").split()), value)


def occupation(value: str) -> Occupation | str:
    """`petani`, `Petani`, `Buruh Tani Tembakau`, `buruh-tani` → the occupation code."""
    return _OCCUPATIONS.get(value) or _occupation_label(value)


@lru_cache(maxsize=65_536)  # far fewer birth dates than people
def birth_date(value: str) -> date | str:
    """`17/08/1990`, `17-08-1990`, `17.08.1990` or `1990-08-17` → 17 August 1990; anything
    else as written (and refused by validation)."""
    if match := _DAY_FIRST.fullmatch(value):
        day, month, year = int(match[1]), int(match[3]), int(match[4])
    elif match := _ISO.fullmatch(value):
        year, month, day = int(match[1]), int(match[2]), int(match[3])
    else:
        return value
    try:
        return date(year, month, day)
    except ValueError:
        return value


def flag(value: str) -> bool | str:
    lowered = value.lower()
    return True if lowered in _TRUE else False if lowered in _FALSE else value


READERS: dict[str, Callable[[str], Any]] = {"sex": sex, "occupation": occupation}
READERS["birth_date"] = birth_date
READERS |= dict.fromkeys(FLAGS, flag)


@lru_cache(maxsize=256)
def refusal(column: str, missing: bool) -> Reason:
    """One shared reason per column and kind: what is wrong, and what would be accepted. It
    never quotes the cell, which may be someone's NIK in a shifted column."""
    if missing:
        return reason(ReasonCode.INVALID_FIELD, "missing", column=column)
    accepted = ACCEPTED.get(column)
    if accepted is None:
        return reason(ReasonCode.INVALID_FIELD, "not_accepted_bare", column=column)
    return reason(ReasonCode.INVALID_FIELD, "not_accepted", column=column, accepted=accepted)
