import base64
import binascii
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Header, Response
from pydantic import BaseModel

from app.auth import service
from app.config import Settings, current_settings
from app.db import SessionDep
from app.errors import error_responses

router = APIRouter(prefix="/v1/auth", tags=["auth"])


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = "bearer"  # noqa: S105
    expires_in: int
    scope: str


def _basic_credentials(authorization: str | None) -> tuple[str, str] | None:
    if not authorization or not authorization.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(authorization[6:].strip(), validate=True).decode()
    except (binascii.Error, ValueError):  # ValueError: non-ASCII text in the header
        raise service.InvalidClient("Malformed Basic credentials.") from None
    client_id, sep, secret = decoded.partition(":")
    if not sep:
        raise service.InvalidClient("Malformed Basic credentials.")
    return client_id, secret


@router.post(
    "/token",
    response_model=TokenResponse,
    responses=error_responses(service.OAuthError, service.InvalidClient),
)
async def issue_token(
    session: SessionDep,
    response: Response,
    settings: Annotated[Settings, Depends(current_settings)],
    grant_type: Annotated[str, Form(max_length=40)],
    client_id: Annotated[str | None, Form(max_length=64)] = None,
    client_secret: Annotated[str | None, Form(max_length=200)] = None,
    scope: Annotated[str | None, Form(max_length=1000)] = None,
    authorization: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> TokenResponse:
    """Issue an access token by OAuth2 client credentials (form body or HTTP Basic)."""
    response.headers["Cache-Control"] = "no-store"  # RFC 6749 §5.1
    if grant_type != "client_credentials":
        raise service.UnsupportedGrantType("Use grant_type=client_credentials.")
    basic = _basic_credentials(authorization)
    if basic is not None:
        client_id, client_secret = basic
    if not client_id or client_secret is None:
        raise service.InvalidClient("Send client_id and client_secret.")
    token, scopes = await service.grant_client_credentials(
        session, settings, client_id, client_secret, scope
    )
    return TokenResponse(
        access_token=token, expires_in=settings.token_ttl_seconds, scope=" ".join(scopes)
    )
