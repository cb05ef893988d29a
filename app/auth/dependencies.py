"""Security dependencies: each endpoint declares its scope, so OpenAPI shows it."""

from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.openapi.models import OAuthFlowClientCredentials, OAuthFlows
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer, OAuth2, SecurityScopes

from app.auth.client_status import token_holds
from app.auth.scopes import BPJS_ONLY_SCOPES, SCOPE_DESCRIPTIONS, Role
from app.auth.subject import Subject
from app.auth.tokens import InvalidToken, verify
from app.config import Settings, current_settings
from app.errors import Forbidden, Unauthenticated
from app.i18n import msg
from app.observability import current_actor
from app.rate_limit import admit_client

TOKEN_URL = "/v1/auth/token"  # noqa: S105 (a path, not a secret)

oauth2_scheme = OAuth2(
    flows=OAuthFlows(
        clientCredentials=OAuthFlowClientCredentials(tokenUrl=TOKEN_URL, scopes=SCOPE_DESCRIPTIONS)
    ),
    scheme_name="OAuth2ClientCredentials",
    description="Client credentials of an API client (`python -m app clients create`).",
    auto_error=False,
)
bearer_scheme = HTTPBearer(
    bearerFormat="JWT",
    scheme_name="BearerJWT",
    description="A JWT from `POST /v1/auth/token` (or an RS256 token of the identity provider).",
    auto_error=False,
)


def _challenge(scopes: SecurityScopes, error: str | None = None) -> dict[str, str]:
    value = 'Bearer realm="jamsos-rentan"'
    if error:
        value += f', error="{error}"'
    if scopes.scopes:
        value += f', scope="{scopes.scope_str}"'
    return {"WWW-Authenticate": value}


async def authenticate(
    request: Request,
    security_scopes: SecurityScopes,
    settings: Annotated[Settings, Depends(current_settings)],
    _oauth: Annotated[str | None, Depends(oauth2_scheme)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> Subject:
    """Verify the bearer token, then both locks: the scope, and the role for BPJS-only work."""
    if credentials is None:
        raise Unauthenticated(msg("auth.token_required"), headers=_challenge(security_scopes))
    try:
        verified = verify(settings, credentials.credentials)
        subject = Subject.from_claims(verified.claims)
        if verified.issued_here and not await token_holds(
            verified.claims, settings.client_status_ttl_seconds
        ):
            raise InvalidToken("client disabled, or its tokens revoked")
    except (InvalidToken, ValueError, KeyError):
        raise Unauthenticated(
            msg("auth.token_invalid"),
            headers=_challenge(security_scopes, "invalid_token"),
        ) from None
    current_actor.set(subject)
    # Charged only once the token is verified: a forged `sub` must not spend a real client's
    # allowance.
    admit_client(subject.sub, settings)
    missing = [s for s in security_scopes.scopes if s not in subject.scopes]
    if missing:
        raise Forbidden(
            msg("auth.scope_missing", scopes=" ".join(missing)),
            headers=_challenge(security_scopes, "insufficient_scope"),
        )
    if subject.role is not Role.bpjs and BPJS_ONLY_SCOPES.intersection(security_scopes.scopes):
        raise Forbidden(
            msg("auth.bpjs_only"),
            headers=_challenge(security_scopes, "insufficient_scope"),
        )
    return subject


AnyToken = Annotated[Subject, Security(authenticate)]

AUTH_ERRORS = (Unauthenticated, Forbidden)
