"""Every documented CLI command in a fresh process on a freshly migrated database, as an
operator runs it — and the README's "Getting a token" run as written against `serve`.

The databases are this file's own (SQLite files, or `jamsos_cli_*` beside the suite's
PostgreSQL database), so commands run exactly as in production: each a new process that
imports only what it needs.
"""

import asyncio
import os
import re
import shlex
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from sqlalchemy import insert
from sqlalchemy.engine import make_url
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.auth.models import ApiClient
from app.auth.secrets import verify_secret
from app.auth.tokens import verify_token
from app.cli import ROOT, migrate
from app.config import get_settings
from app.db import make_engine, utcnow
from app.idempotency import IdempotencyRecord
from app.regions.importer import bundled_regions
from app.regions.service import upsert_regions
from tests.benchmarks.load import serve
from tests.conftest import (
    DEFAULT_TODAY,
    IS_POSTGRES,
    TEST_DATABASE_URL,
    TMP,
    recreate_postgres_database,
)

README = ROOT / "README.md"
# A small official list in the Kemendagri format the README describes.
KEMENDAGRI_CSV = """code,name,kind,province
6409,Kabupaten Penajam Paser Utara,kabupaten,Kalimantan Timur
6471,Kota Balikpapan,kota,Kalimantan Timur
6472,Kota Samarinda,kota,Kalimantan Timur
"""
# The served API re-reads a client's status every second, so the bound is quick to see.
SERVED_BOUND_SECONDS = 1


def fresh_database(name: str) -> str:
    if not IS_POSTGRES:
        path = TMP / f"cli-{name}.db"
        path.unlink(missing_ok=True)
        return f"sqlite+aiosqlite:///{path}"
    # The process id: two runs of the suite on one server must not share a database.
    url = make_url(TEST_DATABASE_URL).set(database=f"jamsos_cli_{name}_{os.getpid()}")
    rendered = url.render_as_string(hide_password=False)
    asyncio.run(recreate_postgres_database(rendered))
    return rendered


def drop_database(url: str) -> None:
    if not IS_POSTGRES:
        return
    import asyncpg

    async def drop() -> None:
        admin = make_url(url).set(drivername="postgresql", database="postgres")
        conn = await asyncpg.connect(admin.render_as_string(hide_password=False))
        try:
            name = make_url(url).database
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()

    asyncio.run(drop())


@dataclass
class Run:
    argv: list[str]
    returncode: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        """The standard output of a command that succeeded."""
        assert self.returncode == 0, f"{self.argv}:\n{self.stdout}\n{self.stderr}"
        return self.stdout


@dataclass
class Operator:
    """`python -m app …` in new processes on one database."""

    url: str
    env: dict[str, str] = field(init=False)

    def __post_init__(self) -> None:
        self.env = {
            "DATABASE_URL": self.url,
            "APP_ENV": "development",
            "APP_TODAY": DEFAULT_TODAY.isoformat(),
            "WEB_CONCURRENCY": "1",
            "CLIENT_STATUS_TTL_SECONDS": str(SERVED_BOUND_SECONDS),
        }

    def start(self, argv: list[str]) -> subprocess.Popen[str]:
        if argv[:3] == ["python", "-m", "app"]:
            argv = argv[3:]
        return subprocess.Popen(  # noqa: S603 (this file's commands and the README's)
            [sys.executable, "-m", "app", *argv],
            env=os.environ | self.env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    @staticmethod
    def wait(started: dict[str, subprocess.Popen[str]]) -> dict[str, Run]:
        done = {}
        for name, process in started.items():
            stdout, stderr = process.communicate(timeout=180)
            done[name] = Run(list(map(str, process.args)), process.returncode, stdout, stderr)
        return done

    def together(self, **commands: list[str]) -> dict[str, Run]:
        """Commands that do not depend on each other, at once (each takes a second or more
        to start: this keeps the file within a minute)."""
        return self.wait({name: self.start(argv) for name, argv in commands.items()})

    def __call__(self, *argv: str) -> str:
        return self.together(command=list(argv))["command"].output

    async def query(self, statement: object) -> list[Any]:
        engine = make_engine(self.url)
        try:
            async with AsyncSession(engine) as session:
                return list((await session.exec(statement)).all())  # type: ignore[call-overload]
        finally:
            await engine.dispose()


def printed_secret(output: str) -> str:
    match = re.search(r"^client_secret:\s+(\S+)", output, re.MULTILINE)
    assert match, output
    return match[1]


async def expired_idempotency_records(url: str, expired: int, fresh: int) -> None:
    now, retention = utcnow(), timedelta(hours=get_settings().idempotency_retention_hours)
    engine = make_engine(url)
    async with engine.begin() as connection:
        await connection.execute(
            insert(IdempotencyRecord.__table__),  # type: ignore[attr-defined]
            [
                {
                    "actor": "pemda-6409",
                    "key": f"k{i}",
                    "request_hash": "h",
                    "status_code": 201,
                    "response_body": {},
                    "created_at": now - retention - timedelta(minutes=1) if i < expired else now,
                }
                for i in range(expired + fresh)
            ],
        )
    await engine.dispose()


# The day's client of each role (none of them a demo client: the demo runs the same day).
ROLES = {
    "pemda": "pemda-6409",
    "bpjs": "bpjs-kaltim",
    "admin": "ops-admin",
    "service": "mobile-backend",
}


@dataclass
class Day:
    operator: Operator
    runs: dict[str, Run]
    clients: dict[str, ApiClient]
    openapi: Path


@pytest.fixture(scope="module")
def day(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Day]:
    """An operator's day on a fresh database, in waves of commands that may run at once:
    1. migrate (meanwhile the commands that need no database);
    2. import regions from a file; create an admin client and a service client;
    3. create a pemda and a BPJS branch client (they need the regions), run the demo, disable
       the admin and the service client, and make a mistake;
    4. list the clients, rotate the branch's secret, enable the service client, purge."""
    operator = Operator(fresh_database("operator"))
    try:
        yield _operators_day(operator, tmp_path_factory.mktemp("cli"))
    finally:
        drop_database(operator.url)


def _operators_day(operator: Operator, files: Path) -> Day:
    (files / "kemendagri.csv").write_text(KEMENDAGRI_CSV, encoding="utf-8")
    openapi = files / "openapi.yaml"
    create = ["clients", "create", "--id"]
    meanwhile = {
        "tokens": operator.start(["tokens", "issue", "--role", "pemda", "--region", "3514"]),
        "openapi": operator.start(["openapi", "--output", str(openapi)]),
        "serve --help": operator.start(["serve", "--help"]),
    }
    runs = operator.together(migrate=["migrate"])
    runs |= operator.together(
        regions=["regions", "import", str(files / "kemendagri.csv")],
        admin=[*create, "ops-admin", "--role", "admin"],
        service=[*create, "mobile-backend", "--name", "Mobile", "--role", "service"],
    )
    runs |= operator.together(
        pemda=[*create, "pemda-6409", "--role", "pemda", "--region", "6409"],
        bpjs=[*create, "bpjs-kaltim", "--role", "bpjs", "--regions", "6409,6471"],
        demo=["demo", "--no-serve"],
        disable=["clients", "disable", "--id", "ops-admin"],
        disable_service=["clients", "disable", "--id", "mobile-backend"],
        unknown=["clients", "disable", "--id", "nobody"],
    )
    asyncio.run(expired_idempotency_records(operator.url, expired=3, fresh=1))
    runs |= operator.together(
        list=["clients", "list"],
        rotate=["clients", "rotate-secret", "--id", "bpjs-kaltim"],
        enable=["clients", "enable", "--id", "mobile-backend"],
        purge=["purge"],
    )
    runs |= operator.wait(meanwhile)
    stored = asyncio.run(operator.query(select(ApiClient)))
    return Day(operator, runs, {c.client_id: c for c in stored}, openapi)


class TestAnOperatorsDayOnAFreshDatabase:
    def test_migrate_then_regions_import_from_a_file(self, day: Day) -> None:
        assert day.runs["regions"].output.strip() == "3 regions read: 3 added, 0 updated"

    def test_clients_create_prints_the_secret_of_every_role_once(self, day: Day) -> None:
        for role, client_id in ROLES.items():
            output = day.runs[role].output
            assert re.search(rf"^client_id:\s+{client_id}$", output, re.MULTILINE), output
            if client_id != "bpjs-kaltim":  # rotated since
                assert verify_secret(printed_secret(output), day.clients[client_id].secret_hash)

    def test_clients_list_shows_every_client_and_never_a_secret(self, day: Day) -> None:
        listed = day.runs["list"].output
        rows = {line.split()[0]: line.split() for line in listed.splitlines()[1:]}
        assert rows["pemda-6409"][1:5] == ["pemda-6409", "pemda", "6409", "active"]
        assert rows["bpjs-kaltim"][2:4] == ["bpjs", "6409,6471"]
        assert rows["ops-admin"][2:5] == ["admin", "national", "disabled"]
        assert rows["mobile-backend"][1:4] == ["Mobile", "service", "national"]  # being enabled
        assert rows["mobile-backend"][-1] == "coverage:read"
        assert {"pemda-3514", "bpjs-national"} <= rows.keys()  # the demo's
        assert "scrypt" not in listed
        for role in ROLES:
            assert printed_secret(day.runs[role].output) not in listed

    def test_rotate_secret_prints_a_new_secret_and_the_old_one_stops_working(
        self, day: Day
    ) -> None:
        stored = day.clients["bpjs-kaltim"]
        assert verify_secret(printed_secret(day.runs["rotate"].output), stored.secret_hash)
        assert not verify_secret(printed_secret(day.runs["bpjs"].output), stored.secret_hash)
        assert stored.tokens_revoked_at is not None

    def test_disable_and_enable(self, day: Day) -> None:
        assert "ops-admin disabled" in day.runs["disable"].output
        assert day.clients["ops-admin"].active is False
        assert "mobile-backend disabled" in day.runs["disable_service"].output
        assert "mobile-backend enabled" in day.runs["enable"].output
        assert day.clients["mobile-backend"].active is True
        assert day.clients["mobile-backend"].tokens_revoked_at is not None

    def test_an_unknown_client_is_one_line_on_stderr(self, day: Day) -> None:
        assert day.runs["unknown"].returncode == 1
        assert day.runs["unknown"].stderr.strip() == "error: no client nobody"

    def test_purge_deletes_the_expired_idempotency_records_and_says_how_many(
        self, day: Day
    ) -> None:
        assert day.runs["purge"].output.strip() == "3 idempotency records older than 24 h deleted"
        left = asyncio.run(day.operator.query(select(IdempotencyRecord.key)))
        assert left == ["k3"]

    def test_the_demo_prepares_without_serving(self, day: Day) -> None:
        output = day.runs["demo"].output
        assert "Demo programme (Kab. Pasuruan, 200 members" in output
        assert re.search(r"client_id=pemda-3514 client_secret=\S+", output)

    def test_tokens_issue_prints_a_token_the_api_accepts(self, day: Day) -> None:
        claims = verify_token(get_settings(), day.runs["tokens"].output.strip())
        assert claims["role"] == "pemda" and claims["region"] == "3514"

    def test_openapi_writes_the_document(self, day: Day) -> None:
        assert day.runs["openapi"].output.strip() == f"wrote {day.openapi}"
        written = day.openapi.read_text(encoding="utf-8")
        assert written.startswith("openapi:") and "\n  /v1/auth/token:\n" in written

    def test_serve_help(self, day: Day) -> None:
        assert "--workers" in day.runs["serve --help"].output


# The README's "Getting a token", run as written.


def readme_commands() -> list[list[str]]:
    """The shell commands of the section's first `sh` block, continuation lines joined."""
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## Getting a token\n", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert block, "no sh block in the README's Getting a token"
    lines = block[1].replace("\\\n", " ").splitlines()
    return [shlex.split(line) for line in lines if line.strip()]


def curl(argv: list[str], base_url: str, secret: str) -> httpx.Response:
    """The README's curl, sent by httpx: `-s`, `-d` and the URL are all it may use."""
    assert argv[0] == "curl", argv
    data: list[str] = []
    url = None
    words = iter(argv[1:])
    for word in words:
        if word == "-s":
            continue
        if word in ("-d", "--data"):
            data.append(next(words).replace("…", secret))
        elif not word.startswith("-") and url is None:
            url = word
        else:
            raise AssertionError(f"the README's curl uses {word!r}: teach tests/test_cli.py")
    assert url is not None and data, argv
    served = base_url + urlsplit(url).path
    return httpx.post(
        served,
        content="&".join(data),  # as curl -d sends it: joined with &, not encoded again
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )


@dataclass
class Served:
    operator: Operator
    url: str
    secrets: dict[str, str]
    token_response: httpx.Response


@pytest.fixture(scope="module")
def readme_served() -> Iterator[Served]:
    """The README's block on a fresh database with the regions in it: its `clients create`
    lines, then its curl against `python -m app serve`."""
    commands = readme_commands()
    creates = [c for c in commands if c[:5] == ["python", "-m", "app", "clients", "create"]]
    curls = [c for c in commands if c[0] == "curl"]
    assert len(creates) == 2 and len(curls) == 1 and len(commands) == 3, commands
    operator = Operator(fresh_database("readme"))
    try:
        migrate(operator.url)
        asyncio.run(_bundled_regions(operator.url))
        started = {c[c.index("--id") + 1]: operator.start(c) for c in creates}
        with serve(["-m", "app", "serve"], operator.env, "/healthz") as server:
            runs = operator.wait(started)
            secrets = {client_id: printed_secret(run.output) for client_id, run in runs.items()}
            client_id = next(d.split("=", 1)[1] for d in curls[0] if d.startswith("client_id="))
            response = curl(curls[0], server.url, secrets[client_id])
            yield Served(operator, server.url, secrets, response)
    finally:
        drop_database(operator.url)


async def _bundled_regions(url: str) -> None:
    engine = make_engine(url)
    async with AsyncSession(engine) as session:
        await upsert_regions(session, bundled_regions())
        await session.commit()
    await engine.dispose()


def grant(served: Served, client_id: str, secret: str) -> httpx.Response:
    return httpx.post(
        f"{served.url}/v1/auth/token",
        data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret},
    )


def programs(served: Served, token: str) -> httpx.Response:
    return httpx.get(f"{served.url}/v1/programs", headers={"Authorization": f"Bearer {token}"})


def refused_within(served: Served, token: str, bound: float) -> None:
    """The token is answered 401 within `bound` seconds (polled), and 200 until then."""
    started = time.monotonic()
    while True:
        response = programs(served, token)
        elapsed = time.monotonic() - started
        if response.status_code == 401:
            return
        assert response.status_code == 200, response.text
        assert elapsed <= bound, f"still accepted {elapsed:.1f} s after"
        time.sleep(0.1)


# The bound is checked from the moment the command has exited, with room for requests to a
# busy shared machine; tests/auth/test_revocation.py checks the bound itself to the second.
SLACK_SECONDS = 4


class TestGettingATokenAsTheReadmeSays:
    def test_the_curl_gets_a_token_that_works(self, readme_served: Served) -> None:
        response = readme_served.token_response
        assert response.status_code == 200, response.text
        listed = programs(readme_served, response.json()["access_token"])
        assert listed.status_code == 200, listed.text

    def test_a_disabled_clients_token_is_refused_within_the_bound(
        self, readme_served: Served
    ) -> None:
        secret = readme_served.secrets["bpjs-pasuruan"]
        token = grant(readme_served, "bpjs-pasuruan", secret).json()["access_token"]
        assert programs(readme_served, token).status_code == 200
        readme_served.operator("clients", "disable", "--id", "bpjs-pasuruan")
        refused_within(readme_served, token, SERVED_BOUND_SECONDS + SLACK_SECONDS)
        refused = grant(readme_served, "bpjs-pasuruan", secret)
        assert refused.status_code == 401 and refused.json()["error"] == "invalid_client"

    def test_a_rotated_secret_is_refused_and_its_tokens_within_the_bound(
        self, readme_served: Served
    ) -> None:
        old_secret = readme_served.secrets["pemda-3514"]
        old_token = grant(readme_served, "pemda-3514", old_secret).json()["access_token"]
        assert programs(readme_served, old_token).status_code == 200
        output = readme_served.operator("clients", "rotate-secret", "--id", "pemda-3514")
        refused = grant(readme_served, "pemda-3514", old_secret)
        assert refused.status_code == 401 and refused.json()["error"] == "invalid_client"
        new_token = grant(readme_served, "pemda-3514", printed_secret(output))
        assert new_token.status_code == 200, new_token.text
        refused_within(readme_served, old_token, SERVED_BOUND_SECONDS + SLACK_SECONDS)
        assert programs(readme_served, new_token.json()["access_token"]).status_code == 200
