"""A disabled client gets no token and its tokens stop working; a rotated secret takes its
tokens with it — within CLIENT_STATUS_TTL_SECONDS, the bound the README states."""

import types
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from app.auth import client_status, service
from app.auth.scopes import Role
from app.config import current_settings, get_settings
from app.db import database
from app.main import app
from tests.auth.test_router import make_client
from tests.auth.test_tokens import claims, rs256
from tests.conftest import assert_problem, bearer

BOUND = get_settings().client_status_ttl_seconds


@pytest.fixture
async def secret(regions: list[str]) -> str:
    return await make_client(
        client_id="pemda-3514", name="Disnaker", role=Role.pemda, region="3514"
    )


@pytest.fixture
def later(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Call with a number of seconds to move the status cache's clock on by that much."""
    offset = [0.0]
    real = client_status.time.monotonic
    fake = types.SimpleNamespace(monotonic=lambda: real() + offset[0])
    monkeypatch.setattr(client_status, "time", fake)

    def advance(seconds: float) -> None:
        offset[0] += seconds

    return advance


async def grant(client: httpx.AsyncClient, secret: str) -> httpx.Response:
    return await client.post(
        "/v1/auth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": "pemda-3514",
            "client_secret": secret,
        },
    )


async def token(client: httpx.AsyncClient, secret: str) -> str:
    response = await grant(client, secret)
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


async def programs(client: httpx.AsyncClient, access_token: str) -> httpx.Response:
    return await client.get("/v1/programs", headers=bearer(access_token))


async def change(action: str) -> None:
    async with database.get_sessionmaker()() as session:
        if action == "rotate":
            await service.rotate_secret(session, "pemda-3514")
        else:
            await service.set_active(session, "pemda-3514", active=action == "enable")
        await session.commit()


def refused(response: httpx.Response) -> None:
    assert_problem(response, 401, "UNAUTHENTICATED")
    assert 'error="invalid_token"' in response.headers["www-authenticate"]


class TestDisabledClient:
    async def test_gets_no_new_token(self, client: httpx.AsyncClient, secret: str) -> None:
        await change("disable")
        body = assert_problem(await grant(client, secret), 401, "INVALID_CLIENT")
        assert body["error"] == "invalid_client"

    async def test_its_token_is_refused_once_the_bound_has_passed(
        self, client: httpx.AsyncClient, secret: str, later: Any
    ) -> None:
        issued = await token(client, secret)
        assert (await programs(client, issued)).status_code == 200
        await change("disable")
        later(BOUND)
        refused(await programs(client, issued))

    async def test_is_refused_at_the_next_use_with_a_bound_of_zero(
        self, client: httpx.AsyncClient, secret: str
    ) -> None:
        issued = await token(client, secret)
        assert (await programs(client, issued)).status_code == 200
        await change("disable")
        every_request = get_settings().model_copy(update={"client_status_ttl_seconds": 0})
        app.dependency_overrides[current_settings] = lambda: every_request
        try:
            refused(await programs(client, issued))
        finally:
            app.dependency_overrides.clear()

    async def test_enabled_again_it_needs_a_new_token(
        self, client: httpx.AsyncClient, secret: str, later: Any
    ) -> None:
        issued = await token(client, secret)
        await change("disable")
        await change("enable")
        later(BOUND)
        refused(await programs(client, issued))
        assert (await programs(client, await token(client, secret))).status_code == 200


class TestRotatedSecret:
    async def test_the_old_secret_is_refused_and_the_new_one_works(
        self, client: httpx.AsyncClient, secret: str
    ) -> None:
        async with database.get_sessionmaker()() as session:
            _client, new_secret = await service.rotate_secret(session, "pemda-3514")
            await session.commit()
        assert_problem(await grant(client, secret), 401, "INVALID_CLIENT")
        assert (await programs(client, await token(client, new_secret))).status_code == 200

    async def test_tokens_of_the_old_secret_are_refused_once_the_bound_has_passed(
        self, client: httpx.AsyncClient, secret: str, later: Any
    ) -> None:
        old = await token(client, secret)
        async with database.get_sessionmaker()() as session:
            _client, new_secret = await service.rotate_secret(session, "pemda-3514")
            await session.commit()
        new = await token(client, new_secret)  # in the same second as the rotation, likely
        later(BOUND)
        refused(await programs(client, old))
        assert (await programs(client, new)).status_code == 200


class TestTheCheck:
    async def test_reads_the_database_once_per_bound_not_per_request(
        self, client: httpx.AsyncClient, secret: str, later: Any, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        reads: list[str] = []
        read = client_status._read

        async def counted(client_id: str) -> client_status.ClientStatus | None:
            reads.append(client_id)
            return await read(client_id)

        monkeypatch.setattr(client_status, "_read", counted)
        issued = await token(client, secret)
        for _ in range(5):
            assert (await programs(client, issued)).status_code == 200
        assert reads == ["pemda-3514"]
        later(BOUND)
        assert (await programs(client, issued)).status_code == 200
        assert reads == ["pemda-3514"] * 2

    async def test_an_identity_providers_token_is_not_checked(
        self, client: httpx.AsyncClient, secret: str, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """RS256: the provider's subjects are its own, even one spelt like a client of ours."""
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = (
            key.public_key()
            .public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            .decode()
        )
        await change("disable")
        monkeypatch.setattr(client_status, "_read", None)  # any read would fail
        configured = get_settings().model_copy(update={"jwt_public_key": pem})
        app.dependency_overrides[current_settings] = lambda: configured
        try:
            response = await client.get("/v1/regions", headers=bearer(rs256(claims(), key)))
        finally:
            app.dependency_overrides.clear()
        assert response.status_code == 200, response.text
