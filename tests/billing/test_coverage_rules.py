"""Due dates, arrears, lapse and coverage status as pure rules (DESIGN.md R3, R4, R14, R21).

R3: a month is due on its 15th; the registration month (and, in old data, any month before it)
14 days after the registration when that is later.
R4: 1-3 months unpaid past due: in arrears; the 4th: the membership lapses the day after its due
date, and paying afterwards does not restore the lapsed months; the next paid month starts a new
membership. Judged over the member's chain of enrolments (R21), as things stood on the day.
R14: deceased, not_covered, lapsed, in_arrears, covered, payment_pending — first match wins.
"""

from datetime import date, timedelta

import pytest

from app.billing.coverage import (
    DUE_DAY,
    LATE_REGISTRATION_GRACE_DAYS,
    MONTHS_UNPAID_TO_LAPSE,
    Cover,
    CoverageStatus,
    coverage_on,
    due_on,
    memberships,
)
from app.months import months_between

S = CoverageStatus
JAN_1 = date(2026, 1, 1)  # registered on the 1st: every month due on its 15th


def cover(
    paid: dict[str, date] | None = None,
    *,
    start: str = "2026-01",
    end: str = "2026-12",
    registered_on: date = JAN_1,
) -> Cover:
    return Cover(start, end, registered_on, paid or {})


def on_time(*months: str) -> dict[str, date]:
    """Months paid on the 1st of their month, before they are due."""
    return {m: date(int(m[:4]), int(m[5:]), 1) for m in months}


def status(day: date, *covers: Cover, died_on: date | None = None) -> CoverageStatus:
    return coverage_on(day, list(covers), died_on).status


class TestTheRuleNumbers:
    def test_due_on_the_15th_with_14_days_grace_and_lapse_at_the_4th_month(self) -> None:
        assert (DUE_DAY, LATE_REGISTRATION_GRACE_DAYS, MONTHS_UNPAID_TO_LAPSE) == (15, 14, 4)


class TestDueDate:
    @pytest.mark.parametrize("month", list(months_between("2026-02", "2026-12")))
    def test_months_after_the_registration_month_are_due_on_their_15th(self, month: str) -> None:
        assert due_on(month, date(2026, 1, 20)) == date(2026, int(month[5:]), 15)

    @pytest.mark.parametrize(
        ("registered_on", "due"),
        [
            (date(2026, 5, 1), date(2026, 5, 15)),  # the 1st + 14 days is the 15th itself
            (date(2026, 5, 2), date(2026, 5, 16)),
            (date(2026, 5, 20), date(2026, 6, 3)),
            (date(2026, 5, 31), date(2026, 6, 14)),
        ],
    )
    def test_the_registration_month_is_due_14_days_after_a_registration_after_the_1st(
        self, registered_on: date, due: date
    ) -> None:
        assert due_on("2026-05", registered_on) == due

    def test_a_month_before_registration_in_old_data_is_due_14_days_after_it(self) -> None:
        assert due_on("2026-01", date(2026, 3, 20)) == date(2026, 4, 3)


class TestStatusOrder:
    def test_deceased_first(self) -> None:
        assert status(date(2026, 3, 1), cover(on_time("2026-03")), died_on=date(2026, 3, 1)) is (
            S.deceased
        )
        paid = cover(on_time("2026-01", "2026-02"))
        assert status(date(2026, 2, 28), paid, died_on=date(2026, 3, 1)) is S.covered

    def test_no_cover_for_the_month_or_before_registration_is_not_covered(self) -> None:
        assert status(date(2026, 3, 1)) is S.not_covered
        assert status(date(2027, 1, 1), cover(on_time("2026-12"))) is S.not_covered
        late = cover(on_time("2026-05"), start="2026-05", registered_on=date(2026, 5, 20))
        assert status(date(2026, 5, 19), late) is S.not_covered
        assert status(date(2026, 5, 20), late) is S.covered

    def test_paid_month_is_covered_an_unpaid_one_pending_until_due_then_in_arrears(self) -> None:
        assert status(date(2026, 1, 20), cover(on_time("2026-01"))) is S.covered
        assert status(date(2026, 1, 15), cover()) is S.payment_pending
        assert status(date(2026, 1, 16), cover()) is S.in_arrears

    @pytest.mark.parametrize("day", [date(2026, 1, 16), date(2026, 3, 10), date(2026, 4, 15)])
    def test_only_covered_answers_covered_true(self, day: date) -> None:
        found = coverage_on(day, [cover()])
        assert found.covered is (found.status is S.covered) is False


class TestLapse:
    """January paid; February onwards unpaid."""

    JAN_PAID = cover(on_time("2026-01"))

    @pytest.mark.parametrize(
        ("day", "expected"),
        [
            (date(2026, 2, 15), S.payment_pending),
            (date(2026, 2, 16), S.in_arrears),  # 1 month past due
            (date(2026, 4, 16), S.in_arrears),  # 3 months past due: still in arrears
            (date(2026, 5, 15), S.in_arrears),  # May due today
            (date(2026, 5, 16), S.lapsed),  # the 4th month past due
            (date(2026, 12, 31), S.lapsed),
        ],
    )
    def test_the_4th_month_unpaid_past_due_lapses(self, day: date, expected: S) -> None:
        assert status(day, self.JAN_PAID) is expected

    def test_a_lapse_does_not_undo_the_cover_before_it(self) -> None:
        assert status(date(2026, 1, 20), self.JAN_PAID) is S.covered
        lapsed = coverage_on(date(2026, 6, 1), [self.JAN_PAID])
        assert (lapsed.status, lapsed.paid_through) == (S.lapsed, "2026-01")

    def test_paying_the_arrears_after_the_lapse_restores_nothing(self) -> None:
        paid_late = {"2026-01": JAN_1} | dict.fromkeys(
            months_between("2026-02", "2026-05"), date(2026, 5, 20)
        )
        assert status(date(2026, 5, 25), cover(paid_late)) is S.lapsed
        assert status(date(2026, 5, 10), cover(paid_late)) is S.in_arrears

    def test_paying_before_the_4th_due_date_keeps_the_membership(self) -> None:
        paid = {"2026-01": JAN_1} | dict.fromkeys(
            months_between("2026-02", "2026-05"), date(2026, 5, 15)
        )
        assert status(date(2026, 5, 20), cover(paid)) is S.covered

    def test_the_next_paid_month_starts_a_new_membership_on_the_day_it_was_paid(self) -> None:
        paid = {"2026-01": JAN_1, "2026-06": date(2026, 6, 10)}
        chain = memberships([cover(paid)], date(2026, 6, 30))
        assert [(m.begins_on, m.lapsed_on) for m in chain] == [
            (JAN_1, date(2026, 5, 16)),
            (date(2026, 6, 10), None),
        ]
        assert status(date(2026, 6, 9), cover(paid)) is S.lapsed
        assert status(date(2026, 6, 10), cover(paid)) is S.covered
        # The old membership's unpaid months no longer count as arrears.
        found = coverage_on(date(2026, 6, 20), [cover(paid)])
        assert (found.status, found.membership_begins_on) == (S.covered, date(2026, 6, 10))

    def test_on_a_past_day_only_payments_made_by_then_count(self) -> None:
        paid = {"2026-01": JAN_1, "2026-02": date(2026, 3, 1)}
        assert status(date(2026, 2, 20), cover(paid)) is S.in_arrears
        assert status(date(2026, 3, 2), cover(paid)) is S.payment_pending  # March not yet due


class TestOneMembershipPerPerson:
    """R21: enrolments that follow month after month are one membership."""

    def test_a_new_fiscal_year_resets_nothing(self) -> None:
        year_2026 = cover(on_time("2026-11"), start="2026-11", registered_on=date(2026, 11, 1))
        year_2027 = cover(start="2027-01", end="2027-12", registered_on=date(2026, 12, 20))
        # December 2026 to March 2027 unpaid across both programmes: lapsed at March's due.
        chain = [year_2026, year_2027]
        assert status(date(2027, 3, 15), *chain) is S.in_arrears
        assert status(date(2027, 3, 16), *chain) is S.lapsed

    def test_the_membership_begins_at_the_first_enrolment(self) -> None:
        first = cover(
            on_time(*months_between("2026-05", "2026-12")),
            start="2026-05",
            registered_on=date(2026, 5, 20),
        )
        renewal = cover(
            on_time(*months_between("2027-01", "2027-12")),
            start="2027-01",
            end="2027-12",
            registered_on=date(2026, 12, 1),
        )
        found = coverage_on(date(2027, 2, 1), [first, renewal])
        assert (found.status, found.membership_begins_on) == (S.covered, date(2026, 5, 20))

    def test_a_month_without_enrolment_starts_a_new_membership(self) -> None:
        first = cover(on_time("2026-01", "2026-02"), end="2026-02")
        later = cover(on_time("2026-04"), start="2026-04", registered_on=date(2026, 3, 25))
        found = coverage_on(date(2026, 4, 20), [first, later])
        assert (found.status, found.membership_begins_on) == (S.covered, date(2026, 4, 1))

    def test_arrears_of_another_programme_make_the_member_in_arrears(self) -> None:
        first = cover(on_time("2026-01"), end="2026-02")  # February never paid
        second = cover(on_time("2026-03"), start="2026-03", registered_on=date(2026, 2, 20))
        assert status(date(2026, 3, 20), first, second) is S.in_arrears


class TestAnyDayIsDecided:
    @pytest.mark.parametrize("offset", range(0, 400, 7))
    def test_every_day_of_a_year_has_exactly_one_status(self, offset: int) -> None:
        day = date(2026, 1, 1) + timedelta(days=offset)
        found = coverage_on(day, [cover(on_time("2026-01", "2026-03"))])
        assert found.status in set(S)
