"""Due dates, arrears and coverage status (DESIGN.md R3, R4, R14), as pure rules.

R3: a month's contribution is due on the 15th of that month — or, for an enrolment registered
later than that (late or backdated enrolment), 14 days after its registration.
R4: a member with any month unpaid past its due date is in arrears; after 3 consecutive such
months the membership lapses and coverage ends at the last paid month.
R14: coverage on day D, first match wins: `deceased` (death on or before D); `not_covered` (no
enrolment includes month(D), or D is before its registration — cover is never bought after
the event); `lapsed`; `in_arrears`; `covered` (month(D) paid); `payment_pending` (month(D)
unpaid, not yet due). Only `covered` answers `covered: true`.

"Past due" means strictly after the due date: on the due date itself a month is not in arrears.
"""

from datetime import date, timedelta
from itertools import product

import pytest

from app.billing.coverage import (
    CONSECUTIVE_UNPAID_TO_LAPSE,
    DUE_DAY,
    LATE_REGISTRATION_GRACE_DAYS,
    Cover,
    Coverage,
    CoverageStatus,
    coverage_on,
    due_on,
    paid_through,
)
from app.months import month_of, months_between

YEAR_2026 = list(months_between("2026-01", "2026-12"))
JULY_TO_DECEMBER = list(months_between("2026-07", "2026-12"))
EARLY_REGISTRATION = date(2026, 1, 2)  # before the first 15th: every month due on the 15th


def cover(
    *paid: str,
    start: str = "2026-01",
    end: str = "2026-12",
    registered_on: date = EARLY_REGISTRATION,
) -> Cover:
    """An enrolment for `start`…`end`, registered on `registered_on`, with `paid` months paid."""
    return Cover(start, end, registered_on, frozenset(paid))


def status_on(day: date, of: Cover | None, died_on: date | None = None) -> CoverageStatus:
    return coverage_on(day, of, died_on).status


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


class TestTheRuleNumbers:
    def test_due_on_the_15th_with_14_days_grace_and_lapse_after_3_months(self) -> None:
        assert DUE_DAY == 15
        assert LATE_REGISTRATION_GRACE_DAYS == 14
        assert CONSECUTIVE_UNPAID_TO_LAPSE == 3


class TestDueDate:
    """R3: the 15th of the month, or 14 days after a registration later than that 15th."""

    @pytest.mark.parametrize("month", YEAR_2026)
    def test_a_month_registered_for_in_advance_is_due_on_its_15th(self, month: str) -> None:
        registered_on = date(2025, 12, 31)
        assert due_on(month, registered_on) == date(2026, int(month[5:]), 15)

    @pytest.mark.parametrize("registered_day", [1, 2, 10, 14, 15])
    def test_registering_on_or_before_the_15th_keeps_the_15th(self, registered_day: int) -> None:
        assert due_on("2026-03", date(2026, 3, registered_day)) == date(2026, 3, 15)

    def test_registering_on_the_15th_itself_is_not_later_than_the_15th(self) -> None:
        assert due_on("2026-07", date(2026, 7, 15)) == date(2026, 7, 15)

    def test_registering_on_the_16th_makes_the_month_due_14_days_later(self) -> None:
        assert due_on("2026-07", date(2026, 7, 16)) == date(2026, 7, 30)

    @pytest.mark.parametrize(
        ("month", "registered_on", "due"),
        [
            ("2026-01", date(2026, 1, 31), date(2026, 2, 14)),
            ("2026-02", date(2026, 2, 16), date(2026, 3, 2)),  # 2026 is not a leap year
            ("2028-02", date(2028, 2, 16), date(2028, 3, 1)),  # 2028 is
            ("2026-04", date(2026, 4, 30), date(2026, 5, 14)),
            ("2026-12", date(2026, 12, 16), date(2026, 12, 30)),
            ("2026-12", date(2026, 12, 18), date(2027, 1, 1)),
            ("2026-12", date(2026, 12, 31), date(2027, 1, 14)),
        ],
    )
    def test_a_late_registration_can_push_the_due_date_into_the_next_month_or_year(
        self, month: str, registered_on: date, due: date
    ) -> None:
        assert due_on(month, registered_on) == due

    def test_a_backdated_enrolment_owes_its_past_months_14_days_after_registration(
        self,
    ) -> None:
        registered_on = date(2026, 11, 3)  # launched in November, cover from July
        for month in ["2026-07", "2026-08", "2026-09", "2026-10"]:
            assert due_on(month, registered_on) == date(2026, 11, 17), month
        assert due_on("2026-11", registered_on) == date(2026, 11, 15)
        assert due_on("2026-12", registered_on) == date(2026, 12, 15)

    def test_a_backdated_enrolment_registered_after_the_15th_owes_its_own_month_late_too(
        self,
    ) -> None:
        registered_on = date(2026, 11, 20)
        for month in ["2026-07", "2026-08", "2026-09", "2026-10", "2026-11"]:
            assert due_on(month, registered_on) == date(2026, 12, 4), month
        assert due_on("2026-12", registered_on) == date(2026, 12, 15)

    def test_a_month_of_last_year_registered_in_january_is_due_14_days_after(self) -> None:
        registered_on = date(2027, 1, 10)
        assert due_on("2026-12", registered_on) == date(2027, 1, 24)
        assert due_on("2027-01", registered_on) == date(2027, 1, 15)


class TestPastDueMeansStrictlyAfterTheDueDate:
    def test_on_the_15th_an_unpaid_month_is_still_pending(self) -> None:
        assert status_on(date(2026, 3, 15), cover("2026-01", "2026-02")) == "payment_pending"

    def test_on_the_16th_an_unpaid_month_is_in_arrears(self) -> None:
        assert status_on(date(2026, 3, 16), cover("2026-01", "2026-02")) == "in_arrears"

    def test_a_late_registration_is_not_in_arrears_until_after_its_grace_ends(self) -> None:
        late = cover("2026-02", registered_on=date(2026, 1, 20))  # January due 3 February
        assert status_on(date(2026, 2, 3), late) == "covered"
        assert status_on(date(2026, 2, 4), late) == "in_arrears"

    def test_across_the_year_end_december_due_in_january_waits_for_its_due_date(self) -> None:
        late = cover("2027-01", start="2026-12", end="2027-06", registered_on=date(2026, 12, 20))
        assert due_on("2026-12", late.registered_on) == date(2027, 1, 3)
        assert status_on(date(2026, 12, 31), late) == "payment_pending"
        assert status_on(date(2027, 1, 3), late) == "covered"
        assert status_on(date(2027, 1, 4), late) == "in_arrears"

    def test_december_is_in_arrears_from_the_16th_not_on_the_15th(self) -> None:
        paid_to_november = cover(*YEAR_2026[:11])
        assert status_on(date(2026, 12, 15), paid_to_november) == "payment_pending"
        assert status_on(date(2026, 12, 16), paid_to_november) == "in_arrears"


class TestDeceased:
    """R14: a death recorded on or before D beats every other status."""

    def test_death_before_the_day_is_deceased_even_when_fully_paid(self) -> None:
        assert status_on(date(2026, 6, 1), cover(*YEAR_2026), date(2026, 5, 31)) == "deceased"

    def test_death_on_the_day_itself_is_deceased(self) -> None:
        assert status_on(date(2026, 6, 1), cover(*YEAR_2026), date(2026, 6, 1)) == "deceased"

    def test_a_death_after_the_day_does_not_count(self) -> None:
        assert status_on(date(2026, 6, 1), cover(*YEAR_2026), date(2026, 6, 2)) == "covered"

    def test_a_death_after_the_day_leaves_the_other_statuses_as_they_are(self) -> None:
        later = date(2027, 1, 1)
        assert status_on(date(2026, 6, 1), None, later) == "not_covered"
        assert status_on(date(2026, 1, 10), cover(), later) == "payment_pending"
        assert status_on(date(2026, 1, 16), cover(), later) == "in_arrears"
        assert status_on(date(2026, 3, 16), cover(), later) == "lapsed"

    def test_deceased_beats_having_no_cover(self) -> None:
        assert status_on(date(2026, 6, 1), None, date(2026, 1, 1)) == "deceased"

    def test_deceased_beats_a_day_outside_the_cover(self) -> None:
        july_on = cover(start="2026-07", registered_on=date(2026, 6, 1))
        assert status_on(date(2026, 3, 1), july_on, date(2026, 2, 1)) == "deceased"
        assert status_on(date(2027, 3, 1), july_on, date(2026, 2, 1)) == "deceased"

    def test_deceased_beats_a_day_before_registration(self) -> None:
        backdated = cover(*JULY_TO_DECEMBER, start="2026-07", registered_on=date(2026, 11, 20))
        assert status_on(date(2026, 8, 10), backdated, date(2026, 8, 9)) == "deceased"

    def test_deceased_beats_lapsed(self) -> None:
        nothing_paid = cover()
        assert status_on(date(2026, 6, 1), nothing_paid, date(2026, 5, 1)) == "deceased"

    def test_deceased_beats_in_arrears(self) -> None:
        january_unpaid = cover(*YEAR_2026[1:])
        assert status_on(date(2026, 6, 1), january_unpaid, date(2026, 5, 1)) == "deceased"

    def test_deceased_beats_payment_pending(self) -> None:
        assert status_on(date(2026, 1, 10), cover(), date(2026, 1, 10)) == "deceased"


class TestNotCovered:
    """R14: no enrolment includes month(D), or D is before the enrolment's registration."""

    def test_no_cover_at_all_is_not_covered(self) -> None:
        assert coverage_on(date(2026, 6, 1), None) == Coverage(CoverageStatus.not_covered, None)

    def test_a_day_before_the_start_month_is_not_covered_even_if_that_month_is_paid(
        self,
    ) -> None:
        july_on = cover(
            "2026-06", *JULY_TO_DECEMBER, start="2026-07", registered_on=date(2026, 5, 1)
        )
        assert status_on(date(2026, 6, 30), july_on) == "not_covered"
        assert status_on(date(2026, 7, 1), july_on) == "covered"

    def test_a_day_after_the_end_month_is_not_covered_even_if_that_month_is_paid(self) -> None:
        to_june = cover(*YEAR_2026, end="2026-06")
        assert status_on(date(2026, 6, 30), to_june) == "covered"
        assert status_on(date(2026, 7, 1), to_june) == "not_covered"

    def test_the_year_end_bounds_a_cover_ending_in_december(self) -> None:
        whole_year = cover(*YEAR_2026, "2027-01")
        assert status_on(date(2026, 12, 31), whole_year) == "covered"
        assert status_on(date(2027, 1, 1), whole_year) == "not_covered"

    def test_the_year_end_bounds_a_cover_starting_in_january(self) -> None:
        next_year = cover(
            "2026-12", "2027-01", start="2027-01", end="2027-12", registered_on=date(2026, 12, 1)
        )
        assert status_on(date(2026, 12, 31), next_year) == "not_covered"
        assert status_on(date(2027, 1, 1), next_year) == "covered"

    def test_a_day_before_registration_is_not_covered_even_if_its_month_is_paid(self) -> None:
        backdated = cover(*JULY_TO_DECEMBER, start="2026-07", registered_on=date(2026, 11, 20))
        assert status_on(date(2026, 7, 1), backdated) == "not_covered"
        assert status_on(date(2026, 8, 10), backdated) == "not_covered"
        assert status_on(date(2026, 11, 19), backdated) == "not_covered"

    def test_cover_begins_on_the_registration_day_itself(self) -> None:
        backdated = cover(*JULY_TO_DECEMBER, start="2026-07", registered_on=date(2026, 11, 20))
        assert status_on(date(2026, 11, 20), backdated) == "covered"

    def test_a_registration_in_the_middle_of_the_first_month_covers_from_that_day(self) -> None:
        mid_month = cover("2026-01", registered_on=date(2026, 1, 10))
        assert status_on(date(2026, 1, 9), mid_month) == "not_covered"
        assert status_on(date(2026, 1, 10), mid_month) == "covered"

    def test_not_covered_beats_lapsed_after_the_end_month(self) -> None:
        nothing_paid = cover(end="2026-06")
        assert status_on(date(2026, 6, 30), nothing_paid) == "lapsed"
        assert status_on(date(2026, 7, 1), nothing_paid) == "not_covered"

    def test_an_empty_cover_whose_end_is_before_its_start_covers_nothing(self) -> None:
        empty = cover(*YEAR_2026, start="2026-07", end="2026-06")
        assert status_on(date(2026, 6, 15), empty) == "not_covered"
        assert status_on(date(2026, 7, 15), empty) == "not_covered"


class TestLapsed:
    """R4: 3 consecutive months unpaid past their due date lapse the membership."""

    def test_three_consecutive_unpaid_past_due_months_lapse(self) -> None:
        april_on = cover(*YEAR_2026[3:])
        assert status_on(date(2026, 3, 16), april_on) == "lapsed"

    def test_exactly_two_consecutive_unpaid_past_due_months_are_only_in_arrears(self) -> None:
        april_on = cover(*YEAR_2026[3:])
        assert status_on(date(2026, 3, 15), april_on) == "in_arrears"  # March not yet past due
        march_on = cover(*YEAR_2026[2:])
        assert status_on(date(2026, 6, 1), march_on) == "in_arrears"

    def test_three_unpaid_months_with_paid_months_between_are_only_in_arrears(self) -> None:
        gaps = cover("2026-02", "2026-04", *YEAR_2026[5:])  # January, March, May unpaid
        assert status_on(date(2026, 6, 1), gaps) == "in_arrears"
        assert status_on(date(2026, 12, 31), gaps) == "in_arrears"

    def test_a_run_of_three_in_the_middle_lapses(self) -> None:
        gap = cover("2026-01", *YEAR_2026[4:])  # February, March, April unpaid
        assert status_on(date(2026, 4, 15), gap) == "in_arrears"
        assert status_on(date(2026, 4, 16), gap) == "lapsed"

    def test_lapsed_even_when_the_month_of_the_day_is_paid(self) -> None:
        april_on = cover(*YEAR_2026[3:])
        assert status_on(date(2026, 4, 20), april_on) == "lapsed"

    def test_paying_later_months_does_not_revive_a_lapsed_membership(self) -> None:
        gap = cover("2026-01", *YEAR_2026[4:])
        assert status_on(date(2026, 12, 31), gap) == "lapsed"

    def test_lapse_across_the_year_end(self) -> None:
        november_unpaid_on = cover(
            "2026-10", "2027-02", start="2026-10", end="2027-03", registered_on=date(2026, 9, 1)
        )  # November, December and January unpaid
        assert status_on(date(2027, 1, 15), november_unpaid_on) == "in_arrears"
        assert status_on(date(2027, 1, 16), november_unpaid_on) == "lapsed"

    def test_a_backdated_enrolment_lapses_the_day_after_its_grace_ends(self) -> None:
        backdated = cover("2026-12", start="2026-07", registered_on=date(2026, 11, 20))
        # July to November are all due 4 December (14 days after registration).
        assert status_on(date(2026, 12, 4), backdated) == "covered"
        assert status_on(date(2026, 12, 5), backdated) == "lapsed"

    def test_a_lapsed_cover_still_reports_the_last_paid_month(self) -> None:
        gap = cover("2026-01", *YEAR_2026[4:])
        assert coverage_on(date(2026, 5, 1), gap) == Coverage(CoverageStatus.lapsed, "2026-01")


class TestInArrears:
    """R4: any month unpaid past its due date, short of a lapse."""

    def test_the_month_of_the_day_unpaid_past_its_due_date(self) -> None:
        assert status_on(date(2026, 1, 16), cover()) == "in_arrears"

    def test_an_earlier_month_unpaid_even_though_the_month_of_the_day_is_paid(self) -> None:
        february_unpaid = cover("2026-01", *YEAR_2026[2:])
        assert status_on(date(2026, 6, 10), february_unpaid) == "in_arrears"

    def test_an_unpaid_first_month_keeps_a_prepaid_year_in_arrears(self) -> None:
        january_unpaid = cover(*YEAR_2026[1:])
        assert status_on(date(2026, 12, 31), january_unpaid) == "in_arrears"

    def test_arrears_beat_an_unpaid_month_of_the_day_that_is_not_yet_due(self) -> None:
        january_unpaid = cover()
        assert status_on(date(2026, 2, 10), january_unpaid) == "in_arrears"

    def test_future_unpaid_months_are_not_arrears(self) -> None:
        paid_to_june = cover(*YEAR_2026[:6])
        assert status_on(date(2026, 6, 30), paid_to_june) == "covered"
        assert status_on(date(2026, 7, 15), paid_to_june) == "payment_pending"
        assert status_on(date(2026, 7, 16), paid_to_june) == "in_arrears"


class TestCovered:
    """R14: month(D) paid and nothing in arrears."""

    def test_a_paid_month_with_nothing_in_arrears_is_covered(self) -> None:
        coverage = coverage_on(date(2026, 3, 20), cover(*YEAR_2026[:3]))
        assert coverage == Coverage(CoverageStatus.covered, "2026-03")
        assert coverage.covered is True

    def test_a_year_paid_up_front_is_covered_every_day_of_it(self) -> None:
        prepaid = cover(*YEAR_2026)
        for day in days(date(2026, 1, 2), date(2026, 12, 31)):
            assert status_on(day, prepaid) == "covered", day

    def test_a_paid_month_is_covered_before_its_due_date_too(self) -> None:
        assert status_on(date(2026, 1, 2), cover("2026-01")) == "covered"


class TestPaymentPending:
    """R14: month(D) unpaid and not yet due, nothing else in arrears."""

    def test_the_month_of_the_day_unpaid_before_its_due_date(self) -> None:
        coverage = coverage_on(date(2026, 2, 1), cover("2026-01"))
        assert coverage == Coverage(CoverageStatus.payment_pending, "2026-01")
        assert coverage.covered is False

    def test_the_first_month_unpaid_on_the_registration_day(self) -> None:
        new = cover(registered_on=date(2026, 1, 10))
        assert coverage_on(date(2026, 1, 10), new) == Coverage(CoverageStatus.payment_pending)

    def test_a_late_registration_is_pending_through_its_grace(self) -> None:
        late = cover(registered_on=date(2026, 1, 25))  # January due 8 February
        for day in days(date(2026, 1, 25), date(2026, 2, 8)):
            assert status_on(day, late) == "payment_pending", day
        assert status_on(date(2026, 2, 9), late) == "in_arrears"


class TestOnlyCoveredIsCovered:
    @pytest.mark.parametrize("status", list(CoverageStatus))
    def test_covered_is_true_for_covered_alone(self, status: CoverageStatus) -> None:
        assert Coverage(status).covered is (status == "covered")

    def test_the_six_statuses_of_r14(self) -> None:
        assert {s.value for s in CoverageStatus} == {
            "covered",
            "payment_pending",
            "in_arrears",
            "lapsed",
            "not_covered",
            "deceased",
        }

    @pytest.mark.parametrize(
        ("day", "of", "died_on", "status"),
        [
            (date(2026, 6, 1), cover(*YEAR_2026), date(2026, 6, 1), "deceased"),
            (date(2026, 6, 1), None, None, "not_covered"),
            (date(2026, 6, 1), cover(), None, "lapsed"),
            (date(2026, 6, 1), cover(*YEAR_2026[1:]), None, "in_arrears"),
            (date(2026, 6, 1), cover(*YEAR_2026[:5]), None, "payment_pending"),
            (date(2026, 6, 1), cover(*YEAR_2026), None, "covered"),
        ],
    )
    def test_coverage_on_answers_covered_only_with_the_covered_status(
        self, day: date, of: Cover | None, died_on: date | None, status: str
    ) -> None:
        coverage = coverage_on(day, of, died_on)
        assert coverage.status == status
        assert coverage.covered is (status == "covered")


class TestPaidThrough:
    """The last month of the unbroken run of paid months from the start (R4, R14)."""

    def test_nothing_paid_is_paid_through_nothing(self) -> None:
        assert paid_through(cover()) is None

    def test_an_unpaid_first_month_is_paid_through_nothing_whatever_follows(self) -> None:
        assert paid_through(cover(*YEAR_2026[1:])) is None

    def test_a_fully_paid_cover_is_paid_through_its_end_month(self) -> None:
        assert paid_through(cover(*YEAR_2026)) == "2026-12"

    def test_the_run_stops_at_the_first_unpaid_month(self) -> None:
        assert paid_through(cover("2026-01", "2026-02", *YEAR_2026[3:])) == "2026-02"

    def test_a_paid_month_after_a_gap_does_not_extend_the_run(self) -> None:
        assert paid_through(cover("2026-01", "2026-03")) == "2026-01"

    def test_a_paid_month_before_the_start_does_not_start_the_run(self) -> None:
        assert paid_through(cover("2025-12", start="2026-01")) is None

    def test_a_paid_month_after_the_end_does_not_extend_the_run(self) -> None:
        assert paid_through(cover(*YEAR_2026, "2027-01")) == "2026-12"

    def test_the_run_continues_across_the_year_end(self) -> None:
        across = cover("2026-11", "2026-12", "2027-01", start="2026-11", end="2027-04")
        assert paid_through(across) == "2027-01"

    def test_the_run_starts_at_the_start_month_not_at_january(self) -> None:
        july_on = cover("2026-07", "2026-08", start="2026-07")
        assert paid_through(july_on) == "2026-08"

    @pytest.mark.parametrize(
        ("day", "died_on", "status"),
        [
            (date(2026, 3, 1), date(2026, 2, 1), "deceased"),
            (date(2027, 3, 1), None, "not_covered"),
            (date(2026, 1, 1), None, "not_covered"),  # before registration
            (date(2026, 3, 20), None, "covered"),
            (date(2026, 4, 10), None, "payment_pending"),
            (date(2026, 4, 16), None, "in_arrears"),
            (date(2026, 6, 16), None, "lapsed"),
        ],
    )
    def test_coverage_on_reports_paid_through_whatever_the_status(
        self, day: date, died_on: date | None, status: str
    ) -> None:
        paid_to_march = cover(*YEAR_2026[:3], registered_on=EARLY_REGISTRATION)
        assert coverage_on(day, paid_to_march, died_on) == Coverage(
            CoverageStatus(status), "2026-03"
        )


def r14_status(day: date, of: Cover, died_on: date | None) -> str:
    """DESIGN.md R3, R4 and R14 restated plainly, to check every combination against."""
    if died_on is not None and died_on <= day:
        return "deceased"
    if not of.start_month <= month_of(day) <= of.end_month or day < of.registered_on:
        return "not_covered"
    unpaid_past_due = []
    for month in months_between(of.start_month, of.end_month):
        fifteenth = date(int(month[:4]), int(month[5:]), 15)
        due = of.registered_on + timedelta(days=14) if of.registered_on > fifteenth else fifteenth
        unpaid_past_due.append(month not in of.paid_months and day > due)
    run = longest = 0
    for unpaid in unpaid_past_due:
        run = run + 1 if unpaid else 0
        longest = max(longest, run)
    if longest >= 3:
        return "lapsed"
    if any(unpaid_past_due):
        return "in_arrears"
    if month_of(day) in of.paid_months:
        return "covered"
    return "payment_pending"


def turning_days(*moments: date) -> list[date]:
    """June 2026 to January 2027, cut to the days on which a status can change and their eves.

    A status changes only when a month begins, a 15th passes, or a registration, a late due
    date (registration + 14) or a death arrives; each such day and the day before it is kept.
    """
    first, last = date(2026, 6, 1), date(2027, 1, 31)
    edges = {first, last, *moments}
    for month in months_between("2026-06", "2027-01"):
        start = date(int(month[:4]), int(month[5:]), 1)
        edges |= {start, start.replace(day=15), start.replace(day=16)}
    near = {day + timedelta(days=shift) for day in edges for shift in (-1, 0, 1)}
    return sorted(day for day in near if first <= day <= last)


def every_way_of_paying_july_to_december() -> list[list[str]]:
    return [
        [month for month, is_paid in zip(JULY_TO_DECEMBER, pattern, strict=True) if is_paid]
        for pattern in product([False, True], repeat=len(JULY_TO_DECEMBER))
    ]


class TestEveryPaymentPatternOnEveryTurningDay:
    """All 64 ways of paying July…December, on every day where a status can change."""

    @pytest.mark.parametrize(
        "registered_on",
        [
            date(2026, 6, 20),  # in advance: every month due on its 15th
            date(2026, 7, 15),  # on the 15th: still due on the 15th
            date(2026, 7, 16),  # late: July due 30 July
            date(2026, 11, 3),  # backdated: July…October due 17 November
            date(2026, 11, 20),  # backdated after the 15th: July…November due 4 December
            date(2026, 12, 20),  # backdated into December: July…December due 3 January
        ],
    )
    def test_coverage_on_agrees_with_r14(self, registered_on: date) -> None:
        sweep = turning_days(registered_on, registered_on + timedelta(days=14))
        for paid in every_way_of_paying_july_to_december():
            of = cover(*paid, start="2026-07", registered_on=registered_on)
            for day in sweep:
                assert status_on(day, of) == r14_status(day, of, None), (paid, day)

    @pytest.mark.parametrize("died_on", [date(2026, 6, 30), date(2026, 9, 10), date(2027, 1, 1)])
    def test_a_recorded_death_agrees_with_r14(self, died_on: date) -> None:
        registered_on = date(2026, 7, 16)
        sweep = turning_days(registered_on, registered_on + timedelta(days=14), died_on)
        for paid in every_way_of_paying_july_to_december():
            of = cover(*paid, start="2026-07", registered_on=registered_on)
            for day in sweep:
                assert status_on(day, of, died_on) == r14_status(day, of, died_on), (paid, day)

    def test_the_turning_days_include_the_year_end(self) -> None:
        sweep = turning_days()
        assert {date(2026, 12, 31), date(2027, 1, 1), date(2027, 1, 15), date(2027, 1, 16)} <= set(
            sweep
        )
