"""POST /v1/auth/token: OAuth2 client credentials against clients stored with hashed secrets."""

import base64

import httpx
import pytest

from app.auth import service
from app.auth.models import ApiClient
from app.auth.scopes import Role
from app.db import database
from tests.conftest import assert_problem, bearer


async def make_client(**kwargs: object) -> str:
    async with database.get_sessionmaker()() as session:
        _client, secret = await service.create_client(session, **kwargs)  # type: ignore[arg-type]
        await session.commit()
    return secret


@pytest.fixture
async def pemda_secret(regions: list[str]) -> str:
    return await make_client(
        client_id="pemda-3514", name="Disnaker", role=Role.pemda, region="3514"
    )


class TestIssueToken:
    async def test_client_credentials_in_the_form_give_a_working_token(
        self, client: httpx.AsyncClient, pemda_secret: str
    ) -> None:
        response = await client.post(
            "/v1/auth/token",
            data={
                "grant_type": "client_credentials",
                "client_id": "pemda-3514",
                "client_secret": pemda_secret,
            },
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["token_type"] == "bearer"
        assert "programs:write" in body["scope"].split()
        assert response.headers["cache-control"] == "no-store"
        regions = await client.get("/v1/regions", headers=bearer(body["access_token"]))
        assert regions.status_code == 200

    async def test_http_basic_credentials_work_too(
        self, client: httpx.AsyncClient, pemda_secret: str
    ) -> None:
        basic = base64.b64encode(f"pemda-3514:{pemda_secret}".encode()).decode()
        response = await client.post(
            "/v1/auth/token",
            data={"grant_type": "client_credentials"},
            headers={"Authorization": f"Basic {basic}"},
        )
        assert response.status_code == 200, response.text

    async def test_a_narrower_scope_can_be_asked_for(
        self, client: httpx.AsyncClient, pemda_secret: str
    ) -> None:
        response = await client.post(
            "/v1/auth/token",
            data={
                "grant_type": "client_credentials",
                "client_id": "pemda-3514",
                "client_secret": pemda_secret,
                "scope": "programs:read",
            },
        )
        assert response.json()["scope"] == "programs:read"

    async def test_a_scope_beyond_the_client_is_invalid_scope(
        self, client: httpx.AsyncClient, pemda_secret: str
    ) -> None:
        response = await client.post(
            "/v1/auth/token",
            data={
                "grant_type": "client_credentials",
                "client_id": "pemda-3514",
                "client_secret": pemda_secret,
                "scope": "claims:pay",
            },
        )
        assert assert_problem(response, 400, "INVALID_SCOPE")["error"] == "invalid_scope"

    async def test_wrong_secret_and_unknown_client_look_the_same(
        self, client: httpx.AsyncClient, pemda_secret: str
    ) -> None:
        wrong = await client.post(
            "/v1/auth/token",
            data={
                "grant_type": "client_credentials",
                "client_id": "pemda-3514",
                "client_secret": "x",
            },
        )
        unknown = await client.post(
            "/v1/auth/token",
            data={
                "grant_type": "client_credentials",
                "client_id": "nobody",
                "client_secret": "x",
            },
        )
        assert (
            assert_problem(wrong, 401, "INVALID_CLIENT")["detail"]
            == assert_problem(unknown, 401, "INVALID_CLIENT")["detail"]
        )

    async def test_non_ascii_basic_credentials_are_401(self, client: httpx.AsyncClient) -> None:
        response = await client.post(
            "/v1/auth/token",
            data={"grant_type": "client_credentials"},
            headers={"Authorization": b"Basic \xe9\xe9\xe9\xe9"},
        )
        assert_problem(response, 401, "INVALID_CLIENT")

    async def test_other_grant_types_are_refused(self, client: httpx.AsyncClient) -> None:
        response = await client.post("/v1/auth/token", data={"grant_type": "password"})
        assert_problem(response, 400, "UNSUPPORTED_GRANT_TYPE")

    async def test_a_json_body_is_an_oauth_invalid_request(self, client: httpx.AsyncClient) -> None:
        response = await client.post("/v1/auth/token", json={"grant_type": "client_credentials"})
        body = assert_problem(response, 400, "INVALID_REQUEST")
        assert body["error"] == "invalid_request"
        assert "grant_type" in body["error_description"]

    async def test_a_missing_grant_type_is_invalid_request(
        self, client: httpx.AsyncClient, pemda_secret: str
    ) -> None:
        response = await client.post(
            "/v1/auth/token", data={"client_id": "pemda-3514", "client_secret": pemda_secret}
        )
        assert_problem(response, 400, "INVALID_REQUEST")
        assert response.json()["error"] == "invalid_request"
        assert response.headers["cache-control"] == "no-store"

    async def test_an_overlong_parameter_is_invalid_request(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.post(
            "/v1/auth/token",
            data={"grant_type": "client_credentials", "client_id": "x" * 65, "client_secret": "y"},
        )
        assert_problem(response, 400, "INVALID_REQUEST")
        assert "client_id" in response.json()["error_description"]

    async def test_every_token_error_carries_the_oauth_error_member(
        self, client: httpx.AsyncClient
    ) -> None:
        cases = [
            ({"grant_type": "password"}, 400, "unsupported_grant_type"),
            ({"grant_type": "client_credentials"}, 401, "invalid_client"),
            (
                {"grant_type": "client_credentials", "client_id": "nobody", "client_secret": "x"},
                401,
                "invalid_client",
            ),
        ]
        for data, status, error in cases:
            response = await client.post("/v1/auth/token", data=data)
            assert response.status_code == status, response.text
            assert response.json()["error"] == error

    async def test_the_secret_is_stored_only_as_a_hash(self, pemda_secret: str) -> None:
        async with database.get_sessionmaker()() as session:
            stored = await session.get(ApiClient, "pemda-3514")
        assert stored is not None
        assert pemda_secret not in stored.secret_hash
        assert stored.secret_hash.startswith("scrypt$")


class TestCreateClient:
    async def test_a_pemda_client_needs_a_region(self, regions: list[str]) -> None:
        with pytest.raises(service.InvalidClientDefinition):
            await make_client(client_id="p", name="p", role=Role.pemda)

    async def test_bpjs_only_scopes_cannot_be_given_to_a_pemda(self, regions: list[str]) -> None:
        with pytest.raises(service.InvalidClientDefinition, match="BPJS-only"):
            await make_client(
                client_id="pemda-x",
                name="p",
                role=Role.pemda,
                region="3514",
                scopes=frozenset({"claims:pay"}),
            )

    async def test_an_unknown_region_is_refused_before_any_write(self, regions: list[str]) -> None:
        with pytest.raises(service.InvalidClientDefinition, match="unknown region 9999"):
            await make_client(client_id="pemda-9999", name="p", role=Role.pemda, region="9999")
        with pytest.raises(service.InvalidClientDefinition, match="unknown region 9998"):
            await make_client(
                client_id="bpjs-x", name="b", role=Role.bpjs, regions=["3514", "9998"]
            )
