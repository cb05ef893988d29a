"""Rate limits per API client (issue 12): a token bucket per client in each worker process,
answered with 429, `Retry-After` and a problem document."""

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator

import httpx
import pytest
from pydantic import ValidationError
from sqlalchemy import func, select

from app import rate_limit
from app.auth.scopes import Role
from app.config import Settings, current_settings, get_settings
from app.db import database
from app.main import app
from app.rate_limit import TokenBuckets
from app.regions.models import Region
from tests.auth.test_router import make_client
from tests.conftest import assert_problem, auth

REGIONS = "/v1/regions"


class Clock:
    """The buckets' monotonic clock, moved by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(rate_limit, "buckets", TokenBuckets(clock))
    return clock


@pytest.fixture
def limit(clock: Clock) -> Iterator[Callable[[int], None]]:
    """Call with RATE_LIMIT_PER_MINUTE for the rest of the test."""

    def set_limit(per_minute: int) -> None:
        settings = get_settings().model_copy(update={"rate_limit_per_minute": per_minute})

        async def limited() -> Settings:
            return settings

        app.dependency_overrides[current_settings] = limited

    yield set_limit
    app.dependency_overrides.pop(current_settings, None)


def client_token(sub: str, role: Role = Role.bpjs) -> dict[str, str]:
    return auth(role, sub=sub)


async def statuses(client: httpx.AsyncClient, n: int, headers: dict[str, str]) -> list[int]:
    return [(await client.get(REGIONS, headers=headers)).status_code for _ in range(n)]


class TestPerClient:
    async def test_a_client_over_its_limit_gets_429_with_retry_after(
        self, client: httpx.AsyncClient, limit: Callable[[int], None]
    ) -> None:
        limit(3)
        headers = client_token("client-a")
        assert await statuses(client, 3, headers) == [200, 200, 200]
        response = await client.get(REGIONS, headers=headers)
        body = assert_problem(response, 429, "TOO_MANY_REQUESTS")
        # 3 a minute: a token comes back every 20 seconds.
        assert response.headers["Retry-After"] == "20"
        assert response.headers["RateLimit-Limit"] == "3"
        assert response.headers["RateLimit-Remaining"] == "0"
        assert response.headers["RateLimit-Reset"] == "20"
        assert body["detail"] == "This API client may make 3 requests a minute; retry in 20 s."

    async def test_the_refusal_is_in_the_request_s_language(
        self, client: httpx.AsyncClient, limit: Callable[[int], None]
    ) -> None:
        limit(1)
        headers = client_token("client-a") | {"Accept-Language": "id"}
        await client.get(REGIONS, headers=headers)
        body = assert_problem(await client.get(REGIONS, headers=headers), 429)
        assert body["title"] == "Terlalu banyak permintaan"
        assert body["detail"].startswith("Klien API ini boleh mengirim 1 permintaan per menit")

    async def test_another_client_is_not_limited_meanwhile(
        self, client: httpx.AsyncClient, limit: Callable[[int], None]
    ) -> None:
        limit(2)
        busy, other = client_token("client-a"), client_token("client-b")
        assert await statuses(client, 3, busy) == [200, 200, 429]
        assert await statuses(client, 2, other) == [200, 200]
        assert await statuses(client, 1, busy) == [429]

    async def test_every_token_of_one_client_shares_its_allowance(
        self, client: httpx.AsyncClient, limit: Callable[[int], None]
    ) -> None:
        limit(2)
        assert await statuses(client, 1, client_token("client-a")) == [200]
        assert await statuses(client, 1, client_token("client-a", Role.admin)) == [200]
        assert await statuses(client, 1, client_token("client-a")) == [429]

    async def test_the_bucket_refills_with_time_up_to_the_limit(
        self, client: httpx.AsyncClient, limit: Callable[[int], None], clock: Clock
    ) -> None:
        limit(6)  # a token every 10 seconds
        headers = client_token("client-a")
        assert await statuses(client, 7, headers) == [200] * 6 + [429]
        clock.advance(9.5)
        refused = await client.get(REGIONS, headers=headers)
        assert refused.status_code == 429
        assert refused.headers["Retry-After"] == "1"  # half a second, in whole seconds
        clock.advance(0.5)
        assert await statuses(client, 2, headers) == [200, 429]
        clock.advance(3600)  # an idle hour saves no more than one burst
        assert await statuses(client, 7, headers) == [200] * 6 + [429]

    async def test_concurrent_requests_of_one_client_share_its_bucket_exactly(
        self, client: httpx.AsyncClient, limit: Callable[[int], None]
    ) -> None:
        limit(10)
        headers = client_token("client-a")
        responses = await asyncio.gather(*(client.get(REGIONS, headers=headers) for _ in range(25)))
        codes = [r.status_code for r in responses]
        assert codes.count(200) == 10
        assert codes.count(429) == 15

    async def test_zero_turns_the_limit_off(
        self, client: httpx.AsyncClient, limit: Callable[[int], None]
    ) -> None:
        limit(0)
        assert set(await statuses(client, 30, client_token("client-a"))) == {200}
        assert len(rate_limit.buckets) == 0

    async def test_a_refused_write_stores_nothing(
        self, client: httpx.AsyncClient, limit: Callable[[int], None]
    ) -> None:
        limit(1)
        headers = client_token("operator", Role.admin)
        assert await statuses(client, 1, headers) == [200]
        region = {
            "code": "3514",
            "name": "Kabupaten Pasuruan",
            "kind": "kabupaten",
            "province": "Jawa Timur",
        }
        response = await client.post(REGIONS, json=region, headers=headers)
        assert_problem(response, 429, "TOO_MANY_REQUESTS")
        async with database.get_sessionmaker()() as session:
            assert await session.scalar(select(func.count()).select_from(Region)) == 0

    async def test_a_token_that_fails_verification_spends_nothing(
        self, client: httpx.AsyncClient, limit: Callable[[int], None]
    ) -> None:
        """Else anyone could spend a client's allowance with tokens naming it."""
        limit(1)
        forged = {"Authorization": client_token("client-a")["Authorization"][:-4] + "AAAA"}
        assert await statuses(client, 3, forged) == [401, 401, 401]
        assert await statuses(client, 1, client_token("client-a")) == [200]

    async def test_health_and_anonymous_requests_are_not_limited(
        self, client: httpx.AsyncClient, limit: Callable[[int], None]
    ) -> None:
        limit(1)
        assert {(await client.get("/healthz")).status_code for _ in range(3)} == {200}
        assert await statuses(client, 2, {}) == [401, 401]
        assert len(rate_limit.buckets) == 0


TOKEN = "/v1/auth/token"


@pytest.fixture
async def from_elsewhere() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, client=("10.0.0.2", 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http


class TestTokenEndpoint:
    async def test_is_limited_per_source_address_not_per_client_id(
        self,
        client: httpx.AsyncClient,
        from_elsewhere: httpx.AsyncClient,
        limit: Callable[[int], None],
        regions: list[str],
    ) -> None:
        """Guessing at a client's secret slows the guesser, and locks the client out of
        nothing: its own address still gets tokens."""
        secret = await make_client(client_id="bpjs-pasuruan", name="Cabang", role=Role.bpjs)
        limit(2)
        guess = {"grant_type": "client_credentials", "client_id": "bpjs-pasuruan"}
        for _ in range(2):
            response = await client.post(TOKEN, data=guess | {"client_secret": "guess"})
            assert response.status_code == 401
        refused = await client.post(TOKEN, data=guess | {"client_secret": secret})
        assert_problem(refused, 429, "TOO_MANY_REQUESTS")
        assert refused.headers["Retry-After"] == "30"
        granted = await from_elsewhere.post(TOKEN, data=guess | {"client_secret": secret})
        assert granted.status_code == 200


class TestBuckets:
    def test_a_bucket_idle_for_a_minute_is_forgotten(self) -> None:
        clock = Clock()
        buckets = TokenBuckets(clock)
        buckets.take("a", 5)
        clock.advance(59)
        buckets.take("b", 5)
        assert len(buckets) == 2
        clock.advance(1)
        buckets.take("b", 5)
        assert len(buckets) == 1  # "a" was full again: forgetting it loses nothing

    def test_memory_is_bounded_by_the_most_recent_callers(self) -> None:
        buckets = TokenBuckets(Clock(), max_buckets=3)
        for key in "abcde":
            buckets.take(key, 5)
        assert len(buckets) == 3


class TestDocumentedAndConfigured:
    def test_every_operation_but_health_documents_429_with_retry_after(self) -> None:
        document = app.openapi()
        for path, operations in document["paths"].items():
            for method, operation in operations.items():
                responses = operation["responses"]
                if path in {"/healthz", "/readyz"}:
                    assert "429" not in responses
                    continue
                assert "Retry-After" in responses["429"]["headers"], (method, path)

    def test_the_limit_is_a_count_of_zero_or_more(self) -> None:
        assert Settings.model_fields["rate_limit_per_minute"].default == 600
        with pytest.raises(ValidationError):
            Settings(rate_limit_per_minute=-1)
