"""Request ids, the caller and the language of the current request, and logs that never
carry a NIK."""

import logging
import re
import uuid
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app import i18n

if TYPE_CHECKING:
    from app.auth.subject import Subject

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
current_actor: ContextVar["Subject | None"] = ContextVar("current_actor", default=None)

REQUEST_ID_HEADER = "x-request-id"
ACCEPT_LANGUAGE = b"accept-language"
CONTENT_LANGUAGE = b"content-language"
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
# Any run of 16 digits may be a NIK (or a KK number), also when written with spaces, dots,
# dashes or URL-encoded spaces between them: logs keep only its last four digits.
_SIXTEEN_DIGITS = re.compile(r"(?<!\d)\d(?:(?:[ .\-]|%20)?\d){15}(?!\d)")


def _mask_match(match: re.Match[str]) -> str:
    return "*" * 12 + re.sub(r"\D", "", match.group())[-4:]


def mask_digits(text: str) -> str:
    return _SIXTEEN_DIGITS.sub(_mask_match, text)


def _request_id(incoming: str) -> str:
    """The caller's id if sane, else a new one; never one that looks like a NIK: audit events
    keep the id as it is, and JSON logs would mask it (about one uuid4 hex in a hundred
    holds a run of 16 decimal digits)."""
    if _SAFE_REQUEST_ID.match(incoming) and not _SIXTEEN_DIGITS.search(incoming):
        return incoming
    while _SIXTEEN_DIGITS.search(rid := uuid.uuid4().hex):
        pass
    return rid


def _masked(value: Any) -> Any:
    return mask_digits(value) if isinstance(value, str) else value


class MaskNikFilter(logging.Filter):
    """Masks the message and each argument in place, so that formatters that read the
    arguments themselves (uvicorn's access log does) keep working."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = _masked(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_masked(a) for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: _masked(v) for k, v in record.args.items()}
        return True


def install_log_masking() -> None:
    mask = MaskNikFilter()
    for name in ("", "uvicorn", "uvicorn.access", "uvicorn.error", "app"):
        logging.getLogger(name).addFilter(mask)
    for handler in logging.getLogger().handlers:
        handler.addFilter(mask)


class RequestContextMiddleware:
    """Gives each request an id (kept from a sane `X-Request-ID`, else new) and echoes it;
    sets the language `Accept-Language` negotiates, and says it on a response whose body
    rendered a message in it (problem documents say it themselves)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_headers = dict(scope["headers"])
        incoming = request_headers.get(REQUEST_ID_HEADER.encode(), b"").decode("latin-1")
        rid = _request_id(incoming)
        token = request_id.set(rid)
        actor_token = current_actor.set(None)
        accept_language = request_headers.get(ACCEPT_LANGUAGE, b"").decode("latin-1")
        language, language_token = i18n.enter(i18n.negotiate(accept_language or None))

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers: list[Any] = list(message.get("headers", []))
                headers.append((b"x-request-id", rid.encode()))
                if language.rendered and all(k.lower() != CONTENT_LANGUAGE for k, _ in headers):
                    headers += [
                        (k.lower().encode(), v.encode())
                        for k, v in i18n.response_headers(language.language).items()
                    ]
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            request_id.reset(token)
            current_actor.reset(actor_token)
            i18n.leave(language_token)
