"""The database out of reach is the service's trouble, not the caller's mistake: 503 with
`Retry-After`, never 500 — the token endpoint included."""

import socket
import time

import httpx

from tests.benchmarks.load import serve
from tests.conftest import make_token


def test_an_unreachable_database_answers_503_with_retry_after() -> None:
    env = {
        # Nothing listens on port 1: every connection attempt is refused.
        "DATABASE_URL": "postgresql+asyncpg://postgres@127.0.0.1:1/jamsos",
        "APP_ENV": "development",
        "DATABASE_POOL_TIMEOUT_SECONDS": "2",
    }
    token = {"Authorization": f"Bearer {make_token('pemda', region='3514')}"}
    with serve(["-m", "app", "serve"], env, "/healthz") as server:
        answers = [
            httpx.get(f"{server.url}/v1/programs", headers=token, timeout=30),
            httpx.post(
                f"{server.url}/v1/auth/token",
                data={
                    "grant_type": "client_credentials",
                    "client_id": "pemda-3514",
                    "client_secret": "y",
                },
                timeout=30,
            ),
            httpx.get(f"{server.url}/readyz", timeout=30),
        ]
    for response in answers:
        assert response.status_code == 503, (response.request.url, response.text)
        assert response.headers["retry-after"].isdigit()
        assert response.headers["content-type"].startswith("application/problem+json")


def test_a_database_that_never_answers_is_503_within_the_pool_timeout() -> None:
    """A server that takes the connection and says nothing (hung, or a half-open network):
    the connect is given up after DATABASE_POOL_TIMEOUT_SECONDS, not the driver's minute."""
    token = {"Authorization": f"Bearer {make_token('pemda', region='3514')}"}
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()  # the kernel completes the handshake; nobody ever reads or writes
        env = {
            "DATABASE_URL": f"postgresql+asyncpg://postgres@127.0.0.1:{silent.getsockname()[1]}/j",
            "APP_ENV": "development",
            "DATABASE_POOL_TIMEOUT_SECONDS": "1",
        }
        with serve(["-m", "app", "serve"], env, "/healthz") as server:
            start = time.monotonic()
            response = httpx.get(f"{server.url}/v1/programs", headers=token, timeout=30)
            seconds = time.monotonic() - start
    assert response.status_code == 503, response.text
    assert response.headers["retry-after"].isdigit()
    assert seconds < 10
