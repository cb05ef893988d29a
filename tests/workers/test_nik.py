"""NIK rules (DESIGN.md R7): PPKKCC DDMMYY SSSS, 40 added to the day for women, two year digits.

Validity comes from python-stdnum; the birth date and sex are compared on day, month and the
two-digit year only, never the century (stdnum reads `00` as 1900).
"""

from datetime import date

import pytest
from stdnum.id import nik as stdnum_nik

from app.workers.nik import NikFacts, Sex, facts, is_valid, mask, mismatches, normalise

PASURUAN_KECAMATAN = "351401"  # Kab. Pasuruan (3514); stdnum checks the first four digits


def make_nik(born: date, sex: Sex, *, place: str = PASURUAN_KECAMATAN, serial: str = "0001") -> str:
    day = born.day + (40 if sex is Sex.female else 0)
    return f"{place}{day:02d}{born.month:02d}{born.year % 100:02d}{serial}"


class TestMakeNikHelper:
    @pytest.mark.parametrize(
        "born",
        [date(1945, 8, 17), date(1980, 1, 1), date(2000, 2, 29), date(2011, 12, 31)],
    )
    @pytest.mark.parametrize("sex", list(Sex))
    def test_builds_niks_that_stdnum_accepts(self, born: date, sex: Sex) -> None:
        assert stdnum_nik.is_valid(make_nik(born, sex))


class TestIsValid:
    @pytest.mark.parametrize(
        "value",
        [
            "3171011708450001",  # stdnum's own example: a man born 17-08-45
            "3171015708450001",  # the same date for a woman: 17 + 40 = 57
            "3171012902001234",  # 29-02-00 only exists as 2000-02-29
            "3514011708450001",
            "3575011708450001",
            "3171 0117 0845 0001",  # separators are tolerated
            "3171-0117-0845-0001",
            " 3171011708450001 ",
        ],
    )
    def test_a_well_formed_nik_is_valid(self, value: str) -> None:
        assert is_valid(value) is True

    @pytest.mark.parametrize(
        "value",
        [
            "",
            "317101170845000",  # 15 digits
            "31710117084500011",  # 17 digits
            "31710117084500",
            "317101170845000A",
            "3171011708450OO1",
            "9971011708450001",  # no province 99
            "3171013002001234",  # 30 February
            "3171013202001234",  # day 32
            "3171011713450001",  # month 13
            "3171010008450001",  # day 0
            "3171014008450001",  # a woman's day 0 (40)
            "3171017202001234",  # a woman's day 32 (72)
            "3171018008450001",  # 80 is no day for anyone
            "3171012902011234",  # 29-02-01: neither 1901 nor 2001 is a leap year
        ],
    )
    def test_anything_else_is_invalid(self, value: str) -> None:
        assert is_valid(value) is False

    @pytest.mark.parametrize(
        "value", ["9971011708450001", "3171013002001234", "abc", "", "31710117084500011"]
    )
    def test_agrees_with_stdnum(self, value: str) -> None:
        assert is_valid(value) is stdnum_nik.is_valid(value)

    @pytest.mark.parametrize(
        "value",
        [
            "3171²²1708450001",
            "31710117084500²¹",
            "317101²708450001",
            "３１７１０１１７０８４５０００１",
        ],
    )
    def test_non_ascii_digits_are_judged_as_stdnum_judges_them(self, value: str) -> None:
        assert is_valid(value) is stdnum_nik.is_valid(value)

    def test_full_width_digits_normalise_to_ascii(self) -> None:
        assert normalise("３１７１０１１７０８４５０００１") == "3171011708450001"

    def test_agrees_with_stdnum_on_every_place_and_many_dates(self) -> None:
        """The place and birth-date checks are cached pieces of stdnum's validation: every
        four-digit prefix, and days 0-79 × months 0-13 × a spread of years, agree with it."""
        numbers = [f"{p:04d}01{11 + p % 17:02d}08450001" for p in range(10_000)]
        numbers += [
            f"317101{day:02d}{month:02d}{year:02d}0001"
            for day in range(80)
            for month in range(14)
            for year in (0, 1, 4, 45, 99)
        ]
        disagreeing = [n for n in numbers if is_valid(n) is not stdnum_nik.is_valid(n)]
        assert disagreeing == []
        assert 0 < sum(map(is_valid, numbers)) < len(numbers)


class TestNormalise:
    @pytest.mark.parametrize(
        "value",
        ["3171011708450001", "3171 0117 0845 0001", "3171-0117-0845-0001", " 3171011708450001"],
    )
    def test_strips_separators_and_spaces(self, value: str) -> None:
        assert normalise(value) == "3171011708450001"


class TestFacts:
    def test_a_man_s_nik_encodes_the_day_as_it_is(self) -> None:
        assert facts("3171011708450001") == NikFacts(
            day=17, month=8, two_digit_year=45, sex=Sex.male
        )

    def test_a_woman_s_nik_has_40_added_to_the_day(self) -> None:
        assert facts("3171015708450001") == NikFacts(
            day=17, month=8, two_digit_year=45, sex=Sex.female
        )

    def test_year_00_is_read_as_two_digits_not_as_1900(self) -> None:
        assert facts("3171012902001234") == NikFacts(
            day=29, month=2, two_digit_year=0, sex=Sex.male
        )

    def test_reads_through_separators(self) -> None:
        assert facts("3171 0157 0845 0001") == facts("3171015708450001")

    @pytest.mark.parametrize("day", range(1, 32))
    @pytest.mark.parametrize("sex", list(Sex))
    def test_every_day_of_the_month_for_both_sexes(self, day: int, sex: Sex) -> None:
        born = date(1990, 1, day)
        assert facts(make_nik(born, sex)) == NikFacts(day=day, month=1, two_digit_year=90, sex=sex)

    @pytest.mark.parametrize("month", range(1, 13))
    def test_every_month(self, month: int) -> None:
        assert facts(make_nik(date(1975, month, 9), Sex.female)).month == month


class TestMismatches:
    def test_nothing_when_birth_date_and_sex_agree(self) -> None:
        assert mismatches("3171011708450001", date(1945, 8, 17), Sex.male) == []
        assert mismatches("3171015708450001", date(1945, 8, 17), Sex.female) == []

    def test_born_2000_02_29_matches_although_stdnum_would_try_1900_first(self) -> None:
        assert mismatches("3171012902001234", date(2000, 2, 29), Sex.male) == []

    def test_born_2000_01_01_matches_although_stdnum_reads_00_as_1900(self) -> None:
        nik = make_nik(date(2000, 1, 1), Sex.male)
        assert stdnum_nik.get_birth_date(nik) == date(1900, 1, 1)
        assert mismatches(nik, date(2000, 1, 1), Sex.male) == []

    def test_born_1945_08_17_matches_whatever_century_stdnum_chooses(self) -> None:
        assert mismatches("3171011708450001", date(1945, 8, 17), Sex.male) == []
        assert (
            mismatches(make_nik(date(1945, 8, 17), Sex.female), date(1945, 8, 17), Sex.female) == []
        )

    def test_the_century_is_never_compared(self) -> None:
        # the NIK holds only "45": 1945 and 2045 both agree with it
        assert mismatches("3171011708450001", date(2045, 8, 17), Sex.male) == []
        nik = make_nik(date(2010, 6, 5), Sex.male)  # stdnum reads 1910-06-05
        assert mismatches(nik, date(2010, 6, 5), Sex.male) == []

    @pytest.mark.parametrize(
        "stated",
        [
            date(1945, 8, 18),  # another day
            date(1945, 8, 16),
            date(1945, 9, 17),  # another month
            date(1945, 7, 17),
            date(1946, 8, 17),  # another two-digit year
            date(1955, 8, 17),
            date(2000, 8, 17),
        ],
    )
    def test_another_day_month_or_two_digit_year_is_a_birth_date_mismatch(
        self, stated: date
    ) -> None:
        assert mismatches("3171011708450001", stated, Sex.male) == ["birth date"]

    def test_day_and_month_swapped_is_a_birth_date_mismatch(self) -> None:
        nik = make_nik(date(1980, 3, 4), Sex.male)
        assert mismatches(nik, date(1980, 4, 3), Sex.male) == ["birth date"]

    def test_a_woman_stated_as_a_man_is_a_sex_mismatch(self) -> None:
        assert mismatches("3171015708450001", date(1945, 8, 17), Sex.male) == ["sex"]

    def test_a_man_stated_as_a_woman_is_a_sex_mismatch(self) -> None:
        assert mismatches("3171011708450001", date(1945, 8, 17), Sex.female) == ["sex"]

    def test_a_woman_s_real_day_is_compared_not_the_day_plus_40(self) -> None:
        # 57 in the NIK is the 17th: a stated 57th cannot exist, a stated 17th agrees
        assert mismatches("3171015708450001", date(1945, 8, 17), Sex.female) == []
        assert mismatches("3171015708450001", date(1945, 8, 27), Sex.female) == ["birth date"]

    def test_both_wrong_lists_both(self) -> None:
        assert mismatches("3171011708450001", date(1946, 8, 17), Sex.female) == [
            "birth date",
            "sex",
        ]

    def test_reads_through_separators(self) -> None:
        assert mismatches("3171 0117 0845 0001", date(1945, 8, 17), Sex.male) == []

    @pytest.mark.parametrize(
        "born",
        [date(1960, 7, 2), date(1999, 12, 31), date(2000, 2, 29), date(2004, 2, 29)],
    )
    @pytest.mark.parametrize("sex", list(Sex))
    def test_a_nik_built_from_the_facts_matches_them(self, born: date, sex: Sex) -> None:
        nik = make_nik(born, sex)
        assert is_valid(nik)
        assert mismatches(nik, born, sex) == []
        other = Sex.female if sex is Sex.male else Sex.male
        assert mismatches(nik, born, other) == ["sex"]


class TestMask:
    def test_keeps_only_the_last_four_digits(self) -> None:
        assert mask("3171011708450001") == "************0001"

    @pytest.mark.parametrize("value", ["3171011708450001", "3171015708450001", "3514012902001234"])
    def test_hides_region_birth_date_and_sex(self, value: str) -> None:
        masked = mask(value)
        assert len(masked) == len(value)
        assert masked.endswith(value[-4:])
        assert set(masked[:-4]) == {"*"}
        assert value[:12] not in masked
