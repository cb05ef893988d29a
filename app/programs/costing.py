"""Contribution rates as effective-dated data, and the pure arithmetic on them (R1, R2, R6).

Every amount is integer rupiah; a rate change is a new row here, not an edit in the code.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from functools import lru_cache

from app.months import month_count, months_between


class FundingSource(StrEnum):
    DBHCHT = "DBHCHT"
    APBD = "APBD"
    APBDES = "APBDES"
    APBN = "APBN"
    CSR = "CSR"
    OTHER = "OTHER"


class Occupation(StrEnum):
    petani = "petani"
    buruh_tani = "buruh_tani"
    petani_tembakau = "petani_tembakau"
    buruh_tani_tembakau = "buruh_tani_tembakau"
    buruh_pabrik_rokok = "buruh_pabrik_rokok"
    nelayan = "nelayan"
    pedagang = "pedagang"
    umkm = "umkm"
    ojek = "ojek"
    sopir = "sopir"
    tukang = "tukang"
    marbot = "marbot"
    guru_ngaji = "guru_ngaji"
    lainnya = "lainnya"


@dataclass(frozen=True)
class ContributionRate:
    """BPU JKK + JKM rates in force from `valid_from` until `valid_to` (both months included)."""

    valid_from: str
    valid_to: str | None
    jkk_permille_of_income: int
    jkm_idr: int
    min_declared_income_idr: int
    regulation: str


@dataclass(frozen=True)
class Discount:
    """A temporary percentage off JKK + JKM, not for contributions paid from the state budget."""

    valid_from: str
    valid_to: str
    percent: int
    occupations: frozenset[Occupation] | None  # None = every BPU participant
    excluded_sources: frozenset[FundingSource]
    regulation: str


STATE_BUDGET = frozenset(
    {FundingSource.DBHCHT, FundingSource.APBD, FundingSource.APBDES, FundingSource.APBN}
)

CONTRIBUTION_RATES: tuple[ContributionRate, ...] = (
    ContributionRate(
        valid_from="2015-07",
        valid_to=None,
        jkk_permille_of_income=10,  # PP 44/2015 as amended: BPU JKK 1 % of declared income
        jkm_idr=6_800,  # PP 44/2015 as amended: BPU JKM flat Rp 6,800
        min_declared_income_idr=1_000_000,  # Permenaker 5/2021: lowest BPU income band
        regulation="PP 44/2015 jo. PP 82/2019, PP 49/2023; Permenaker 5/2021",
    ),
)

DISCOUNTS: tuple[Discount, ...] = (
    Discount(
        valid_from="2026-04",
        valid_to="2026-12",
        percent=50,
        occupations=None,
        excluded_sources=STATE_BUDGET,
        regulation="PP 50/2025: 50 % off BPU JKK + JKM",
    ),
    Discount(
        valid_from="2026-01",
        valid_to="2027-03",
        percent=50,
        occupations=frozenset({Occupation.ojek, Occupation.sopir}),
        excluded_sources=STATE_BUDGET,
        regulation="PP 50/2025: 50 % off for transport workers",
    ),
)

DEFAULT_DECLARED_INCOME_IDR = 1_000_000


class NoRateForMonth(ValueError):
    pass


def _half_up(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def rate_for(month: str) -> ContributionRate:
    for rate in CONTRIBUTION_RATES:
        if rate.valid_from <= month and (rate.valid_to is None or month <= rate.valid_to):
            return rate
    raise NoRateForMonth(month)


def discount_percent(month: str, source: FundingSource, occupation: Occupation) -> int:
    """The largest discount that applies; discounts do not add up."""
    return max(
        (
            d.percent
            for d in DISCOUNTS
            if d.valid_from <= month <= d.valid_to
            and source not in d.excluded_sources
            and (d.occupations is None or occupation in d.occupations)
        ),
        default=0,
    )


@lru_cache(maxsize=4096)
def monthly_contribution(
    month: str,
    source: FundingSource,
    occupation: Occupation,
    declared_income_idr: int = DEFAULT_DECLARED_INCOME_IDR,
) -> int:
    """JKK + JKM for one BPU member and month, discount applied, rounded half up (R1, R2)."""
    rate = rate_for(month)
    income = max(declared_income_idr, rate.min_declared_income_idr)
    full = Decimal(income) * rate.jkk_permille_of_income / 1000 + rate.jkm_idr
    percent = discount_percent(month, source, occupation)
    return _half_up(full * (100 - percent) / 100)


@lru_cache(maxsize=4096)
def enrolment_cost(
    start_month: str,
    end_month: str,
    source: FundingSource,
    occupation: Occupation,
    declared_income_idr: int = DEFAULT_DECLARED_INCOME_IDR,
) -> int:
    """Σ monthly contribution over start…end (R6)."""
    return sum(
        monthly_contribution(m, source, occupation, declared_income_idr)
        for m in months_between(start_month, end_month)
    )


def capacity_workers(
    remaining_idr: int,
    from_month: str,
    to_month: str,
    source: FundingSource,
    declared_income_idr: int = DEFAULT_DECLARED_INCOME_IDR,
) -> int:
    """How many more workers (of an ordinary, non-transport occupation) the money covers
    for the months from…to. Rp 2.8 billion for July-December at Rp 16,800 → 27,777."""
    if month_count(from_month, to_month) == 0 or remaining_idr <= 0:
        return 0
    per_worker = enrolment_cost(
        from_month, to_month, source, Occupation.lainnya, declared_income_idr
    )
    return remaining_idr // per_worker if per_worker else 0
