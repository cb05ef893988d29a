"""status_on is coverage_on's status with a shortcut for members who always paid on time:
the two must agree on every chain, so they are compared on many generated ones."""

import random
from datetime import date, timedelta

from app.billing.coverage import Cover, coverage_on, status_on
from app.months import add_months, first_day, months_between


def _random_chain(rng: random.Random) -> list[Cover]:
    covers = []
    month = f"2025-{rng.randint(1, 12):02d}"
    for _ in range(rng.randint(0, 3)):
        month = add_months(month, rng.choice([0, 1, 1, 1, 2, 5]))
        end = add_months(month, rng.randint(0, 11))
        registered = first_day(month) + timedelta(days=rng.randint(-40, 27))
        settled = {}
        for m in months_between(month, end):
            roll = rng.random()
            if roll < 0.6:  # paid on time, usually
                settled[m] = first_day(m) + timedelta(days=rng.randint(0, 14))
            elif roll < 0.8:  # paid late
                settled[m] = first_day(m) + timedelta(days=rng.randint(15, 200))
        covers.append(Cover(month, end, registered, settled))
        month = add_months(end, 1)
    return covers


def test_status_on_agrees_with_coverage_on() -> None:
    rng = random.Random(20261123)
    fast = 0
    for _ in range(20_000):
        covers = _random_chain(rng)
        day = date(2025, 1, 1) + timedelta(days=rng.randint(0, 900))
        died = day - timedelta(days=rng.randint(-30, 30)) if rng.random() < 0.1 else None
        expected = coverage_on(day, covers, died).status
        assert status_on(day, covers, died) is expected, (day, covers, died)
        fast += all(
            c.registered_on <= day
            and all(
                m in c.settled and c.settled[m] <= c.due(m)
                for m in months_between(c.start_month, c.end_month)
                if c.due(m) < day
            )
            for c in covers
        )
    assert 2_000 < fast < 18_000  # both paths were taken many times
