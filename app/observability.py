"""Request ids, the caller and the language of the current request, and logs that never
carry a NIK."""

import logging
import re
import uuid
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

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
# Any run of 16 digits may be a NIK (or a KK number), however it is spelled: with up to three
# separators between digits (spaces, dots, dashes, `+`, `_`, `/`), percent-encoded or not
# (`%2E`, `%33` for 3). Logs keep its last four digits. Colons and commas do not separate: a
# timestamp (`2026-11-23 16:11:05,123`) is no NIK.
_SIXTEEN_DIGITS = re.compile(r"(?<!\d)\d(?:[\s.+_/\-]{0,3}\d){15}(?!\d)")
_PERCENT_DECODINGS = 3  # `%25` is `%`: a value encoded twice or thrice is decoded as often


def _mask_match(match: re.Match[str]) -> str:
    return "*" * 12 + re.sub(r"\D", "", match.group())[-4:]


def _decoded(text: str) -> str:
    for _ in range(_PERCENT_DECODINGS):
        decoded = unquote(text)
        if decoded == text:
            break
        text = decoded
    return text


def mask_digits(text: str) -> str:
    """The text with every NIK masked. Text holding percent-escapes is looked at decoded, and
    written decoded only when it held a NIK (else exactly as it came)."""
    masked = _SIXTEEN_DIGITS.sub(_mask_match, text)
    if "%" not in masked:
        return masked
    decoded = _decoded(masked)
    if _SIXTEEN_DIGITS.search(decoded) is None:
        return masked
    return _SIXTEEN_DIGITS.sub(_mask_match, decoded)


def _request_id(incoming: str) -> str:
    """The caller's id if sane, else a new one; never one that looks like a NIK: audit events
    keep the id as it is, and JSON logs would mask it (about one uuid4 hex in a hundred
    holds a run of 16 decimal digits)."""
    if _SAFE_REQUEST_ID.match(incoming) and not _SIXTEEN_DIGITS.search(incoming):
        return incoming
    while _SIXTEEN_DIGITS.search(rid := uuid.uuid4().hex):
        pass
    return rid


class MaskingFormatter(logging.Formatter):
    """Another formatter's line, masked as a whole: what a filter cannot reach (a traceback,
    an exception's text, a field a formatter adds) is masked too."""

    def __init__(self, inner: logging.Formatter | None = None) -> None:
        super().__init__()
        self.inner = inner or logging.Formatter()

    def format(self, record: logging.LogRecord) -> str:
        return mask_digits(self.inner.format(record))


def masks_its_lines(formatter: logging.Formatter | None) -> bool:
    return getattr(formatter, "masks_lines", False) or isinstance(formatter, MaskingFormatter)


def install_log_masking() -> None:
    """Every handler of every logger masks what it writes, whoever configured it (the CLI's
    `serve` does through its own formatters; a plain `uvicorn app.main:app` or a process
    manager's configuration does not). Handlers, not loggers: a record logged on a child
    logger (`app.enrolments.service`) passes through its ancestors' handlers but not through
    their filters."""
    loggers = [logging.getLogger()] + [
        logger
        for logger in list(logging.root.manager.loggerDict.values())
        if isinstance(logger, logging.Logger)
    ]
    for handler in {handler for logger in loggers for handler in logger.handlers}:
        if not masks_its_lines(handler.formatter):
            handler.setFormatter(MaskingFormatter(handler.formatter))


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
