import base64
import binascii
from collections.abc import Callable, Coroutine
from typing import Annotated, Any, ClassVar

from fastapi import APIRouter, Depends, Form, Header, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict, Field

from app.auth import service
from app.config import Settings, current_settings
from app.db import SessionDep
from app.errors import DomainError, error_responses
from app.i18n import msg
from app.rate_limit import limit_by_address


class OAuthRoute(APIRoute):
    """RFC 6749 §5.2: a token request that is malformed (a parameter missing, too long or
    repeated) is 400 `invalid_request`, not the API's usual 422."""

    validation_error: ClassVar[type[DomainError]] = service.OAuthError  # for the OpenAPI codes

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except RequestValidationError as exc:
                fields = sorted({str(e["loc"][-1]) for e in exc.errors() if e.get("loc")})
                raise service.OAuthError(
                    msg("auth.form_invalid", fields=", ".join(fields))
                ) from None

        return handle


router = APIRouter(prefix="/v1/auth", tags=["auth"], route_class=OAuthRoute)


class TokenRequest(BaseModel):
    """OAuth2 client credentials (RFC 6749 §4.4); the client may send its id and secret as
    HTTP Basic instead."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "grant_type": "client_credentials",
                "client_id": "pemda-3514",
                "client_secret": "s3cr3t-from-the-operator",
            }
        }
    )

    grant_type: str = Field(max_length=40, examples=["client_credentials"])
    client_id: str | None = Field(default=None, max_length=64, examples=["pemda-3514"])
    client_secret: str | None = Field(default=None, max_length=200)
    scope: str | None = Field(
        default=None,
        max_length=1000,
        description="Space-separated scopes; default: every scope of the client.",
        examples=["programs:read enrolments:read"],
    )


class TokenResponse(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "access_token": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJwZW1kYS0zNTE0In0.c2ln",
                "token_type": "bearer",
                "expires_in": 3600,
                "scope": "programs:read enrolments:read enrolments:write",
            }
        }
    )

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
        raise service.InvalidClient(msg("auth.basic_malformed")) from None
    client_id, sep, secret = decoded.partition(":")
    if not sep:
        raise service.InvalidClient(msg("auth.basic_malformed"))
    return client_id, secret


@router.post(
    "/token",
    response_model=TokenResponse,
    dependencies=[Depends(limit_by_address)],
    responses=error_responses(
        service.OAuthError,
        service.UnsupportedGrantType,
        service.InvalidScope,
        service.InvalidClient,
    ),
)
async def issue_token(
    session: SessionDep,
    response: Response,
    settings: Annotated[Settings, Depends(current_settings)],
    form: Annotated[TokenRequest, Form()],
    authorization: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> TokenResponse:
    """Issue an access token by OAuth2 client credentials (form body or HTTP Basic).
    Errors follow RFC 6749 §5.2: 400 `invalid_request`, `unsupported_grant_type` or
    `invalid_scope`, 401 `invalid_client`, in the `error` member."""
    response.headers["Cache-Control"] = "no-store"  # RFC 6749 §5.1
    if form.grant_type != "client_credentials":
        raise service.UnsupportedGrantType(msg("auth.grant_type"))
    client_id, client_secret = form.client_id, form.client_secret
    basic = _basic_credentials(authorization)
    if basic is not None:
        client_id, client_secret = basic
    if not client_id or client_secret is None:
        raise service.InvalidClient(msg("auth.credentials_missing"))
    token, scopes = await service.grant_client_credentials(
        session, settings, client_id, client_secret, form.scope
    )
    return TokenResponse(
        access_token=token, expires_in=settings.token_ttl_seconds, scope=" ".join(scopes)
    )
