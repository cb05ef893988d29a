"""The business date (DESIGN §3): APP_TODAY fixes "today" outside production, and production
refuses it with one line, not a traceback."""

import os
import subprocess
import sys
from datetime import date

import pytest

from app import clock
from app.config import Settings, get_settings

PRODUCTION = {"APP_ENV": "production", "JWT_SECRET": "s" * 40}


def run_cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "app", *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_app_today_fixes_the_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APP_TODAY", "2026-05-20")
    get_settings.cache_clear()
    try:
        with clock.freeze(None):  # lift the suite's fixed date: the setting rules
            assert clock.today() == date(2026, 5, 20)
    finally:
        get_settings.cache_clear()


def test_production_refuses_app_today_in_one_line() -> None:
    refused = run_cli(PRODUCTION | {"APP_TODAY": "2026-05-20"}, "openapi", "--output", os.devnull)
    assert refused.returncode != 0
    assert refused.stderr.strip().count("\n") == 0, refused.stderr
    assert "APP_TODAY" in refused.stderr and "Traceback" not in refused.stderr


def test_a_malformed_app_today_is_named_in_one_line() -> None:
    refused = run_cli({"APP_TODAY": "2026-13-01"}, "openapi", "--output", os.devnull)
    assert refused.returncode != 0
    assert refused.stderr.startswith("error: invalid settings: APP_TODAY")
    assert refused.stderr.strip().count("\n") == 0


def test_production_without_app_today_is_accepted() -> None:
    assert Settings(**{k.lower(): v for k, v in PRODUCTION.items()}).app_today is None
