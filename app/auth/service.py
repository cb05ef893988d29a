"""API clients and the OAuth2 client-credentials grant."""

import re
import secrets

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.auth.models import ApiClient
from app.auth.scopes import BPJS_ONLY_SCOPES, DEFAULT_SCOPES, Role, Scope
from app.auth.secrets import generate_secret, hash_secret, verify_secret
from app.auth.subject import REGION_CODE
from app.auth.tokens import issue_token
from app.config import Settings
from app.db import utcnow
from app.errors import DomainError
from app.i18n import Message, msg
from app.regions.models import Region

_DUMMY_HASH = hash_secret(secrets.token_urlsafe(16))
CLIENT_ID = re.compile(r"^[A-Za-z0-9._-]{3,64}$")


class OAuthError(DomainError):
    """Token endpoint errors also carry RFC 6749's `error` member, and are never cached."""

    status, code, title = 400, "INVALID_REQUEST", "The token request is not valid"
    oauth_error = "invalid_request"

    def __init__(self, detail: Message, headers: dict[str, str] | None = None) -> None:
        super().__init__(
            detail,
            headers={"Cache-Control": "no-store"} | (headers or {}),
            extra={"error": self.oauth_error, "error_description": detail},
        )


class InvalidClient(OAuthError):
    status, code, title = 401, "INVALID_CLIENT", "Client authentication failed"
    oauth_error = "invalid_client"


class UnsupportedGrantType(OAuthError):
    status, code, title = 400, "UNSUPPORTED_GRANT_TYPE", "Only client_credentials is supported"
    oauth_error = "unsupported_grant_type"


class InvalidScope(OAuthError):
    status, code, title = 400, "INVALID_SCOPE", "A requested scope is not allowed"
    oauth_error = "invalid_scope"


class InvalidClientDefinition(ValueError):
    """Raised by the CLI when a client would be inconsistent."""


def validate_client_shape(
    role: Role, region: str | None, regions: list[str] | None, scopes: frozenset[str]
) -> None:
    unknown = scopes - {s.value for s in Scope}
    if unknown:
        raise InvalidClientDefinition(f"unknown scopes: {' '.join(sorted(unknown))}")
    if role is Role.pemda and (region is None or not REGION_CODE.match(region)):
        raise InvalidClientDefinition("a pemda client needs --region with a 4-digit code")
    if role is not Role.pemda and region is not None:
        raise InvalidClientDefinition("only a pemda client has a single --region")
    if regions is not None and (
        role is not Role.bpjs or not all(REGION_CODE.match(r) for r in regions)
    ):
        raise InvalidClientDefinition("--regions is for BPJS branch clients, 4-digit codes")
    if role is not Role.bpjs and scopes & BPJS_ONLY_SCOPES:
        raise InvalidClientDefinition("BPJS-only scopes are for bpjs clients")


async def create_client(
    session: AsyncSession,
    *,
    client_id: str,
    name: str,
    role: Role,
    region: str | None = None,
    regions: list[str] | None = None,
    scopes: frozenset[str] | None = None,
) -> tuple[ApiClient, str]:
    """Register a client; the plain secret is returned once and never stored."""
    if not CLIENT_ID.match(client_id):
        raise InvalidClientDefinition("client id: 3-64 letters, digits, '.', '_' or '-'")
    granted = scopes if scopes is not None else DEFAULT_SCOPES[role]
    validate_client_shape(role, region, regions, granted)
    if await session.get(ApiClient, client_id) is not None:
        raise InvalidClientDefinition(f"client {client_id} exists")
    await _require_regions(session, [region] if region else regions or [])
    secret = generate_secret()
    client = ApiClient(
        client_id=client_id,
        name=name,
        secret_hash=hash_secret(secret),
        role=role.value,
        region_code=region,
        regions=regions,
        scopes=" ".join(sorted(granted)),
    )
    session.add(client)
    await session.flush()
    return client, secret


async def grant_client_credentials(
    session: AsyncSession,
    settings: Settings,
    client_id: str,
    client_secret: str,
    requested_scope: str | None,
) -> tuple[str, list[str]]:
    client = await session.get(ApiClient, client_id) if CLIENT_ID.match(client_id) else None
    if client is None:
        verify_secret(client_secret, _DUMMY_HASH)  # same work either way: no client oracle
        raise InvalidClient(msg("auth.client_unknown"))
    if not verify_secret(client_secret, client.secret_hash) or not client.active:
        raise InvalidClient(msg("auth.client_unknown"))
    allowed = set(client.scopes.split())
    requested = set(requested_scope.split()) if requested_scope else allowed
    if not requested <= allowed:
        raise InvalidScope(
            msg("auth.scope_not_allowed", scopes=" ".join(sorted(requested - allowed)))
        )
    scopes = sorted(requested)
    token = issue_token(
        settings,
        client.client_id,
        client.token_claims(scopes),
        settings.token_ttl_seconds,
        not_before=client.tokens_not_before,
    )
    return token, scopes


async def _require_regions(session: AsyncSession, codes: list[str]) -> None:
    if not codes:
        return
    known = set((await session.exec(select(Region.code).where(col(Region.code).in_(codes)))).all())
    unknown = sorted(set(codes) - known)
    if unknown:
        raise InvalidClientDefinition(
            f"unknown region {', '.join(unknown)}: import the regions first "
            "(python -m app regions import FILE)"
        )


async def list_clients(session: AsyncSession) -> list[ApiClient]:
    return list((await session.exec(select(ApiClient).order_by(col(ApiClient.client_id)))).all())


async def _client(session: AsyncSession, client_id: str) -> ApiClient:
    client = await session.get(ApiClient, client_id, with_for_update=True)
    if client is None:
        raise InvalidClientDefinition(f"no client {client_id}")
    return client


async def rotate_secret(session: AsyncSession, client_id: str) -> tuple[ApiClient, str]:
    """A new secret, returned once; the old one and every token issued with it stop working."""
    client = await _client(session, client_id)
    secret = generate_secret()
    client.secret_hash = hash_secret(secret)
    client.tokens_revoked_at = utcnow()
    await session.flush()
    return client, secret


async def set_active(session: AsyncSession, client_id: str, *, active: bool) -> ApiClient:
    """Disable a client (no new tokens; its tokens stop working) or enable it again. Tokens
    issued before a disable stay refused after the enable: the client asks for new ones."""
    client = await _client(session, client_id)
    if client.active != active:
        client.active = active
        if not active:
            client.tokens_revoked_at = utcnow()
        await session.flush()
    return client
