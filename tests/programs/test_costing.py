"""Contributions and budget figures (DESIGN.md R1, R2, R6).

R1: BPU contribution = JKK (1 % of declared income, income at least Rp 1,000,000) + JKM
Rp 6,800 → Rp 16,800 a month at the default income.
R2: PP 50/2025 takes 50 % off for 2026-04…2026-12 (everyone) and 2026-01…2027-03 (ojek,
sopir), never when paid from APBN/APBD (DBHCHT, APBD, APBDES, APBN); rounded half up.
R6: an enrolment costs the sum over its months; capacity is how many such costs fit.
"""

import pytest

from app.months import months_between
from app.programs.costing import (
    CONTRIBUTION_RATES,
    DEFAULT_DECLARED_INCOME_IDR,
    DISCOUNTS,
    STATE_BUDGET,
    FundingSource,
    NoRateForMonth,
    Occupation,
    capacity_workers,
    discount_percent,
    enrolment_cost,
    monthly_contribution,
    rate_for,
)

FULL_IDR = 16_800
HALF_IDR = 8_400

STATE_SOURCES = [
    FundingSource.DBHCHT,
    FundingSource.APBD,
    FundingSource.APBDES,
    FundingSource.APBN,
]
DISCOUNTED_SOURCES = [FundingSource.CSR, FundingSource.OTHER]
TRANSPORT = [Occupation.ojek, Occupation.sopir]
NOT_TRANSPORT = [o for o in Occupation if o not in TRANSPORT]

# A stretch of months reaching well before and after both PP 50/2025 windows.
MONTHS = list(months_between("2025-01", "2028-12"))
EVERYONE_WINDOW = set(months_between("2026-04", "2026-12"))
TRANSPORT_WINDOW = set(months_between("2026-01", "2027-03"))


class TestTheRateTable:
    def test_the_sources_without_discount_are_exactly_the_state_budget(self) -> None:
        assert set(STATE_SOURCES) == STATE_BUDGET
        assert set(FundingSource) - STATE_BUDGET == set(DISCOUNTED_SOURCES)

    def test_the_occupations_are_those_of_r11(self) -> None:
        assert {o.value for o in Occupation} == {
            "petani",
            "buruh_tani",
            "petani_tembakau",
            "buruh_tani_tembakau",
            "buruh_pabrik_rokok",
            "nelayan",
            "pedagang",
            "umkm",
            "ojek",
            "sopir",
            "tukang",
            "marbot",
            "guru_ngaji",
            "lainnya",
        }

    def test_the_rates_are_data_citing_their_regulation(self) -> None:
        assert CONTRIBUTION_RATES
        assert DISCOUNTS
        assert all(rate.regulation for rate in CONTRIBUTION_RATES)
        assert all(discount.regulation for discount in DISCOUNTS)

    @pytest.mark.parametrize("month", ["2015-07", "2026-01", "2026-07", "2030-12"])
    def test_the_rate_in_force_is_1_percent_jkk_and_6800_jkm_from_rp_1_million(
        self, month: str
    ) -> None:
        rate = rate_for(month)
        assert rate.jkk_permille_of_income == 10
        assert rate.jkm_idr == 6_800
        assert rate.min_declared_income_idr == 1_000_000

    def test_the_default_declared_income_is_rp_1_million(self) -> None:
        assert DEFAULT_DECLARED_INCOME_IDR == 1_000_000

    def test_a_month_before_any_rate_has_no_rate(self) -> None:
        with pytest.raises(NoRateForMonth):
            rate_for("2015-06")
        with pytest.raises(NoRateForMonth):
            monthly_contribution("2015-06", FundingSource.DBHCHT, Occupation.petani)


class TestR1FullContribution:
    @pytest.mark.parametrize("source", STATE_SOURCES)
    @pytest.mark.parametrize("occupation", list(Occupation))
    def test_state_budget_pays_16800_every_month_for_everyone(
        self, source: FundingSource, occupation: Occupation
    ) -> None:
        for month in MONTHS:
            assert monthly_contribution(month, source, occupation) == FULL_IDR, month

    @pytest.mark.parametrize("source", list(FundingSource))
    def test_outside_every_discount_window_everyone_pays_16800(self, source: FundingSource) -> None:
        for month in ["2025-12", "2027-04", "2028-01"]:
            for occupation in Occupation:
                assert monthly_contribution(month, source, occupation) == FULL_IDR

    @pytest.mark.parametrize(
        ("income_idr", "contribution_idr"),
        [
            (1_000_000, 16_800),  # 10,000 + 6,800
            (2_000_000, 26_800),  # 20,000 + 6,800
            (1_500_000, 21_800),
            (3_550_000, 42_300),  # 35,500 + 6,800
            (10_000_000, 106_800),
        ],
    )
    def test_jkk_is_1_percent_of_the_declared_income_plus_jkm_6800(
        self, income_idr: int, contribution_idr: int
    ) -> None:
        assert (
            monthly_contribution("2026-07", FundingSource.DBHCHT, Occupation.petani, income_idr)
            == contribution_idr
        )

    @pytest.mark.parametrize("income_idr", [0, 1, 500_000, 999_999, 1_000_000])
    def test_an_income_below_rp_1_million_is_raised_to_the_minimum(self, income_idr: int) -> None:
        assert (
            monthly_contribution("2026-07", FundingSource.APBD, Occupation.nelayan, income_idr)
            == FULL_IDR
        )

    def test_the_result_is_whole_rupiah(self) -> None:
        amount = monthly_contribution("2026-07", FundingSource.CSR, Occupation.petani, 1_000_100)
        assert type(amount) is int


class TestR2DiscountForEveryone:
    @pytest.mark.parametrize("source", DISCOUNTED_SOURCES)
    @pytest.mark.parametrize("occupation", NOT_TRANSPORT)
    def test_csr_and_other_get_half_off_in_2026_04_to_2026_12_only(
        self, source: FundingSource, occupation: Occupation
    ) -> None:
        for month in MONTHS:
            expected = HALF_IDR if month in EVERYONE_WINDOW else FULL_IDR
            assert monthly_contribution(month, source, occupation) == expected, month

    @pytest.mark.parametrize(
        ("month", "expected"),
        [
            ("2026-03", FULL_IDR),
            ("2026-04", HALF_IDR),
            ("2026-12", HALF_IDR),
            ("2027-01", FULL_IDR),
        ],
    )
    def test_the_window_edges(self, month: str, expected: int) -> None:
        assert monthly_contribution(month, FundingSource.CSR, Occupation.pedagang) == expected


class TestR2DiscountForTransportWorkers:
    @pytest.mark.parametrize("source", DISCOUNTED_SOURCES)
    @pytest.mark.parametrize("occupation", TRANSPORT)
    def test_ojek_and_sopir_get_half_off_in_2026_01_to_2027_03(
        self, source: FundingSource, occupation: Occupation
    ) -> None:
        for month in MONTHS:
            expected = HALF_IDR if month in TRANSPORT_WINDOW else FULL_IDR
            assert monthly_contribution(month, source, occupation) == expected, month

    @pytest.mark.parametrize(
        ("month", "expected"),
        [
            ("2025-12", FULL_IDR),
            ("2026-01", HALF_IDR),
            ("2026-03", HALF_IDR),
            ("2027-01", HALF_IDR),
            ("2027-03", HALF_IDR),
            ("2027-04", FULL_IDR),
        ],
    )
    def test_the_window_edges(self, month: str, expected: int) -> None:
        assert monthly_contribution(month, FundingSource.OTHER, Occupation.ojek) == expected

    @pytest.mark.parametrize("occupation", TRANSPORT)
    def test_the_two_discounts_do_not_add_up(self, occupation: Occupation) -> None:
        for month in sorted(EVERYONE_WINDOW):
            assert discount_percent(month, FundingSource.CSR, occupation) == 50, month
            assert monthly_contribution(month, FundingSource.CSR, occupation) == HALF_IDR, month

    @pytest.mark.parametrize("source", STATE_SOURCES)
    @pytest.mark.parametrize("occupation", TRANSPORT)
    def test_state_budget_gets_no_transport_discount_either(
        self, source: FundingSource, occupation: Occupation
    ) -> None:
        for month in sorted(TRANSPORT_WINDOW):
            assert discount_percent(month, source, occupation) == 0, month
            assert monthly_contribution(month, source, occupation) == FULL_IDR, month


class TestR2DiscountPercent:
    @pytest.mark.parametrize("source", list(FundingSource))
    @pytest.mark.parametrize("occupation", list(Occupation))
    def test_is_50_exactly_where_a_window_applies_and_0_elsewhere(
        self, source: FundingSource, occupation: Occupation
    ) -> None:
        for month in MONTHS:
            applies = source not in STATE_SOURCES and (
                month in EVERYONE_WINDOW or (occupation in TRANSPORT and month in TRANSPORT_WINDOW)
            )
            assert discount_percent(month, source, occupation) == (50 if applies else 0), month


class TestR2Rounding:
    def test_a_half_rupiah_rounds_up(self) -> None:
        # income 1,000,100 → JKK 10,001, full 16,801, half 8,400.5 → 8,401 (not 8,400)
        income = 1_000_100
        assert (
            monthly_contribution("2026-07", FundingSource.DBHCHT, Occupation.petani, income)
            == 16_801
        )
        assert (
            monthly_contribution("2026-07", FundingSource.CSR, Occupation.petani, income) == 8_401
        )
        assert (
            monthly_contribution("2026-02", FundingSource.OTHER, Occupation.ojek, income) == 8_401
        )

    def test_another_half_rupiah_also_rounds_up(self) -> None:
        # income 1,000,300 → full 16,803, half 8,401.5 → 8,402
        income = 1_000_300
        assert monthly_contribution("2026-07", FundingSource.CSR, Occupation.umkm, income) == 8_402

    def test_less_than_half_a_rupiah_rounds_down(self) -> None:
        # income 1,000,000 + 1,000 → full 16,810, half 8,405 exactly; 1,000,020 → 8,400.1
        assert (
            monthly_contribution("2026-07", FundingSource.CSR, Occupation.umkm, 1_001_000) == 8_405
        )
        assert (
            monthly_contribution("2026-07", FundingSource.CSR, Occupation.umkm, 1_000_020) == 8_400
        )

    def test_a_full_contribution_with_half_a_rupiah_of_jkk_rounds_up(self) -> None:
        # income 1,000,050 → JKK 10,000.5 → 16,800.5 → 16,801
        assert (
            monthly_contribution("2026-07", FundingSource.APBN, Occupation.tukang, 1_000_050)
            == 16_801
        )


class TestR6EnrolmentCost:
    def test_a_csr_pedagang_for_2026_pays_3_full_and_9_half_months(self) -> None:
        cost = enrolment_cost("2026-01", "2026-12", FundingSource.CSR, Occupation.pedagang)
        assert cost == 3 * 16_800 + 9 * 8_400 == 126_000

    def test_a_csr_ojek_for_2026_pays_12_half_months(self) -> None:
        cost = enrolment_cost("2026-01", "2026-12", FundingSource.CSR, Occupation.ojek)
        assert cost == 12 * 8_400 == 100_800

    @pytest.mark.parametrize("occupation", list(Occupation))
    @pytest.mark.parametrize("source", STATE_SOURCES)
    def test_state_budget_pays_12_full_months_for_anyone(
        self, occupation: Occupation, source: FundingSource
    ) -> None:
        cost = enrolment_cost("2026-01", "2026-12", source, occupation)
        assert cost == 12 * 16_800 == 201_600

    def test_july_to_december_on_dbhcht_is_six_full_months(self) -> None:
        cost = enrolment_cost("2026-07", "2026-12", FundingSource.DBHCHT, Occupation.petani)
        assert cost == 6 * 16_800 == 100_800

    def test_a_single_month_costs_that_months_contribution(self) -> None:
        assert enrolment_cost("2026-03", "2026-03", FundingSource.OTHER, Occupation.marbot) == (
            16_800
        )
        assert enrolment_cost("2026-04", "2026-04", FundingSource.OTHER, Occupation.marbot) == (
            8_400
        )

    def test_an_ojek_across_the_year_end_keeps_the_discount_until_2027_03(self) -> None:
        cost = enrolment_cost("2026-10", "2027-06", FundingSource.CSR, Occupation.ojek)
        assert cost == 6 * 8_400 + 3 * 16_800

    def test_no_months_cost_nothing(self) -> None:
        assert enrolment_cost("2026-12", "2026-01", FundingSource.DBHCHT, Occupation.petani) == 0

    def test_the_declared_income_applies_to_every_month(self) -> None:
        cost = enrolment_cost(
            "2026-01", "2026-12", FundingSource.DBHCHT, Occupation.petani, 2_000_000
        )
        assert cost == 12 * 26_800

    def test_rounding_is_per_month_then_summed(self) -> None:
        # each discounted month is 8,401 (8,400.5 rounded up), not 8,400.5 summed
        cost = enrolment_cost("2026-04", "2026-12", FundingSource.CSR, Occupation.petani, 1_000_100)
        assert cost == 9 * 8_401

    @pytest.mark.parametrize("source", list(FundingSource))
    @pytest.mark.parametrize("occupation", [Occupation.petani, Occupation.ojek])
    def test_is_the_sum_of_the_monthly_contributions(
        self, source: FundingSource, occupation: Occupation
    ) -> None:
        months = list(months_between("2025-11", "2027-05"))
        assert enrolment_cost(months[0], months[-1], source, occupation) == sum(
            monthly_contribution(m, source, occupation) for m in months
        )


class TestR6CapacityWorkers:
    def test_rp_2_8_billion_for_july_to_december_covers_27777_not_28448(self) -> None:
        workers = capacity_workers(2_800_000_000, "2026-07", "2026-12", FundingSource.DBHCHT)
        assert workers == 27_777
        assert workers * 100_800 == 2_799_921_600 <= 2_800_000_000
        assert (workers + 1) * 100_800 > 2_800_000_000

    def test_penajam_paser_utara_rp_3_024_billion_for_2026_covers_15000_exactly(self) -> None:
        assert capacity_workers(3_024_000_000, "2026-01", "2026-12", FundingSource.APBD) == 15_000

    def test_one_rupiah_short_covers_one_worker_fewer(self) -> None:
        assert (
            capacity_workers(3_024_000_000 - 1, "2026-01", "2026-12", FundingSource.APBD) == 14_999
        )

    def test_capacity_is_for_an_ordinary_occupation_at_the_discounted_rate(self) -> None:
        # CSR for 2026: 3 full + 9 half months = 126,000 a worker
        assert capacity_workers(1_260_000, "2026-01", "2026-12", FundingSource.CSR) == 10
        assert capacity_workers(1_259_999, "2026-01", "2026-12", FundingSource.CSR) == 9

    def test_capacity_uses_the_declared_income(self) -> None:
        assert (
            capacity_workers(12 * 26_800 * 7, "2026-01", "2026-12", FundingSource.DBHCHT, 2_000_000)
            == 7
        )

    @pytest.mark.parametrize("remaining_idr", [0, -1, -2_800_000_000])
    def test_no_money_left_covers_nobody(self, remaining_idr: int) -> None:
        assert capacity_workers(remaining_idr, "2026-07", "2026-12", FundingSource.DBHCHT) == 0

    def test_less_than_one_workers_cost_covers_nobody(self) -> None:
        assert capacity_workers(100_799, "2026-07", "2026-12", FundingSource.DBHCHT) == 0
        assert capacity_workers(100_800, "2026-07", "2026-12", FundingSource.DBHCHT) == 1

    def test_no_remaining_months_cover_nobody(self) -> None:
        assert capacity_workers(2_800_000_000, "2027-01", "2026-12", FundingSource.DBHCHT) == 0
