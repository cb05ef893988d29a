"""Eligibility of a person for a programme (DESIGN.md R8): every failing reason, and no other.

Valid NIK; NIK birth date and sex agree with the stated ones; age within min…max on the
registration date; the start month not before the registration month (R9); domicile = the
programme's region (never the NIK prefix); no other
pending/active enrolment for an overlapping month; not deceased; programme open and the months
inside its window; the cost fits the remaining budget and `max_workers`.
"""

import re
from dataclasses import replace
from datetime import date

import pytest

from app.calendar import age_on
from app.enrolments.eligibility import (
    Person,
    ProgramTerms,
    ReasonCode,
    money_reasons,
    person_reasons,
    program_reasons,
    standing_reasons,
    start_reasons,
)
from app.errors import Reason
from app.workers.nik import Sex, is_valid

PASURUAN = "3514"
KOTA_PASURUAN = "3575"
START = "2026-07"
REGISTERED = date(2026, 7, 1)  # registered on the first day of the start month
REGION_CODES = [
    "3501",
    "3507",
    "3513",
    "3514",
    "3515",
    "3574",
    "3575",
    "3578",
    "6409",
    "6471",
]

TERMS = ProgramTerms(
    region_code=PASURUAN,
    is_open=True,
    coverage_start="2026-01",
    coverage_end="2026-12",
    min_age=15,
    max_age=65,
)


def make_nik(born: date, sex: Sex, *, place: str = PASURUAN + "01", serial: str = "0001") -> str:
    """A NIK as R7 describes it: PPKKCC, DDMMYY with 40 added to a woman's day, SSSS."""
    day = born.day + (40 if sex is Sex.female else 0)
    return f"{place}{day:02d}{born.month:02d}{born.year % 100:02d}{serial}"


def person(
    born: date = date(1980, 5, 10),
    sex: Sex = Sex.male,
    *,
    domicile: str = PASURUAN,
    nik: str | None = None,
) -> Person:
    return Person(
        nik=nik if nik is not None else make_nik(born, sex),
        birth_date=born,
        sex=sex,
        domicile_region_code=domicile,
    )


def codes(reasons: list[Reason]) -> list[str]:
    return [r.code for r in reasons]


class TestTheFixtures:
    def test_the_baseline_person_and_programme_have_nothing_against_them(self) -> None:
        assert is_valid(person().nik)
        assert person_reasons(person(), TERMS, REGISTERED) == []
        assert program_reasons(TERMS, START, "2026-12") == []
        assert standing_reasons(already_enrolled=False, deceased=False) == []
        assert (
            money_reasons(
                cost_idr=100_800, remaining_idr=2_800_000_000, enrolled_workers=0, max_workers=None
            )
            == []
        )

    def test_reason_codes_are_the_r8_codes(self) -> None:
        assert {
            "NIK_INVALID",
            "NIK_MISMATCH",
            "AGE_OUT_OF_RANGE",
            "NOT_RESIDENT",
            "ALREADY_ENROLLED",
            "DECEASED",
            "PROGRAM_CLOSED",
            "OUTSIDE_PROGRAM_WINDOW",
            "BUDGET_EXHAUSTED",
            "QUOTA_REACHED",
            "DUPLICATE_IN_FILE",
        } <= {c.value for c in ReasonCode}


class TestNikInvalid:
    @pytest.mark.parametrize(
        "nik",
        [
            "",
            "351401100580",  # too short
            "35140110058000011",  # too long
            "35140110058O0001",  # a letter
            "9914011005800001",  # no province 99
            "3514013002000001",  # 30 February
            "3514011013800001",  # month 13
            "3514018005800001",  # day 80
        ],
    )
    def test_an_invalid_nik_is_nik_invalid_only(self, nik: str) -> None:
        assert codes(person_reasons(person(nik=nik), TERMS, REGISTERED)) == ["NIK_INVALID"]

    def test_an_invalid_nik_is_not_also_reported_as_a_mismatch(self) -> None:
        # the birth date in an invalid NIK cannot be read, so it cannot disagree
        bad = person(date(1980, 5, 10), nik="3514013002000001")
        assert "NIK_MISMATCH" not in codes(person_reasons(bad, TERMS, REGISTERED))

    def test_a_valid_nik_is_never_nik_invalid(self) -> None:
        for born in [date(1961, 7, 1), date(1980, 5, 10), date(2000, 2, 29), date(2011, 7, 1)]:
            for sex in Sex:
                assert "NIK_INVALID" not in codes(
                    person_reasons(person(born, sex), TERMS, REGISTERED)
                )

    def test_the_detail_does_not_repeat_the_nik(self) -> None:
        nik = "9914011005800001"
        [reason] = person_reasons(person(nik=nik), TERMS, REGISTERED)
        assert nik not in reason.detail


class TestNikMismatch:
    def test_another_stated_birth_date_is_a_mismatch(self) -> None:
        someone = person(nik=make_nik(date(1980, 5, 11), Sex.male))
        [reason] = person_reasons(someone, TERMS, REGISTERED)
        assert reason.code == "NIK_MISMATCH"
        assert "birth date" in reason.detail
        assert "sex" not in reason.detail

    @pytest.mark.parametrize(
        "nik_date", [date(1980, 5, 11), date(1980, 6, 10), date(1981, 5, 10), date(1970, 5, 10)]
    )
    def test_day_month_or_two_digit_year_differing_is_a_mismatch(self, nik_date: date) -> None:
        someone = person(date(1980, 5, 10), nik=make_nik(nik_date, Sex.male))
        assert codes(person_reasons(someone, TERMS, REGISTERED)) == ["NIK_MISMATCH"]

    def test_another_stated_sex_is_a_mismatch(self) -> None:
        someone = person(date(1980, 5, 10), Sex.female, nik=make_nik(date(1980, 5, 10), Sex.male))
        [reason] = person_reasons(someone, TERMS, REGISTERED)
        assert reason.code == "NIK_MISMATCH"
        assert "sex" in reason.detail
        assert "birth date" not in reason.detail

    def test_both_differing_is_one_mismatch_naming_both(self) -> None:
        someone = person(date(1980, 5, 10), Sex.female, nik=make_nik(date(1981, 5, 10), Sex.male))
        [reason] = person_reasons(someone, TERMS, REGISTERED)
        assert reason.code == "NIK_MISMATCH"
        assert "birth date" in reason.detail
        assert "sex" in reason.detail

    def test_a_woman_whose_nik_day_has_40_added_matches(self) -> None:
        woman = person(date(1980, 5, 10), Sex.female)
        assert woman.nik[6:8] == "50"
        assert person_reasons(woman, TERMS, REGISTERED) == []

    def test_born_2000_02_29_matches_the_nik_with_year_00(self) -> None:
        # stdnum reads 00 as 1900 and falls back to 2000 only because 1900-02-29 does not exist
        someone = person(date(2000, 2, 29), nik="3171012902001234")
        assert person_reasons(someone, TERMS, REGISTERED) == []

    def test_born_2000_01_01_matches_although_stdnum_reads_the_year_as_1900(self) -> None:
        assert person_reasons(person(date(2000, 1, 1)), TERMS, REGISTERED) == []

    def test_born_1945_08_17_matches_170845_whatever_the_century(self) -> None:
        old_terms = replace(TERMS, max_age=99)
        assert person_reasons(person(date(1945, 8, 17)), old_terms, REGISTERED) == []
        assert (
            person_reasons(person(date(1945, 8, 17), nik="3514011708450001"), old_terms, REGISTERED)
            == []
        )

    def test_the_detail_does_not_repeat_the_nik(self) -> None:
        nik = make_nik(date(1981, 5, 10), Sex.male)
        [reason] = person_reasons(person(date(1980, 5, 10), nik=nik), TERMS, REGISTERED)
        assert nik not in reason.detail


class TestAgeOutOfRange:
    """Age on the registration date, both limits included (default 15…65)."""

    @pytest.mark.parametrize(
        ("born", "age", "eligible"),
        [
            (date(2011, 7, 2), 14, False),  # turns 15 on the 2nd: still 14 on 1 July
            (date(2011, 7, 31), 14, False),
            (date(2012, 1, 1), 14, False),
            (date(2011, 7, 1), 15, True),  # 15th birthday on the first day of the month
            (date(2011, 6, 30), 15, True),
            (date(1980, 5, 10), 46, True),
            (date(1960, 7, 2), 65, True),  # turns 66 on the 2nd: still 65 on 1 July
            (date(1961, 7, 1), 65, True),
            (date(1960, 7, 1), 66, False),  # 66th birthday on the first day of the month
            (date(1960, 6, 30), 66, False),
            (date(1950, 1, 1), 76, False),
        ],
    )
    def test_the_boundaries_at_15_and_65(self, born: date, age: int, eligible: bool) -> None:
        assert age_on(born, date(2026, 7, 1)) == age
        found = codes(person_reasons(person(born), TERMS, REGISTERED))
        assert found == ([] if eligible else ["AGE_OUT_OF_RANGE"])

    @pytest.mark.parametrize("sex", list(Sex))
    def test_the_same_boundaries_hold_for_women(self, sex: Sex) -> None:
        assert codes(person_reasons(person(date(2011, 7, 1), sex), TERMS, REGISTERED)) == []
        assert codes(person_reasons(person(date(2011, 7, 2), sex), TERMS, REGISTERED)) == [
            "AGE_OUT_OF_RANGE"
        ]
        assert codes(person_reasons(person(date(1960, 7, 2), sex), TERMS, REGISTERED)) == []
        assert codes(person_reasons(person(date(1960, 7, 1), sex), TERMS, REGISTERED)) == [
            "AGE_OUT_OF_RANGE"
        ]

    def test_the_age_is_taken_on_the_registration_day_itself(self) -> None:
        born = date(2011, 7, 15)  # 14 until 14 July 2026, 15 from 15 July
        assert codes(person_reasons(person(born), TERMS, date(2026, 7, 14))) == ["AGE_OUT_OF_RANGE"]
        assert codes(person_reasons(person(born), TERMS, date(2026, 7, 15))) == []

    def test_the_upper_limit_is_taken_on_the_registration_day_too(self) -> None:
        born = date(1960, 9, 15)  # 65 until 14 September 2026, 66 from the 15th
        assert codes(person_reasons(person(born), TERMS, date(2026, 9, 14))) == []
        assert codes(person_reasons(person(born), TERMS, date(2026, 9, 15))) == ["AGE_OUT_OF_RANGE"]

    def test_the_programme_s_own_limits_apply(self) -> None:
        terms = replace(TERMS, min_age=18, max_age=60)
        assert codes(person_reasons(person(date(2008, 7, 1)), terms, REGISTERED)) == []  # 18
        assert codes(person_reasons(person(date(2008, 7, 2)), terms, REGISTERED)) == [
            "AGE_OUT_OF_RANGE"
        ]  # 17
        assert codes(person_reasons(person(date(1965, 7, 2)), terms, REGISTERED)) == []  # 60
        assert codes(person_reasons(person(date(1965, 7, 1)), terms, REGISTERED)) == [
            "AGE_OUT_OF_RANGE"
        ]  # 61

    def test_born_on_29_february(self) -> None:
        terms = replace(TERMS, min_age=18)
        leapling = person(date(2008, 2, 29))
        assert codes(person_reasons(leapling, terms, date(2026, 2, 28))) == [
            "AGE_OUT_OF_RANGE"
        ]  # 17
        assert codes(person_reasons(leapling, terms, date(2026, 3, 1))) == []  # 18

    def test_the_detail_gives_the_age_day_and_limits(self) -> None:
        [reason] = person_reasons(person(date(2011, 7, 2)), TERMS, REGISTERED)
        assert "14" in reason.detail
        assert "2026-07-01" in reason.detail
        assert "15" in reason.detail
        assert "65" in reason.detail


class TestAgeOn:
    @pytest.mark.parametrize(
        ("born", "day", "age"),
        [
            (date(2000, 1, 1), date(2000, 1, 1), 0),
            (date(2000, 1, 2), date(2001, 1, 1), 0),
            (date(2000, 1, 1), date(2001, 1, 1), 1),
            (date(2000, 2, 29), date(2001, 2, 28), 0),
            (date(2000, 2, 29), date(2001, 3, 1), 1),
            (date(2000, 2, 29), date(2004, 2, 29), 4),
            (date(1945, 8, 17), date(2026, 7, 1), 80),
        ],
    )
    def test_counts_whole_years_lived(self, born: date, day: date, age: int) -> None:
        assert age_on(born, day) == age


class TestNotResident:
    def test_domicile_in_another_region_is_not_resident(self) -> None:
        elsewhere = person(domicile=KOTA_PASURUAN)
        [reason] = person_reasons(elsewhere, TERMS, REGISTERED)
        assert reason.code == "NOT_RESIDENT"

    def test_a_nik_issued_in_another_region_with_domicile_here_is_resident(self) -> None:
        moved_in = person(nik=make_nik(date(1980, 5, 10), Sex.male, place=KOTA_PASURUAN + "01"))
        assert is_valid(moved_in.nik)
        assert moved_in.nik.startswith(KOTA_PASURUAN)
        assert person_reasons(moved_in, TERMS, REGISTERED) == []

    def test_a_nik_issued_here_with_domicile_elsewhere_is_not_resident(self) -> None:
        moved_out = person(domicile=KOTA_PASURUAN)
        assert moved_out.nik.startswith(PASURUAN)
        assert codes(person_reasons(moved_out, TERMS, REGISTERED)) == ["NOT_RESIDENT"]

    @pytest.mark.parametrize("domicile", [c for c in REGION_CODES if c != PASURUAN])
    def test_every_other_region_is_not_resident(self, domicile: str) -> None:
        assert codes(person_reasons(person(domicile=domicile), TERMS, REGISTERED)) == [
            "NOT_RESIDENT"
        ]

    def test_the_programme_region_decides(self) -> None:
        terms = replace(TERMS, region_code=KOTA_PASURUAN)
        assert codes(person_reasons(person(domicile=KOTA_PASURUAN), terms, REGISTERED)) == []
        assert codes(person_reasons(person(domicile=PASURUAN), terms, REGISTERED)) == [
            "NOT_RESIDENT"
        ]


class TestProgramClosed:
    def test_a_closed_programme_is_program_closed(self) -> None:
        assert codes(program_reasons(replace(TERMS, is_open=False), START, "2026-12")) == [
            "PROGRAM_CLOSED"
        ]

    def test_an_open_programme_is_not(self) -> None:
        assert program_reasons(TERMS, START, "2026-12") == []


class TestOutsideProgramWindow:
    @pytest.mark.parametrize(
        ("start", "end"),
        [
            ("2026-01", "2026-12"),  # the whole window
            ("2026-01", "2026-01"),
            ("2026-12", "2026-12"),
            ("2026-07", "2026-12"),
            ("2026-03", "2026-09"),
        ],
    )
    def test_months_inside_the_window_are_fine(self, start: str, end: str) -> None:
        assert program_reasons(TERMS, start, end) == []

    @pytest.mark.parametrize(
        ("start", "end"),
        [
            ("2025-12", "2026-12"),  # starts a month early
            ("2026-01", "2027-01"),  # ends a month late
            ("2025-12", "2027-01"),  # both
            ("2025-01", "2025-12"),  # entirely before
            ("2027-01", "2027-06"),  # entirely after
            ("2026-08", "2026-07"),  # ends before it starts
        ],
    )
    def test_months_outside_the_window_are_outside(self, start: str, end: str) -> None:
        [reason] = program_reasons(TERMS, start, end)
        assert reason.code == "OUTSIDE_PROGRAM_WINDOW"
        assert "2026-01" in reason.detail
        assert "2026-12" in reason.detail

    def test_closed_and_outside_are_both_returned(self) -> None:
        closed = replace(TERMS, is_open=False)
        assert codes(program_reasons(closed, "2025-12", "2026-12")) == [
            "PROGRAM_CLOSED",
            "OUTSIDE_PROGRAM_WINDOW",
        ]


class TestStartBeforeRegistration:
    """R9: cover is never bought for time already past."""

    @pytest.mark.parametrize(
        ("start", "registered_on", "refused"),
        [
            ("2026-05", date(2026, 5, 20), False),  # the registration month itself
            ("2026-06", date(2026, 5, 20), False),  # a later month
            ("2026-04", date(2026, 5, 20), True),  # a month already past
            ("2026-04", date(2026, 5, 1), True),  # even from the first of the next month
            ("2025-12", date(2026, 1, 1), True),  # across the year
            ("2026-01", date(2026, 1, 31), False),
        ],
    )
    def test_a_start_before_the_registration_month_is_refused(
        self, start: str, registered_on: date, refused: bool
    ) -> None:
        found = codes(start_reasons(start, registered_on))
        assert found == (["START_BEFORE_REGISTRATION"] if refused else [])

    def test_the_detail_says_which_month_to_give(self) -> None:
        [reason] = start_reasons("2026-04", date(2026, 5, 20))
        assert "2026-05" in reason.detail and "2026-04" in reason.detail


class TestAlreadyEnrolledAndDeceased:
    @pytest.mark.parametrize(
        ("already_enrolled", "deceased", "expected"),
        [
            (False, False, []),
            (True, False, ["ALREADY_ENROLLED"]),
            (False, True, ["DECEASED"]),
            (True, True, ["ALREADY_ENROLLED", "DECEASED"]),
        ],
    )
    def test_each_appears_exactly_when_true(
        self, already_enrolled: bool, deceased: bool, expected: list[str]
    ) -> None:
        found = standing_reasons(already_enrolled=already_enrolled, deceased=deceased)
        assert codes(found) == expected

    def test_already_enrolled_never_names_a_region(self) -> None:
        [reason] = standing_reasons(already_enrolled=True, deceased=False)
        assert not re.search(r"\d", reason.detail)
        for code in REGION_CODES:
            assert code not in reason.detail
        assert "Pasuruan" not in reason.detail

    def test_deceased_names_no_region_either(self) -> None:
        [reason] = standing_reasons(already_enrolled=False, deceased=True)
        assert not re.search(r"\d", reason.detail)


class TestBudgetExhausted:
    @pytest.mark.parametrize(
        ("cost_idr", "remaining_idr", "exhausted"),
        [
            (100_800, 2_800_000_000, False),
            (100_800, 100_800, False),  # exactly the remaining money fits
            (100_800, 100_799, True),  # one rupiah short
            (100_800, 0, True),
            (100_800, -1, True),
            (0, 0, False),
        ],
    )
    def test_the_cost_must_fit_the_remaining_budget(
        self, cost_idr: int, remaining_idr: int, exhausted: bool
    ) -> None:
        found = money_reasons(
            cost_idr=cost_idr, remaining_idr=remaining_idr, enrolled_workers=0, max_workers=None
        )
        assert codes(found) == (["BUDGET_EXHAUSTED"] if exhausted else [])


class TestQuotaReached:
    @pytest.mark.parametrize(
        ("enrolled_workers", "max_workers", "reached"),
        [
            (0, None, False),
            (1_000_000, None, False),  # no maximum: target_workers is a goal, not a cap
            (8_999, 9_000, False),
            (9_000, 9_000, True),
            (9_001, 9_000, True),
            (0, 0, True),
        ],
    )
    def test_the_maximum_number_of_workers_is_a_cap(
        self, enrolled_workers: int, max_workers: int | None, reached: bool
    ) -> None:
        found = money_reasons(
            cost_idr=100_800,
            remaining_idr=2_800_000_000,
            enrolled_workers=enrolled_workers,
            max_workers=max_workers,
        )
        assert codes(found) == (["QUOTA_REACHED"] if reached else [])

    def test_budget_and_quota_are_both_returned(self) -> None:
        found = money_reasons(
            cost_idr=100_800, remaining_idr=0, enrolled_workers=9_000, max_workers=9_000
        )
        assert codes(found) == ["BUDGET_EXHAUSTED", "QUOTA_REACHED"]


class TestSeveralReasonsAtOnce:
    def test_mismatch_age_and_domicile_are_all_returned(self) -> None:
        someone = person(
            date(2012, 1, 1),
            Sex.male,
            domicile=KOTA_PASURUAN,
            nik=make_nik(date(2012, 1, 1), Sex.female),
        )
        assert codes(person_reasons(someone, TERMS, REGISTERED)) == [
            "NIK_MISMATCH",
            "AGE_OUT_OF_RANGE",
            "NOT_RESIDENT",
        ]

    def test_invalid_nik_age_and_domicile_are_all_returned(self) -> None:
        someone = person(date(1950, 1, 1), domicile=KOTA_PASURUAN, nik="not-a-nik")
        assert codes(person_reasons(someone, TERMS, REGISTERED)) == [
            "NIK_INVALID",
            "AGE_OUT_OF_RANGE",
            "NOT_RESIDENT",
        ]

    def test_every_rule_failing_returns_every_code_once(self) -> None:
        someone = person(
            date(1950, 1, 1),
            Sex.male,
            domicile=KOTA_PASURUAN,
            nik=make_nik(date(1951, 1, 1), Sex.male),
        )
        closed = replace(TERMS, is_open=False)
        found = (
            person_reasons(someone, closed, date(2026, 1, 5))
            + program_reasons(closed, "2025-12", "2027-01")
            + start_reasons("2025-12", date(2026, 1, 5))
            + standing_reasons(already_enrolled=True, deceased=True)
            + money_reasons(cost_idr=1, remaining_idr=0, enrolled_workers=1, max_workers=1)
        )
        assert sorted(codes(found)) == sorted(
            [
                "NIK_MISMATCH",
                "AGE_OUT_OF_RANGE",
                "NOT_RESIDENT",
                "PROGRAM_CLOSED",
                "OUTSIDE_PROGRAM_WINDOW",
                "START_BEFORE_REGISTRATION",
                "ALREADY_ENROLLED",
                "DECEASED",
                "BUDGET_EXHAUSTED",
                "QUOTA_REACHED",
            ]
        )

    def test_every_reason_has_a_detail(self) -> None:
        someone = person(date(1950, 1, 1), domicile=KOTA_PASURUAN, nik="not-a-nik")
        closed = replace(TERMS, is_open=False)
        found = (
            person_reasons(someone, closed, REGISTERED)
            + program_reasons(closed, "2025-12", "2027-01")
            + start_reasons("2025-12", REGISTERED)
            + standing_reasons(already_enrolled=True, deceased=True)
            + money_reasons(cost_idr=1, remaining_idr=0, enrolled_workers=1, max_workers=1)
        )
        assert len(found) == 10
        assert all(r.detail.strip() for r in found)
        assert all(r.code in ReasonCode.__members__ for r in found)
