"""Eligibility of a person for a programme (R8): pure rules returning every failing reason."""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import lru_cache
from typing import Any

from app.calendar import age_on
from app.errors import Reason
from app.i18n import msg
from app.months import month_of
from app.workers import nik as nik_rules
from app.workers.nik import Sex


class ReasonCode(StrEnum):
    NIK_INVALID = "NIK_INVALID"
    NIK_MISMATCH = "NIK_MISMATCH"
    AGE_OUT_OF_RANGE = "AGE_OUT_OF_RANGE"
    NOT_RESIDENT = "NOT_RESIDENT"
    ALREADY_ENROLLED = "ALREADY_ENROLLED"
    DECEASED = "DECEASED"
    PROGRAM_CLOSED = "PROGRAM_CLOSED"
    OUTSIDE_PROGRAM_WINDOW = "OUTSIDE_PROGRAM_WINDOW"
    START_BEFORE_REGISTRATION = "START_BEFORE_REGISTRATION"
    BUDGET_EXHAUSTED = "BUDGET_EXHAUSTED"
    QUOTA_REACHED = "QUOTA_REACHED"
    DUPLICATE_IN_FILE = "DUPLICATE_IN_FILE"
    INVALID_FIELD = "INVALID_FIELD"  # bulk only: a value that cannot be read at all


@dataclass(frozen=True)
class Person:
    nik: str
    birth_date: date
    sex: Sex
    domicile_region_code: str


@dataclass(frozen=True)
class ProgramTerms:
    region_code: str
    is_open: bool
    coverage_start: str
    coverage_end: str
    min_age: int
    max_age: int


@lru_cache(maxsize=4096)
def reason(code: ReasonCode, variant: str = "", /, **params: Any) -> Reason:
    """One shared (frozen) Reason per code and detail. The detail is the catalogue's message
    `reason.<code in lower case>` (or `….<variant>`) with `params`, said in the request's
    language; a row that repeats a reason costs a cache look-up, not a message."""
    message_id = f"reason.{code.value.lower()}" + (f".{variant}" if variant else "")
    return Reason(code=code.value, detail=msg(message_id, **params))


def person_reasons(person: Person, terms: ProgramTerms, registered_on: date) -> list[Reason]:
    """Everything about the person alone: NIK, birth data, age on the registration date (R8),
    domicile."""
    reasons = []
    if not nik_rules.is_valid(person.nik):
        reasons.append(reason(ReasonCode.NIK_INVALID))
    else:
        wrong = nik_rules.mismatches(person.nik, person.birth_date, person.sex)
        if wrong:
            reasons.append(reason(ReasonCode.NIK_MISMATCH, facts=tuple(wrong)))
    age = age_on(person.birth_date, registered_on)
    if not terms.min_age <= age <= terms.max_age:
        reasons.append(
            reason(
                ReasonCode.AGE_OUT_OF_RANGE,
                age=age,
                registered_on=registered_on.isoformat(),
                min_age=terms.min_age,
                max_age=terms.max_age,
            )
        )
    if person.domicile_region_code != terms.region_code:
        reasons.append(reason(ReasonCode.NOT_RESIDENT, region_code=terms.region_code))
    return reasons


def program_reasons(terms: ProgramTerms, start_month: str, end_month: str) -> list[Reason]:
    """Is the programme open, and are the months inside its window?"""
    reasons = []
    if not terms.is_open:
        reasons.append(reason(ReasonCode.PROGRAM_CLOSED))
    if not (terms.coverage_start <= start_month <= end_month <= terms.coverage_end):
        reasons.append(
            reason(
                ReasonCode.OUTSIDE_PROGRAM_WINDOW,
                start_month=start_month,
                end_month=end_month,
                coverage_start=terms.coverage_start,
                coverage_end=terms.coverage_end,
            )
        )
    return reasons


def start_reasons(start_month: str, registered_on: date) -> list[Reason]:
    """R9: cover is never bought for time already past."""
    registration_month = month_of(registered_on)
    if start_month >= registration_month:
        return []
    return [
        reason(
            ReasonCode.START_BEFORE_REGISTRATION,
            start_month=start_month,
            registration_month=registration_month,
        )
    ]


def standing_reasons(*, already_enrolled: bool, deceased: bool) -> list[Reason]:
    """What the registry knows of the NIK; never which region holds it."""
    reasons = []
    if already_enrolled:
        reasons.append(reason(ReasonCode.ALREADY_ENROLLED))
    if deceased:
        reasons.append(reason(ReasonCode.DECEASED))
    return reasons


def money_reasons(
    *, cost_idr: int, remaining_idr: int, enrolled_workers: int, max_workers: int | None
) -> list[Reason]:
    reasons = []
    if cost_idr > remaining_idr:
        reasons.append(
            reason(ReasonCode.BUDGET_EXHAUSTED, cost_idr=cost_idr, remaining_idr=remaining_idr)
        )
    if max_workers is not None and enrolled_workers >= max_workers:
        reasons.append(reason(ReasonCode.QUOTA_REACHED, max_workers=max_workers))
    return reasons
