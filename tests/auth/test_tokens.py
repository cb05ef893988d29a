"""Forged, expired and misdirected tokens are refused with 401 (DESIGN.md §2)."""

import base64
import json
import time
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from app.auth.tokens import InvalidToken, issue_token, verify_token
from app.config import Settings, current_settings, get_settings
from app.main import app
from tests.conftest import assert_problem, bearer, make_token

SECRET = "s" * 40


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def hs256(payload: dict[str, Any], secret: bytes, alg: str = "HS256") -> str:
    import hashlib
    import hmac

    header = b64(json.dumps({"alg": alg, "typ": "JWT"}).encode())
    body = b64(json.dumps(payload).encode())
    signature = hmac.new(secret, f"{header}.{body}".encode(), hashlib.sha256).digest()
    return f"{header}.{body}.{b64(signature)}"


def rs256(payload: dict[str, Any], key: rsa.RSAPrivateKey) -> str:
    header = b64(json.dumps({"alg": "RS256", "typ": "JWT"}).encode())
    body = b64(json.dumps(payload).encode())
    signature = key.sign(f"{header}.{body}".encode(), padding.PKCS1v15(), hashes.SHA256())
    return f"{header}.{body}.{b64(signature)}"


def claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    base = {
        "sub": "pemda-3514",
        "role": "pemda",
        "region": "3514",
        "scope": "programs:read",
        "iss": "jamsos-rentan",
        "aud": "jamsos-rentan-api",
        "iat": now,
        "exp": now + 300,
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


@pytest.fixture(scope="module")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def public_pem(rsa_key: rsa.RSAPrivateKey) -> str:
    return (
        rsa_key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


@pytest.fixture
def settings(public_pem: str) -> Settings:
    return Settings(jwt_secret=SECRET, jwt_public_key=public_pem)


class TestVerifyToken:
    def test_a_token_it_issued_is_accepted(self, settings: Settings) -> None:
        token = issue_token(settings, "pemda-3514", {"role": "pemda", "region": "3514"}, 60)
        assert verify_token(settings, token)["sub"] == "pemda-3514"

    def test_rs256_from_the_identity_provider_is_accepted(
        self, settings: Settings, rsa_key: rsa.RSAPrivateKey
    ) -> None:
        assert verify_token(settings, rs256(claims(), rsa_key))["region"] == "3514"

    def test_alg_none_is_refused(self, settings: Settings) -> None:
        header = b64(json.dumps({"alg": "none", "typ": "JWT"}).encode())
        token = f"{header}.{b64(json.dumps(claims()).encode())}."
        with pytest.raises(InvalidToken):
            verify_token(settings, token)

    def test_wrong_key_is_refused(self, settings: Settings) -> None:
        with pytest.raises(InvalidToken):
            verify_token(settings, hs256(claims(), b"x" * 40))

    def test_hs256_signed_with_the_rs256_public_key_is_refused(
        self, settings: Settings, public_pem: str
    ) -> None:
        with pytest.raises(InvalidToken):
            verify_token(settings, hs256(claims(), public_pem.encode()))

    def test_rs256_is_refused_when_no_public_key_is_configured(
        self, rsa_key: rsa.RSAPrivateKey
    ) -> None:
        with pytest.raises(InvalidToken):
            verify_token(Settings(jwt_secret=SECRET), rs256(claims(), rsa_key))

    @pytest.mark.parametrize("missing", ["aud", "exp", "iat", "iss", "sub"])
    def test_a_missing_required_claim_is_refused(self, settings: Settings, missing: str) -> None:
        with pytest.raises(InvalidToken):
            verify_token(settings, hs256(claims(**{missing: None}), SECRET.encode()))

    def test_expired_is_refused(self, settings: Settings) -> None:
        past = int(time.time()) - 3600
        with pytest.raises(InvalidToken):
            verify_token(settings, hs256(claims(iat=past, exp=past + 60), SECRET.encode()))

    def test_issued_in_the_future_is_refused(self, settings: Settings) -> None:
        later = int(time.time()) + 10 * 365 * 86_400
        with pytest.raises(InvalidToken, match="future"):
            verify_token(settings, hs256(claims(iat=later, exp=later + 60), SECRET.encode()))

    def test_a_clock_a_few_seconds_ahead_is_tolerated(self, settings: Settings) -> None:
        ahead = int(time.time()) + 30
        assert verify_token(settings, hs256(claims(iat=ahead), SECRET.encode()))["sub"]

    def test_wrong_issuer_is_refused(self, settings: Settings) -> None:
        with pytest.raises(InvalidToken):
            verify_token(settings, hs256(claims(iss="someone-else"), SECRET.encode()))

    def test_wrong_audience_is_refused(self, settings: Settings) -> None:
        with pytest.raises(InvalidToken):
            verify_token(settings, hs256(claims(aud="another-api"), SECRET.encode()))

    def test_a_100_kb_token_is_refused_before_parsing(self, settings: Settings) -> None:
        token = hs256(claims(padding="x" * 100_000), SECRET.encode())
        with pytest.raises(InvalidToken, match="too long"):
            verify_token(settings, token)

    def test_garbage_is_refused(self, settings: Settings) -> None:
        for token in ("", "abc", "a.b.c", "é.é.é", "\x00"):
            with pytest.raises(InvalidToken):
                verify_token(settings, token)


def _real_secret_token(**overrides: Any) -> str:
    return hs256(claims(**overrides), get_settings().jwt_secret.encode())


class TestForgedTokensOverHttp:
    """The same refusals, end to end: 401 problem with a WWW-Authenticate challenge."""

    @pytest.mark.parametrize(
        "token",
        [
            pytest.param(lambda: _real_secret_token(aud=None), id="missing-aud"),
            pytest.param(lambda: _real_secret_token(exp=None), id="missing-exp"),
            pytest.param(lambda: _real_secret_token(iss="x"), id="wrong-issuer"),
            pytest.param(lambda: _real_secret_token(aud="x"), id="wrong-audience"),
            pytest.param(
                lambda: _real_secret_token(iat=1_600_000_000, exp=1_600_000_060), id="expired"
            ),
            pytest.param(lambda: hs256(claims(), b"k" * 40), id="wrong-key"),
            pytest.param(
                lambda: b64(b'{"alg":"none"}') + "." + b64(json.dumps(claims()).encode()) + ".",
                id="alg-none",
            ),
            pytest.param(lambda: _real_secret_token(padding="x" * 100_000), id="100kb"),
            pytest.param(lambda: _real_secret_token(role="superuser"), id="unknown-role"),
            pytest.param(lambda: _real_secret_token(region=None), id="pemda-without-region"),
            pytest.param(lambda: _real_secret_token(sub="s" * 201), id="sub-over-200-chars"),
        ],
    )
    async def test_refused_with_401(self, client: httpx.AsyncClient, token: Any) -> None:
        response = await client.get("/v1/regions", headers=bearer(token()))
        assert_problem(response, 401, "UNAUTHENTICATED")
        assert 'error="invalid_token"' in response.headers["www-authenticate"]

    async def test_hs256_with_the_public_key_over_http(
        self, client: httpx.AsyncClient, public_pem: str
    ) -> None:
        configured = get_settings().model_copy(update={"jwt_public_key": public_pem})
        app.dependency_overrides[current_settings] = lambda: configured
        try:
            response = await client.get(
                "/v1/regions", headers=bearer(hs256(claims(), public_pem.encode()))
            )
        finally:
            app.dependency_overrides.clear()
        assert_problem(response, 401)

    async def test_rs256_over_http(
        self, client: httpx.AsyncClient, public_pem: str, rsa_key: rsa.RSAPrivateKey
    ) -> None:
        configured = get_settings().model_copy(update={"jwt_public_key": public_pem})
        app.dependency_overrides[current_settings] = lambda: configured
        try:
            response = await client.get("/v1/regions", headers=bearer(rs256(claims(), rsa_key)))
        finally:
            app.dependency_overrides.clear()
        assert response.status_code == 200, response.text

    async def test_no_token_is_401_with_challenge(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/v1/regions")
        assert_problem(response, 401, "UNAUTHENTICATED")
        assert response.headers["www-authenticate"].startswith("Bearer")

    async def test_a_valid_token_passes(self, client: httpx.AsyncClient) -> None:
        response = await client.get(
            "/v1/regions", headers=bearer(make_token("pemda", region="3514"))
        )
        assert response.status_code == 200


class TestRememberedTokens:
    """A verified token is remembered until it expires; the cache never widens what passes."""

    def test_an_expired_remembered_token_is_refused(self, monkeypatch: pytest.MonkeyPatch) -> None:
        settings = get_settings()
        token = hs256(claims(exp=int(time.time()) + 60), settings.jwt_secret.encode())
        assert verify_token(settings, token)["sub"] == "pemda-3514"
        later = time.time() + 120
        monkeypatch.setattr(time, "time", lambda: later)
        with pytest.raises(InvalidToken):
            verify_token(settings, token)

    def test_a_remembered_token_is_not_accepted_under_another_secret(self) -> None:
        settings = get_settings()
        token = hs256(claims(), settings.jwt_secret.encode())
        verify_token(settings, token)
        other = settings.model_copy(update={"jwt_secret": "x" * 40})
        with pytest.raises(InvalidToken):
            verify_token(other, token)

    async def test_an_expiry_written_as_text_answers_twice_without_a_500(
        self, client: httpx.AsyncClient
    ) -> None:
        token = hs256(claims(exp=str(int(time.time()) + 300)), get_settings().jwt_secret.encode())
        for _ in range(2):
            response = await client.get("/v1/programs", headers=bearer(token))
            assert response.status_code in (200, 401), response.text
