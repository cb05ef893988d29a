"""JWT issue and verification: the only module that imports python-jose."""

import time
import uuid
from dataclasses import dataclass
from typing import Any

from jose import JWTError, jwt

from app.config import Settings

MAX_TOKEN_BYTES = 8192
MAX_SUBJECT_CHARS = 200  # the audit trail's actor column
HS_ALGORITHM = "HS256"
RS_ALGORITHM = "RS256"
# python-jose accepts a token without `aud` or `exp` unless these are demanded.
REQUIRED_CLAIMS = ("exp", "iat", "iss", "aud", "sub")
MAX_CLOCK_SKEW_SECONDS = 60


class InvalidToken(Exception):
    """The token is malformed, forged, expired or not meant for this service."""


@dataclass(frozen=True)
class VerifiedToken:
    claims: dict[str, Any]
    # Signed with JWT_SECRET: issued by this service, so its `sub` may be an API client of
    # ours. An RS256 token is the identity provider's, whose subjects are its own.
    issued_here: bool


def issue_token(
    settings: Settings,
    subject: str,
    claims: dict[str, Any],
    ttl: int,
    *,
    not_before: int | None = None,
) -> str:
    """A token signed with JWT_SECRET. `not_before` (epoch seconds): the client's tokens
    issued earlier are refused (app/auth/client_status.py), so this one's `iat` is no earlier."""
    now = max(int(time.time()), not_before or 0)
    payload = {
        **claims,
        "sub": subject,
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "iat": now,
        "exp": now + ttl,
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(payload, settings.jwt_secret, algorithm=HS_ALGORITHM)


def _key_for(settings: Settings, algorithm: Any) -> str:
    # The key is chosen by the algorithm from a fixed list, never the other way round:
    # an HS256 token is checked only against the shared secret, so a token "signed" with
    # the RS256 public key as an HMAC secret fails.
    if algorithm == HS_ALGORITHM:
        return settings.jwt_secret
    if algorithm == RS_ALGORITHM and settings.jwt_public_key:
        return settings.jwt_public_key
    raise InvalidToken("algorithm not accepted")


# Callers reuse a token for its whole life (an hour by default), and checking the signature
# and claims costs more than the rest of a small request. A token that verified once is
# remembered — keyed by the token itself and every setting that judged it — until it expires.
_VERIFIED_MAX = 4096
_verified: dict[tuple[str, ...], tuple[float, VerifiedToken]] = {}


def verify_token(settings: Settings, token: str) -> dict[str, Any]:
    """The claims of a valid token (InvalidToken otherwise)."""
    return verify(settings, token).claims


def verify(settings: Settings, token: str) -> VerifiedToken:
    if not token or len(token.encode()) > MAX_TOKEN_BYTES:
        raise InvalidToken("token missing or too long")
    key = (
        token,
        settings.jwt_secret,
        settings.jwt_public_key or "",
        settings.jwt_audience,
        settings.jwt_issuer,
    )
    remembered = _verified.get(key)
    if remembered is not None:
        expires, verified = remembered
        if expires > time.time():
            return VerifiedToken(dict(verified.claims), verified.issued_here)
        del _verified[key]
        raise InvalidToken("ExpiredSignatureError")
    algorithm, claims = _verify(settings, token)
    verified = VerifiedToken(claims, issued_here=algorithm == HS_ALGORITHM)
    try:
        expires = float(claims["exp"])  # python-jose also accepts a number written as text
    except (TypeError, ValueError):
        return verified  # verified, but not remembered
    if len(_verified) >= _VERIFIED_MAX:
        del _verified[next(iter(_verified))]  # the oldest entry
    _verified[key] = (expires, verified)
    return VerifiedToken(dict(claims), verified.issued_here)


def _verify(settings: Settings, token: str) -> tuple[str, dict[str, Any]]:
    try:
        header = jwt.get_unverified_header(token)
        algorithm = str(header.get("alg"))
        key = _key_for(settings, algorithm)
        claims = jwt.decode(
            token,
            key,
            algorithms=[algorithm],
            audience=settings.jwt_audience,
            issuer=settings.jwt_issuer,
            options={f"require_{claim}": True for claim in REQUIRED_CLAIMS}
            | {"verify_aud": True, "verify_iss": True, "verify_exp": True, "verify_iat": True},
        )
    except (JWTError, ValueError, TypeError, KeyError) as exc:
        raise InvalidToken(type(exc).__name__) from None
    if not isinstance(claims.get("sub"), str) or not 0 < len(claims["sub"]) <= MAX_SUBJECT_CHARS:
        raise InvalidToken("sub must be a string of 1-200 characters")
    # python-jose checks that `iat` is a number, not when: a token "issued" in the future
    # (a forged or wrongly clocked issuer) is refused beyond a minute of clock skew.
    try:
        issued_at = float(claims["iat"])
    except (TypeError, ValueError):
        raise InvalidToken("iat must be a number") from None
    if issued_at > time.time() + MAX_CLOCK_SKEW_SECONDS:
        raise InvalidToken("iat in the future")
    return algorithm, claims
