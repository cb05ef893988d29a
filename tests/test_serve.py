"""`python -m app serve`: the worker count comes from --workers, else WEB_CONCURRENCY; proxies
are believed from FORWARDED_ALLOW_IPS only; `--migrate` migrates first (the container's
command)."""

from typing import Any

import pytest
import uvicorn

from app import cli
from app.cli import main
from app.config import get_settings


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: calls.append(options))
    get_settings.cache_clear()
    yield calls
    get_settings.cache_clear()


def test_one_worker_by_default(served: list[dict[str, Any]]) -> None:
    main(["serve"])
    assert served[0]["workers"] == 1


def test_web_concurrency_sets_the_workers(
    served: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    get_settings.cache_clear()
    main(["serve", "--port", "8123"])
    assert served[0]["workers"] == 3 and served[0]["port"] == 8123


def test_the_flag_wins_over_the_setting(
    served: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    get_settings.cache_clear()
    main(["serve", "--workers", "2"])
    assert served[0]["workers"] == 2


def test_a_worker_count_below_one_is_refused_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("WEB_CONCURRENCY", "0")
    get_settings.cache_clear()
    try:
        with pytest.raises(SystemExit) as exit_:
            main(["serve"])
    finally:
        get_settings.cache_clear()
    assert "WEB_CONCURRENCY" in str(exit_.value).upper()


def test_a_flag_below_one_is_refused(served: list[dict[str, Any]]) -> None:
    with pytest.raises(SystemExit):
        main(["serve", "--workers", "0"])
    assert served == []


def test_forwarded_headers_are_believed_from_loopback_only_by_default(
    served: list[dict[str, Any]],
) -> None:
    main(["serve"])
    assert served[0]["proxy_headers"] is True
    assert served[0]["forwarded_allow_ips"] == "127.0.0.1"


def test_forwarded_allow_ips_names_the_proxies(
    served: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "172.30.80.10, 10.0.0.0/8")
    get_settings.cache_clear()
    main(["serve"])
    assert served[0]["forwarded_allow_ips"] == "172.30.80.10,10.0.0.0/8"


def test_serve_migrates_first_only_when_asked(
    served: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    events: list[str] = []
    monkeypatch.setattr(cli, "migrate", lambda url=None: events.append("migrate"))
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: events.append("serve"))
    main(["serve"])
    assert events == ["serve"]
    main(["serve", "--migrate"])
    assert events == ["serve", "migrate", "serve"]
