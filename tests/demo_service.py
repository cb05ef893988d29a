"""The real service in its own process, as a newcomer starts it: a fresh SQLite database
filled by `python -m app demo --no-serve` (migrations, regions, API clients), then
`python -m app serve` on a free port. For the tests that use it from outside: a browser, a
generated client."""

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.benchmarks.load import serve
from tests.conftest import DEFAULT_TODAY

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class DemoService:
    url: str
    client_id: str  # pemda-3514's, from the demo's printed credentials
    client_secret: str
    tokens: dict[str, str]  # the demo's printed tokens by client id (`pemda-3514`, `mobile-app` …)


@contextmanager
def demo_service(
    database: Path, log_path: Path | None = None, **settings: str
) -> Iterator[DemoService]:
    """The demo's service; its log in `log_path` (complete once the block has ended) when
    given, with `settings` (LOG_FORMAT …) over the demo's environment."""
    env = {
        "DATABASE_URL": f"sqlite+aiosqlite:///{database}",
        "APP_ENV": "development",
        "APP_TODAY": DEFAULT_TODAY.isoformat(),
        "WEB_CONCURRENCY": "1",
    } | settings
    demo = subprocess.run(
        [sys.executable, "-m", "app", "demo", "--no-serve"],
        env=os.environ | env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert demo.returncode == 0, f"python -m app demo --no-serve:\n{demo.stderr}"
    credentials = re.search(r"client_id=(pemda-3514) client_secret=(\S+)", demo.stdout)
    assert credentials, demo.stdout
    tokens = {
        client.lower().replace("_", "-"): token
        for client, token in re.findall(r"export TOKEN_(\w+)=(\S+)", demo.stdout)
    }
    with serve(["-m", "app", "serve"], env, "/healthz", log_path) as server:
        yield DemoService(server.url, credentials[1], credentials[2], tokens)
