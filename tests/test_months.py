"""Months are `YYYY-MM` strings (DESIGN.md §3): they sort, count and step like calendar months."""

from datetime import date

import pytest
from pydantic import TypeAdapter, ValidationError

from app.months import (
    Month,
    add_months,
    first_day,
    is_month,
    month_count,
    month_of,
    months_between,
)

WELL_FORMED = ["2026-01", "2026-07", "2026-12", "1999-10", "2000-02", "1900-01", "2999-12"]
MALFORMED = [
    "",
    "0000-01",  # year 0 cannot be a date
    "1899-12",
    "3000-01",
    "2026",
    "2026-1",
    "2026-00",
    "2026-13",
    "2026-20",
    "26-01",
    "20260-01",
    "2026/01",
    "2026_01",
    "202601",
    "2026-01-01",
    " 2026-01",
    "2026-01 ",
    "2026-01\n",  # a trailing newline is not part of YYYY-MM
    "\n2026-01",
    "2026-O1",
    "\uff12\uff10\uff12\uff16-01",  # full-width digits are not ASCII digits
    "abcd-ef",
]


class TestIsMonth:
    @pytest.mark.parametrize("value", WELL_FORMED)
    def test_a_four_digit_year_dash_two_digit_month_is_a_month(self, value: str) -> None:
        assert is_month(value) is True

    @pytest.mark.parametrize("value", MALFORMED)
    def test_anything_else_is_not_a_month(self, value: str) -> None:
        assert is_month(value) is False

    @pytest.mark.parametrize("month", range(1, 13))
    def test_every_calendar_month_is_accepted(self, month: int) -> None:
        assert is_month(f"2026-{month:02d}")


class TestMonthType:
    """The pydantic `Month` type that request schemas use applies the same rule."""

    adapter = TypeAdapter(Month)

    @pytest.mark.parametrize("value", WELL_FORMED)
    def test_accepts_a_month(self, value: str) -> None:
        assert self.adapter.validate_python(value) == value

    @pytest.mark.parametrize("value", MALFORMED)
    def test_rejects_anything_else(self, value: str) -> None:
        with pytest.raises(ValidationError):
            self.adapter.validate_python(value)


class TestMonthOf:
    @pytest.mark.parametrize(
        ("day", "month"),
        [
            (date(2026, 1, 1), "2026-01"),
            (date(2026, 1, 31), "2026-01"),
            (date(2026, 12, 31), "2026-12"),
            (date(2000, 2, 29), "2000-02"),
            (date(1901, 3, 4), "1901-03"),
        ],
    )
    def test_is_the_zero_padded_year_and_month_of_the_day(self, day: date, month: str) -> None:
        assert month_of(day) == month
        assert is_month(month_of(day))

    def test_a_year_before_1900_is_padded_but_not_a_service_month(self) -> None:
        assert month_of(date(987, 3, 4)) == "0987-03"
        assert not is_month("0987-03")


class TestFirstDay:
    @pytest.mark.parametrize(
        ("month", "day"),
        [
            ("2026-01", date(2026, 1, 1)),
            ("2026-07", date(2026, 7, 1)),
            ("2026-12", date(2026, 12, 1)),
            ("2000-02", date(2000, 2, 1)),
        ],
    )
    def test_is_the_first_of_the_month(self, month: str, day: date) -> None:
        assert first_day(month) == day

    @pytest.mark.parametrize("month", [f"2026-{m:02d}" for m in range(1, 13)])
    def test_round_trips_with_month_of(self, month: str) -> None:
        assert month_of(first_day(month)) == month


class TestAddMonths:
    @pytest.mark.parametrize(
        ("month", "count", "result"),
        [
            ("2026-01", 0, "2026-01"),
            ("2026-01", 1, "2026-02"),
            ("2026-11", 1, "2026-12"),
            ("2026-12", 1, "2027-01"),
            ("2026-01", 11, "2026-12"),
            ("2026-01", 12, "2027-01"),
            ("2026-07", 14, "2027-09"),
            ("2026-01", 120, "2036-01"),
            ("2026-01", -1, "2025-12"),
            ("2026-12", -11, "2026-01"),
            ("2026-12", -12, "2025-12"),
            ("2026-03", -27, "2023-12"),
        ],
    )
    def test_steps_across_year_boundaries_both_ways(
        self, month: str, count: int, result: str
    ) -> None:
        assert add_months(month, count) == result

    @pytest.mark.parametrize("count", range(-30, 31))
    def test_going_forward_then_back_returns_to_the_start(self, count: int) -> None:
        assert add_months(add_months("2026-05", count), -count) == "2026-05"


class TestMonthsBetween:
    def test_includes_both_ends(self) -> None:
        assert list(months_between("2026-07", "2026-12")) == [
            "2026-07",
            "2026-08",
            "2026-09",
            "2026-10",
            "2026-11",
            "2026-12",
        ]

    def test_a_single_month(self) -> None:
        assert list(months_between("2026-04", "2026-04")) == ["2026-04"]

    def test_crosses_the_year_end(self) -> None:
        assert list(months_between("2026-11", "2027-02")) == [
            "2026-11",
            "2026-12",
            "2027-01",
            "2027-02",
        ]

    @pytest.mark.parametrize(("start", "end"), [("2026-02", "2026-01"), ("2027-01", "2026-12")])
    def test_is_empty_when_the_end_is_before_the_start(self, start: str, end: str) -> None:
        assert list(months_between(start, end)) == []

    def test_a_whole_fiscal_year_is_twelve_months_in_order(self) -> None:
        months = list(months_between("2026-01", "2026-12"))
        assert months == [f"2026-{m:02d}" for m in range(1, 13)]


class TestMonthCount:
    @pytest.mark.parametrize(
        ("start", "end", "count"),
        [
            ("2026-01", "2026-01", 1),
            ("2026-01", "2026-12", 12),
            ("2026-07", "2026-12", 6),
            ("2026-04", "2026-12", 9),
            ("2026-01", "2027-03", 15),
            ("2026-12", "2027-01", 2),
            ("2020-01", "2029-12", 120),
            ("2026-02", "2026-01", 0),
            ("2027-01", "2026-12", 0),
            ("2030-01", "2026-01", 0),
        ],
    )
    def test_counts_both_ends_and_is_zero_when_reversed(
        self, start: str, end: str, count: int
    ) -> None:
        assert month_count(start, end) == count

    @pytest.mark.parametrize("start", ["2025-11", "2026-01", "2026-06", "2026-12"])
    @pytest.mark.parametrize("span", range(-3, 27))
    def test_agrees_with_months_between(self, start: str, span: int) -> None:
        end = add_months(start, span)
        assert month_count(start, end) == len(list(months_between(start, end)))


class TestTextOrder:
    def test_months_sort_as_text_in_calendar_order(self) -> None:
        months = [add_months("2024-01", n) for n in range(60)]
        assert sorted(months) == months
        assert sorted(months, key=first_day) == months
