"""The death benefit (DESIGN.md R17–R19), as the pure calculator pays it.

R17 JKM (death not from a work accident): Rp 20,000,000 lump sum + Rp 12,000,000 periodic
(24 × Rp 500,000) + Rp 10,000,000 funeral = Rp 42,000,000; a death less than 3 calendar months
after the start of continuous membership gets Rp 10,000,000 only (Rp 8,000,000 + Rp 2,000,000).
R18 JKK (work accident): max(48 × declared income, Rp 20,000,000) + Rp 12,000,000 +
Rp 10,000,000, no waiting period. R19 scholarships: at most 2 children under 23, per year TK
1.5 M (≤ 2), SD 1.5 M (≤ 6), SMP 2 M (≤ 3), SMA 3 M (≤ 3), university 12 M (≤ 5), at most
87 M per child; JKM needs ≥ 36 contribution months, JKK none. A child's maximum entitlement is
the sum over the levels still ahead of the child (the deliberate reading of "at most 87 M").
"""

import calendar
from datetime import date, timedelta

import pytest

from app.claims.benefits import (
    MAX_SCHOLARSHIP_PER_CHILD_IDR,
    Benefit,
    BenefitType,
    Child,
    EducationLevel,
    Scholarship,
    add_calendar_months,
    calculate,
    scholarship_for,
)
from app.claims.models import CauseOfDeath

MEMBERSHIP_START = date(2026, 8, 1)
LONG_AFTER_START = date(2027, 6, 15)  # well past the 3-month short-membership window
INCOME_IDR = 1_000_000
NOT_WORK_ACCIDENT = [CauseOfDeath.natural, CauseOfDeath.illness, CauseOfDeath.non_work_accident]

JKM_FULL_IDR = 42_000_000
JKM_SHORT = Benefit(BenefitType.JKM, 8_000_000, 0, 2_000_000, ())
JKK_AT_1M_IDR = 70_000_000

# R19 per level: (maximum over the levels still ahead, first year's payment).
ENTITLEMENT_BY_LEVEL = {
    EducationLevel.tk: (87_000_000, 1_500_000),  # 2×1.5 + 6×1.5 + 3×2 + 3×3 + 5×12
    EducationLevel.sd: (84_000_000, 1_500_000),  # 6×1.5 + 3×2 + 3×3 + 5×12
    EducationLevel.smp: (75_000_000, 2_000_000),  # 3×2 + 3×3 + 5×12
    EducationLevel.sma: (69_000_000, 3_000_000),  # 3×3 + 5×12
    EducationLevel.university: (60_000_000, 12_000_000),  # 5×12
    EducationLevel.not_yet_in_school: (87_000_000, 0),  # every level ahead, nothing due yet
    EducationLevel.none: (0, 0),  # left school, working or married
}
# The youngest usual age at each level on LONG_AFTER_START, so that no year is cut by the
# 23rd birthday: 3 (not yet in school), 4 (TK), 6 (SD), 12 (SMP), 15 (SMA), 18 (university).
USUAL_BIRTH = {
    EducationLevel.not_yet_in_school: date(2024, 1, 1),
    EducationLevel.tk: date(2023, 1, 1),
    EducationLevel.sd: date(2021, 1, 1),
    EducationLevel.smp: date(2015, 1, 1),
    EducationLevel.sma: date(2012, 1, 1),
    EducationLevel.university: date(2009, 1, 1),
    EducationLevel.none: date(2007, 1, 1),
}


def child(
    level: EducationLevel = EducationLevel.sd,
    *,
    name: str = "Anak",
    born: date | None = None,
) -> Child:
    return Child(full_name=name, birth_date=born or USUAL_BIRTH[level], education_level=level)


def benefit(
    *,
    cause: CauseOfDeath = CauseOfDeath.natural,
    date_of_death: date = LONG_AFTER_START,
    membership_start: date = MEMBERSHIP_START,
    declared_income_idr: int = INCOME_IDR,
    contribution_months: int = 36,
    children: tuple[Child, ...] = (),
) -> Benefit:
    return calculate(
        cause=cause,
        date_of_death=date_of_death,
        membership_start=membership_start,
        declared_income_idr=declared_income_idr,
        contribution_months=contribution_months,
        children=list(children),
    )


def third_monthiversary(start: date) -> date:
    """Independent oracle: the same day three months on, or that month's last day."""
    index = start.year * 12 + start.month - 1 + 3
    year, month = index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


class TestJkmFullBenefit:
    @pytest.mark.parametrize("cause", NOT_WORK_ACCIDENT)
    def test_a_death_not_from_a_work_accident_pays_42_million_under_jkm(
        self, cause: CauseOfDeath
    ) -> None:
        paid = benefit(cause=cause)
        assert paid == Benefit(BenefitType.JKM, 20_000_000, 12_000_000, 10_000_000, ())
        assert paid.total_idr == JKM_FULL_IDR

    def test_the_periodic_part_is_24_payments_of_500_thousand_paid_at_once(self) -> None:
        assert benefit().periodic_idr == 24 * 500_000

    @pytest.mark.parametrize("income", [0, 416_667, 1_000_000, 2_000_000, 10_000_000])
    def test_the_declared_income_does_not_change_jkm(self, income: int) -> None:
        assert benefit(declared_income_idr=income).total_idr == JKM_FULL_IDR

    @pytest.mark.parametrize("cause", NOT_WORK_ACCIDENT)
    def test_exactly_three_calendar_months_after_the_start_is_already_the_full_benefit(
        self, cause: CauseOfDeath
    ) -> None:
        paid = benefit(cause=cause, date_of_death=date(2026, 11, 1))
        assert paid.type is BenefitType.JKM
        assert paid.total_idr == JKM_FULL_IDR


class TestJkmShortMembership:
    @pytest.mark.parametrize("cause", NOT_WORK_ACCIDENT)
    @pytest.mark.parametrize(
        "died",
        [date(2026, 8, 1), date(2026, 8, 2), date(2026, 9, 30), date(2026, 10, 1)],
    )
    def test_a_death_within_three_months_pays_10_million_only(
        self, cause: CauseOfDeath, died: date
    ) -> None:
        paid = benefit(cause=cause, date_of_death=died)
        assert paid == JKM_SHORT
        assert paid.total_idr == 10_000_000

    @pytest.mark.parametrize("cause", NOT_WORK_ACCIDENT)
    def test_the_last_short_day_and_the_first_full_day_for_a_start_on_the_first(
        self, cause: CauseOfDeath
    ) -> None:
        assert benefit(cause=cause, date_of_death=date(2026, 10, 31)) == JKM_SHORT
        assert benefit(cause=cause, date_of_death=date(2026, 11, 1)).total_idr == JKM_FULL_IDR
        assert benefit(cause=cause, date_of_death=date(2026, 11, 2)).total_idr == JKM_FULL_IDR

    @pytest.mark.parametrize(
        ("start", "last_short_day", "first_full_day"),
        [
            # A start on the 31st: three months on is the last day of a shorter month.
            (date(2026, 1, 31), date(2026, 4, 29), date(2026, 4, 30)),
            (date(2026, 3, 31), date(2026, 6, 29), date(2026, 6, 30)),
            (date(2026, 5, 31), date(2026, 8, 30), date(2026, 8, 31)),
            # Into February, ordinary and leap years.
            (date(2025, 11, 30), date(2026, 2, 27), date(2026, 2, 28)),
            (date(2023, 11, 30), date(2024, 2, 28), date(2024, 2, 29)),
            (date(2023, 11, 29), date(2024, 2, 28), date(2024, 2, 29)),
            # Across a new year.
            (date(2026, 12, 1), date(2027, 2, 28), date(2027, 3, 1)),
            (date(2026, 10, 15), date(2027, 1, 14), date(2027, 1, 15)),
        ],
    )
    def test_the_boundary_falls_on_the_same_day_three_calendar_months_later(
        self, start: date, last_short_day: date, first_full_day: date
    ) -> None:
        short = benefit(membership_start=start, date_of_death=last_short_day)
        full = benefit(membership_start=start, date_of_death=first_full_day)
        assert short == JKM_SHORT
        assert full.total_idr == JKM_FULL_IDR

    def test_every_start_day_of_three_years_has_its_boundary_three_months_on(self) -> None:
        start = date(2024, 1, 1)
        while start <= date(2026, 12, 31):
            boundary = third_monthiversary(start)
            before = benefit(membership_start=start, date_of_death=boundary - timedelta(days=1))
            on = benefit(membership_start=start, date_of_death=boundary)
            assert before == JKM_SHORT, start
            assert on.total_idr == JKM_FULL_IDR, start
            start += timedelta(days=1)

    def test_no_scholarship_is_paid_on_a_short_membership(self) -> None:
        paid = benefit(
            date_of_death=date(2026, 10, 31),
            contribution_months=120,
            children=(child(EducationLevel.sd), child(EducationLevel.sma, name="Kakak")),
        )
        assert paid == JKM_SHORT
        assert paid.scholarships == ()
        assert paid.total_idr == 10_000_000


class TestJkkWorkAccident:
    def test_a_work_accident_at_1_million_income_pays_70_million_under_jkk(self) -> None:
        paid = benefit(cause=CauseOfDeath.work_accident, declared_income_idr=1_000_000)
        assert paid == Benefit(BenefitType.JKK, 48_000_000, 12_000_000, 10_000_000, ())
        assert paid.total_idr == JKK_AT_1M_IDR

    def test_the_lump_sum_is_48_times_a_2_million_income(self) -> None:
        paid = benefit(cause=CauseOfDeath.work_accident, declared_income_idr=2_000_000)
        assert paid.lump_sum_idr == 96_000_000
        assert paid.periodic_idr + paid.funeral_idr == 22_000_000
        assert paid.total_idr == 118_000_000

    @pytest.mark.parametrize(
        ("income", "lump_sum"),
        [
            (0, 20_000_000),
            (100_000, 20_000_000),
            (416_666, 20_000_000),  # 48 × 416,666 = 19,999,968: the floor applies
            (416_667, 20_000_016),  # 48 × 416,667 is just above the floor
            (500_000, 24_000_000),
            (1_000_000, 48_000_000),
            (5_000_000, 240_000_000),
        ],
    )
    def test_the_lump_sum_is_48_times_income_but_at_least_20_million(
        self, income: int, lump_sum: int
    ) -> None:
        paid = benefit(cause=CauseOfDeath.work_accident, declared_income_idr=income)
        assert paid.lump_sum_idr == lump_sum
        assert paid.total_idr == lump_sum + 22_000_000

    @pytest.mark.parametrize(
        "died", [date(2026, 8, 1), date(2026, 8, 2), date(2026, 10, 31), date(2026, 11, 1)]
    )
    def test_there_is_no_waiting_period(self, died: date) -> None:
        paid = benefit(cause=CauseOfDeath.work_accident, date_of_death=died, contribution_months=0)
        assert paid.type is BenefitType.JKK
        assert paid.total_idr == JKK_AT_1M_IDR

    def test_a_work_accident_on_the_first_day_still_pays_scholarships(self) -> None:
        paid = benefit(
            cause=CauseOfDeath.work_accident,
            date_of_death=MEMBERSHIP_START,
            contribution_months=0,
            children=(child(EducationLevel.smp),),
        )
        assert [s.first_year_idr for s in paid.scholarships] == [2_000_000]
        assert paid.total_idr == JKK_AT_1M_IDR + 2_000_000


class TestScholarshipForOneChild:
    @pytest.mark.parametrize("level", list(EducationLevel))
    def test_the_entitlement_is_the_sum_over_the_levels_still_ahead(
        self, level: EducationLevel
    ) -> None:
        maximum, first_year = ENTITLEMENT_BY_LEVEL[level]
        assert scholarship_for(child(level, name="Siti"), LONG_AFTER_START) == Scholarship(
            "Siti", level, maximum, first_year
        )

    def test_every_education_level_has_an_expected_entitlement(self) -> None:
        assert set(ENTITLEMENT_BY_LEVEL) == set(EducationLevel)

    def test_no_child_is_entitled_to_more_than_87_million(self) -> None:
        assert MAX_SCHOLARSHIP_PER_CHILD_IDR == 87_000_000
        for level in EducationLevel:
            entitlement = scholarship_for(child(level), LONG_AFTER_START).max_entitlement_idr
            assert entitlement <= 87_000_000

    def test_a_child_not_yet_in_school_holds_87_million_with_nothing_due_this_year(self) -> None:
        scholarship = scholarship_for(child(EducationLevel.not_yet_in_school), LONG_AFTER_START)
        assert scholarship.max_entitlement_idr == 87_000_000
        assert scholarship.first_year_idr == 0

    def test_a_child_one_day_short_of_23_is_still_entitled_to_this_year(self) -> None:
        young = child(EducationLevel.university, born=date(2003, 10, 15))
        found = scholarship_for(young, date(2026, 10, 14))
        assert (found.max_entitlement_idr, found.first_year_idr) == (12_000_000, 12_000_000)

    def test_a_22_year_old_student_holds_one_year_of_university_not_five(self) -> None:
        """The issue's case: university money ends at 23, so 12 M, not 60 M."""
        student = child(EducationLevel.university, born=date(2004, 3, 1))
        assert scholarship_for(student, date(2026, 8, 20)) == Scholarship(
            "Anak", EducationLevel.university, 12_000_000, 12_000_000
        )

    @pytest.mark.parametrize(
        ("level", "born", "maximum"),
        [
            (EducationLevel.sma, date(2006, 1, 1), 3 * 3_000_000),  # 20: 3 years, all SMA
            (EducationLevel.smp, date(2006, 1, 1), 3 * 2_000_000),  # 20 and still in SMP
            # 13 in SD: 10 years left = 6 SD + 3 SMP + 1 SMA.
            (EducationLevel.sd, date(2013, 7, 1), 6 * 1_500_000 + 3 * 2_000_000 + 3_000_000),
            (EducationLevel.university, date(2007, 1, 1), 4 * 12_000_000),  # 19: 4 years
        ],
    )
    def test_years_past_the_23rd_birthday_never_count(
        self, level: EducationLevel, born: date, maximum: int
    ) -> None:
        found = scholarship_for(child(level, born=born), date(2026, 8, 20))
        assert found.max_entitlement_idr == maximum


class TestScholarshipsInTheBenefit:
    def test_two_children_in_sd_and_sma_under_jkk(self) -> None:
        paid = benefit(
            cause=CauseOfDeath.work_accident,
            contribution_months=0,
            children=(
                child(EducationLevel.sd, name="Adik"),
                child(EducationLevel.sma, name="Kakak"),
            ),
        )
        assert paid.scholarships == (
            Scholarship("Adik", EducationLevel.sd, 84_000_000, 1_500_000),
            Scholarship("Kakak", EducationLevel.sma, 69_000_000, 3_000_000),
        )
        assert paid.scholarship_first_year_idr == 4_500_000
        assert paid.total_idr == 74_500_000

    def test_two_children_hold_at_most_174_million(self) -> None:
        paid = benefit(
            children=(child(EducationLevel.tk, name="A"), child(EducationLevel.not_yet_in_school))
        )
        assert sum(s.max_entitlement_idr for s in paid.scholarships) == 174_000_000
        assert paid.total_idr == JKM_FULL_IDR + 1_500_000

    def test_a_third_child_is_ignored(self) -> None:
        paid = benefit(
            children=(
                child(EducationLevel.sd, name="Satu"),
                child(EducationLevel.smp, name="Dua"),
                child(EducationLevel.university, name="Tiga"),
            )
        )
        assert [s.child for s in paid.scholarships] == ["Satu", "Dua"]
        assert paid.scholarship_first_year_idr == 3_500_000
        assert paid.total_idr == JKM_FULL_IDR + 3_500_000

    def test_a_child_who_left_school_does_not_take_a_place_from_a_younger_one(self) -> None:
        """The issue's case: a 20-year-old who left school, then a 13-year-old in SMP."""
        paid = benefit(
            cause=CauseOfDeath.work_accident,
            date_of_death=date(2026, 8, 20),
            children=(
                child(EducationLevel.none, name="Sulung", born=date(2006, 2, 1)),
                child(EducationLevel.smp, name="Tengah", born=date(2013, 2, 1)),
                child(EducationLevel.sd, name="Bungsu", born=date(2018, 2, 1)),
            ),
        )
        assert [s.child for s in paid.scholarships] == ["Tengah", "Bungsu"]

    def test_a_child_aged_23_does_not_use_up_a_place(self) -> None:
        died = date(2027, 6, 15)
        paid = benefit(
            date_of_death=died,
            children=(
                child(EducationLevel.university, name="Sulung", born=date(2004, 6, 15)),
                child(EducationLevel.sma, name="Tengah", born=date(2010, 1, 1)),
                child(EducationLevel.sd, name="Bungsu", born=date(2018, 1, 1)),
            ),
        )
        assert [s.child for s in paid.scholarships] == ["Tengah", "Bungsu"]
        assert paid.scholarship_first_year_idr == 4_500_000

    def test_no_child_under_23_means_no_scholarship(self) -> None:
        paid = benefit(
            children=(
                child(EducationLevel.university, name="A", born=date(1990, 1, 1)),
                child(EducationLevel.not_yet_in_school, name="B", born=date(1995, 1, 1)),
            )
        )
        assert paid.scholarships == ()
        assert paid.total_idr == JKM_FULL_IDR

    @pytest.mark.parametrize("months", [0, 1, 12, 35])
    def test_jkm_pays_no_scholarship_under_36_contribution_months(self, months: int) -> None:
        paid = benefit(contribution_months=months, children=(child(EducationLevel.sd),))
        assert paid.scholarships == ()
        assert paid.total_idr == JKM_FULL_IDR

    @pytest.mark.parametrize("months", [36, 37, 120])
    def test_jkm_pays_scholarships_from_36_contribution_months(self, months: int) -> None:
        paid = benefit(contribution_months=months, children=(child(EducationLevel.sd),))
        assert paid.scholarships == (Scholarship("Anak", EducationLevel.sd, 84_000_000, 1_500_000),)
        assert paid.total_idr == JKM_FULL_IDR + 1_500_000

    @pytest.mark.parametrize("cause", NOT_WORK_ACCIDENT)
    def test_the_36_month_minimum_holds_for_every_jkm_cause(self, cause: CauseOfDeath) -> None:
        kids = (child(EducationLevel.smp),)
        assert benefit(cause=cause, contribution_months=35, children=kids).scholarships == ()
        assert len(benefit(cause=cause, contribution_months=36, children=kids).scholarships) == 1

    def test_jkk_has_no_minimum_contribution_period(self) -> None:
        paid = benefit(
            cause=CauseOfDeath.work_accident,
            contribution_months=0,
            children=(child(EducationLevel.university),),
        )
        assert paid.scholarships == (
            Scholarship("Anak", EducationLevel.university, 60_000_000, 12_000_000),
        )
        assert paid.total_idr == JKK_AT_1M_IDR + 12_000_000

    def test_a_child_not_in_school_adds_nothing_to_what_is_paid_now(self) -> None:
        paid = benefit(children=(child(EducationLevel.not_yet_in_school),))
        assert len(paid.scholarships) == 1
        assert paid.total_idr == JKM_FULL_IDR


class TestBenefitTotal:
    def test_the_total_is_the_lump_sums_and_the_first_scholarship_year_only(self) -> None:
        paid = Benefit(
            BenefitType.JKK,
            lump_sum_idr=1,
            periodic_idr=20,
            funeral_idr=300,
            scholarships=(
                Scholarship("A", EducationLevel.sd, 84_000_000, 4_000),
                Scholarship("B", EducationLevel.sma, 69_000_000, 50_000),
            ),
        )
        assert paid.scholarship_first_year_idr == 54_000
        assert paid.total_idr == 54_321

    def test_without_scholarships_the_total_is_the_three_lump_sums(self) -> None:
        paid = Benefit(BenefitType.JKM, 20_000_000, 12_000_000, 10_000_000, ())
        assert paid.scholarship_first_year_idr == 0
        assert paid.total_idr == 42_000_000


class TestAddCalendarMonths:
    @pytest.mark.parametrize(
        ("day", "months", "expected"),
        [
            (date(2026, 8, 1), 0, date(2026, 8, 1)),
            (date(2026, 8, 1), 3, date(2026, 11, 1)),
            (date(2026, 8, 15), 1, date(2026, 9, 15)),
            (date(2026, 1, 31), 1, date(2026, 2, 28)),
            (date(2024, 1, 31), 1, date(2024, 2, 29)),
            (date(2026, 1, 31), 3, date(2026, 4, 30)),
            (date(2026, 3, 31), 1, date(2026, 4, 30)),
            (date(2026, 7, 31), 1, date(2026, 8, 31)),
            (date(2026, 1, 30), 1, date(2026, 2, 28)),
            (date(2026, 1, 29), 1, date(2026, 2, 28)),
            (date(2026, 1, 28), 1, date(2026, 2, 28)),
            (date(2026, 10, 31), 3, date(2027, 1, 31)),
            (date(2026, 12, 31), 2, date(2027, 2, 28)),
            (date(2026, 11, 15), 3, date(2027, 2, 15)),
            (date(2024, 2, 29), 12, date(2025, 2, 28)),
            (date(2024, 2, 29), 48, date(2028, 2, 29)),
            (date(2026, 3, 15), 24, date(2028, 3, 15)),
            (date(2026, 1, 15), -1, date(2025, 12, 15)),
            (date(2026, 3, 31), -1, date(2026, 2, 28)),
        ],
    )
    def test_it_steps_calendar_months_and_keeps_to_the_last_day(
        self, day: date, months: int, expected: date
    ) -> None:
        assert add_calendar_months(day, months) == expected

    def test_three_months_on_agrees_with_the_calendar_for_every_day_of_three_years(self) -> None:
        day = date(2024, 1, 1)
        while day <= date(2026, 12, 31):
            assert add_calendar_months(day, 3) == third_monthiversary(day), day
            day += timedelta(days=1)
