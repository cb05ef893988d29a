"""Settings a deployment gets wrong are refused in one line naming the variable — never its
value, never a traceback — by every entry point the container uses (`migrate`, `serve`,
`serve --migrate`)."""

import os
import subprocess
import sys

import pytest
from pydantic import ValidationError

from app.cli import ROOT
from app.config import Settings, describe

SECRET = "s" * 40


def run_cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"APP_TODAY", "JWT_SECRET"}}
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "app", *args],
        env=clean | env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def assert_refused_in_one_line(refused: subprocess.CompletedProcess[str], variable: str) -> str:
    assert refused.returncode != 0
    assert refused.stdout == ""
    assert refused.stderr.startswith(f"error: invalid settings: {variable}"), refused.stderr
    assert refused.stderr.endswith("\n") and refused.stderr.count("\n") == 1, refused.stderr
    return refused.stderr


class TestEntryPointsRefuseInOneLine:
    @pytest.mark.parametrize("command", [["migrate"], ["serve"], ["serve", "--migrate"]])
    def test_production_without_a_secret(self, command: list[str]) -> None:
        refused = run_cli({"APP_ENV": "production"}, *command)
        line = assert_refused_in_one_line(refused, "JWT_SECRET")
        assert "required in production" in line

    def test_production_with_a_weak_secret(self) -> None:
        refused = run_cli({"APP_ENV": "production", "JWT_SECRET": "short-secret"}, "serve")
        line = assert_refused_in_one_line(refused, "JWT_SECRET")
        assert "short-secret" not in line

    def test_a_database_url_of_another_driver_keeps_its_password(self) -> None:
        url = "postgres://jamsos:hunter2-password@db/jamsos"
        refused = run_cli({"DATABASE_URL": url}, "migrate")
        line = assert_refused_in_one_line(refused, "DATABASE_URL")
        assert "hunter2" not in line

    def test_a_proxy_named_by_host_name(self) -> None:
        refused = run_cli({"FORWARDED_ALLOW_IPS": "proxy"}, "serve", "--migrate")
        assert_refused_in_one_line(refused, "FORWARDED_ALLOW_IPS")


def refusal(**settings: str) -> str:
    with pytest.raises(ValidationError) as error:
        Settings(**settings)
    return describe(error.value)


class TestForwardedAllowIps:
    def test_loopback_by_default(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.delenv("FORWARDED_ALLOW_IPS", raising=False)
        assert Settings().forwarded_allow_ips == "127.0.0.1"

    @pytest.mark.parametrize(
        ("given", "kept"),
        [
            ("172.30.80.10", "172.30.80.10"),
            ("10.0.0.0/8, 192.168.1.7", "10.0.0.0/8,192.168.1.7"),
            ("::1,fd00::/8", "::1,fd00::/8"),
            (" * ", "*"),
        ],
    )
    def test_addresses_and_networks(self, given: str, kept: str) -> None:
        assert Settings(forwarded_allow_ips=given).forwarded_allow_ips == kept

    @pytest.mark.parametrize(
        "given",
        [
            "proxy",  # uvicorn compares addresses: a name would never match
            "10.0.0.5/8",  # host bits set: uvicorn would not read it as a network
            "127.0.0.1,*",  # * trusts everyone: alone or not at all
            "",
            "127.0.0.1,",
        ],
    )
    def test_anything_else_is_refused(self, given: str) -> None:
        assert refusal(forwarded_allow_ips=given).startswith(
            "invalid settings: FORWARDED_ALLOW_IPS: each entry must be an IP address"
        )


class TestDatabaseUrl:
    @pytest.mark.parametrize(
        "url",
        [
            "sqlite+aiosqlite:///./jamsos_rentan.db",
            "sqlite+aiosqlite:////srv/data/jamsos_rentan.db",  # the container's default
            "postgresql+asyncpg://jamsos:secret@postgres:5432/jamsos",
        ],
    )
    def test_the_async_drivers(self, url: str) -> None:
        assert Settings(database_url=url).database_url == url

    @pytest.mark.parametrize(
        "url",
        [
            "postgresql://jamsos:secret@db/jamsos",  # a synchronous driver
            "postgres://jamsos:secret@db/jamsos",
            "sqlite:///jamsos.db",
            "jamsos.db",
            "",
        ],
    )
    def test_other_urls_are_refused_without_their_value(self, url: str) -> None:
        line = refusal(database_url=url)
        assert line.startswith("invalid settings: DATABASE_URL: must be sqlite+aiosqlite")
        assert "secret" not in line


class TestJwtSecret:
    def test_production_needs_one(self) -> None:
        assert refusal(app_env="production") == (
            "invalid settings: JWT_SECRET is required in production (at least 32 bytes)"
        )

    def test_a_short_one_is_weak(self) -> None:
        assert refusal(app_env="production", jwt_secret="x" * 31) == (
            "invalid settings: JWT_SECRET must be at least 32 bytes"
        )

    def test_production_with_a_strong_one(self) -> None:
        assert Settings(app_env="production", jwt_secret=SECRET).jwt_secret == SECRET
