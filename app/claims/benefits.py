"""The death benefit, as a pure calculation (R17–R19).

JKM: PP 82/2019 and Permenaker 5/2021; BPU short-membership rule of Peraturan BPJS
Ketenagakerjaan 5/2021 (restated with Permenaker 1/2025). JKK death: PP 82/2019.
"""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from app.calendar import add_calendar_months, age_on
from app.claims.models import CauseOfDeath


class BenefitType(StrEnum):
    JKM = "JKM"
    JKK = "JKK"


class EducationLevel(StrEnum):
    not_yet_in_school = "not_yet_in_school"  # under school age: the entitlement is deferred
    tk = "tk"
    sd = "sd"
    smp = "smp"
    sma = "sma"
    university = "university"  # or vocational training
    none = "none"  # left school, working or married: no entitlement


# R17: JKM for a death not from a work accident.
JKM_LUMP_SUM_IDR = 20_000_000
PERIODIC_IDR = 24 * 500_000  # 24 monthly payments of Rp 500,000, paid at once
FUNERAL_IDR = 10_000_000
# R17: death within the first 3 calendar months of continuous BPU membership.
SHORT_MEMBERSHIP_MONTHS = 3
SHORT_DEATH_BENEFIT_IDR = 8_000_000
SHORT_FUNERAL_IDR = 2_000_000
# R18: JKK death: 48 × declared income, at least Rp 20,000,000.
JKK_INCOME_MULTIPLE = 48
JKK_MIN_LUMP_SUM_IDR = 20_000_000
# R19: scholarships.
MAX_SCHOLARSHIP_CHILDREN = 2
SCHOLARSHIP_AGE_LIMIT = 23
JKM_SCHOLARSHIP_MIN_CONTRIBUTION_MONTHS = 36
# Per level, in school order: (yearly amount, at most this many years).
SCHOLARSHIP_LEVELS: tuple[tuple[EducationLevel, int, int], ...] = (
    (EducationLevel.tk, 1_500_000, 2),
    (EducationLevel.sd, 1_500_000, 6),
    (EducationLevel.smp, 2_000_000, 3),
    (EducationLevel.sma, 3_000_000, 3),
    (EducationLevel.university, 12_000_000, 5),
)
MAX_SCHOLARSHIP_PER_CHILD_IDR = sum(amount * years for _, amount, years in SCHOLARSHIP_LEVELS)


@dataclass(frozen=True)
class Child:
    full_name: str
    birth_date: date
    education_level: EducationLevel


@dataclass(frozen=True)
class Scholarship:
    child: str
    education_level: EducationLevel
    max_entitlement_idr: int
    first_year_idr: int


@dataclass(frozen=True)
class Benefit:
    type: BenefitType
    lump_sum_idr: int
    periodic_idr: int
    funeral_idr: int
    scholarships: tuple[Scholarship, ...]

    @property
    def scholarship_first_year_idr(self) -> int:
        return sum(s.first_year_idr for s in self.scholarships)

    @property
    def total_idr(self) -> int:
        """What is paid now: the lump sums and the first scholarship year."""
        return (
            self.lump_sum_idr
            + self.periodic_idr
            + self.funeral_idr
            + self.scholarship_first_year_idr
        )


def yearly_amounts(level: EducationLevel) -> list[int]:
    """The scholarship for each school year from the start of `level` to the end of
    university, in order."""
    levels = [lvl for lvl, _, _ in SCHOLARSHIP_LEVELS]
    return [
        amount
        for _, amount, years in SCHOLARSHIP_LEVELS[levels.index(level) :]
        for _ in range(years)
    ]


def scholarship_for(child: Child, date_of_death: date) -> Scholarship:
    """R19: a child's entitlement from the current level on, one payment a year from the
    death, never for a year that starts after the 23rd birthday; the first year's payment is
    due now (for a child not yet in school, nothing is due this year)."""
    age = age_on(child.birth_date, date_of_death)
    if child.education_level is EducationLevel.none or age >= SCHOLARSHIP_AGE_LIMIT:
        return Scholarship(child.full_name, child.education_level, 0, 0)
    if child.education_level is EducationLevel.not_yet_in_school:
        schedule = [0, *yearly_amounts(EducationLevel.tk)]
    else:
        schedule = yearly_amounts(child.education_level)
    schedule = schedule[: SCHOLARSHIP_AGE_LIMIT - age]  # payments at ages age … 22
    return Scholarship(child.full_name, child.education_level, sum(schedule), schedule[0])


def calculate(
    *,
    cause: CauseOfDeath,
    date_of_death: date,
    membership_start: date,
    declared_income_idr: int,
    contribution_months: int,
    children: list[Child],
) -> Benefit:
    """R17–R19. `membership_start` opens the continuous membership; `contribution_months`
    counts paid months."""
    if cause is CauseOfDeath.work_accident:
        kind = BenefitType.JKK
        lump = max(JKK_INCOME_MULTIPLE * declared_income_idr, JKK_MIN_LUMP_SUM_IDR)
        periodic, funeral = PERIODIC_IDR, FUNERAL_IDR
        scholarship_allowed = True  # JKK: no minimum contribution period
    elif date_of_death < add_calendar_months(membership_start, SHORT_MEMBERSHIP_MONTHS):
        return Benefit(BenefitType.JKM, SHORT_DEATH_BENEFIT_IDR, 0, SHORT_FUNERAL_IDR, ())
    else:
        kind = BenefitType.JKM
        lump, periodic, funeral = JKM_LUMP_SUM_IDR, PERIODIC_IDR, FUNERAL_IDR
        scholarship_allowed = contribution_months >= JKM_SCHOLARSHIP_MIN_CONTRIBUTION_MONTHS
    scholarships: tuple[Scholarship, ...] = ()
    if scholarship_allowed:
        eligible = [
            s
            for s in (scholarship_for(c, date_of_death) for c in children)
            if s.max_entitlement_idr > 0
        ]
        scholarships = tuple(eligible[:MAX_SCHOLARSHIP_CHILDREN])
    return Benefit(kind, lump, periodic, funeral, scholarships)
