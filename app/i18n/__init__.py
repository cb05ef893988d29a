"""English or Bahasa Indonesia (issue 10): `Accept-Language` picks the language of every
problem's `title` and `detail` and of every row reason's `detail`; English is the default.

The words live in the catalogue (`catalogue.py`), never at the raise site: the site names a
message and gives its values, `msg("region.unknown", code=code)`. That value is a `str` of
the English text — what logs, the CLI and comparisons see, exactly as before — that also
knows how to say itself in Indonesian when a response is written."""

import string
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar, Token
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Any

from app.i18n.catalogue import MESSAGES, TITLES
from app.negotiation import weight


class Language(StrEnum):
    en = "en"
    id = "id"


DEFAULT = Language.en
# By primary subtag (`id-ID` is Indonesian). `in` is ISO 639's withdrawn code for Indonesian,
# which older Java and Android clients still send.
_BY_SUBTAG = {"en": Language.en, "id": Language.id, "in": Language.id}
_TEMPLATES = {
    language: {key: texts[column] for key, texts in MESSAGES.items()}
    for column, language in enumerate(Language)  # each MESSAGES entry: (English, Indonesian)
}
_SEQUENCES = (list, tuple)
_JOINERS = {
    Language.en: {"": ", ", "and": " and ", "or": " or "},
    Language.id: {"": ", ", "and": " dan ", "or": " atau "},
}


@lru_cache(maxsize=256)
def negotiate(accept_language: str | None) -> Language:
    """RFC 9110 §12.5.4: the supported language with the highest weight, the first listed on
    a tie. `*`, languages the service does not speak, or no header at all: English."""
    best, best_quality = DEFAULT, 0.0
    for part in (accept_language or "").split(",")[:32]:
        tag, *params = part.split(";")
        language = _BY_SUBTAG.get(tag.strip().lower().partition("-")[0])
        if language is None:
            continue
        quality = weight(params)
        if quality > best_quality:
            best, best_quality = language, quality
    return best


@dataclass
class RequestLanguage:
    language: Language
    rendered: bool = False  # a message went into the body: the response says its language


_request_language: ContextVar[RequestLanguage | None] = ContextVar("request_language", default=None)


def current_language() -> Language:
    state = _request_language.get()
    return DEFAULT if state is None else state.language


def enter(language: Language) -> tuple[RequestLanguage, Token[RequestLanguage | None]]:
    """Start a request in `language` (the request middleware calls this)."""
    state = RequestLanguage(language)
    return state, _request_language.set(state)


def leave(token: Token[RequestLanguage | None]) -> None:
    _request_language.reset(token)


@contextmanager
def speaking(language: Language) -> Iterator[None]:
    """Render messages in `language` within the block (tests, scripts)."""
    _, token = enter(language)
    try:
        yield
    finally:
        leave(token)


def response_headers(language: Language) -> dict[str, str]:
    """Of a response whose words depend on `Accept-Language`."""
    return {"Content-Language": language.value, "Vary": "Accept-Language"}


class _Formatter(string.Formatter):
    """`str.format` with the language's conventions: nested messages in the same language,
    lists joined with `{x:and}` / `{x:or}` (`, ` by default), and `{n:,}` grouping thousands
    with dots in Indonesian (Rp 16.800)."""

    def __init__(self, language: Language) -> None:
        self.language = language

    def format_field(self, value: Any, format_spec: str) -> str:
        if isinstance(value, _SEQUENCES):
            joiner = _JOINERS[self.language][format_spec]
            return joiner.join(localise(v, self.language) for v in value)
        if isinstance(value, Message):
            value = value.render(self.language)
        text = format(value, format_spec)
        if self.language is Language.id and "," in format_spec and isinstance(value, int):
            text = text.replace(",", ".")
        return text


_FORMATTERS = {language: _Formatter(language) for language in Language}


def _format(message_id: str, params: Mapping[str, Any], language: Language) -> str:
    template = _TEMPLATES[language][message_id]
    if language is Language.en:
        for value in params.values():
            if isinstance(value, _SEQUENCES):
                break
        else:
            return template.format_map(params)  # the common case, at C speed
    return _FORMATTERS[language].vformat(template, (), params)


class Message(str):
    """A catalogue message: the `str` of its English text, plus its id and values to say it
    in another language (rendered once per language, then kept: a reason shared by 100,000
    roster rows is translated once)."""

    __slots__ = ("_rendered", "id", "params")

    id: str
    params: Mapping[str, Any]
    _rendered: dict[Language, str] | None

    def __new__(cls, message_id: str, /, **params: Any) -> "Message":
        self = super().__new__(cls, _format(message_id, params, Language.en))
        self.id = message_id
        self.params = params
        self._rendered = None
        return self

    def render(self, language: Language) -> str:
        if language is Language.en:
            return str.__str__(self)
        if self._rendered is None:
            self._rendered = {}
        text = self._rendered.get(language)
        if text is None:
            text = self._rendered[language] = _format(self.id, self.params, language)
        return text

    def __reduce__(self) -> tuple[Any, ...]:
        return _rebuild, (self.id, dict(self.params))


def _rebuild(message_id: str, params: dict[str, Any]) -> Message:
    return Message(message_id, **params)


def msg(message_id: str, /, **params: Any) -> Message:
    """The catalogue's message `message_id` with its values (KeyError for an unknown id)."""
    return Message(message_id, **params)


def localise(text: str, language: Language | None = None) -> str:
    """A message in `language` (default: the request's); any other text as it is."""
    if not isinstance(text, Message):
        return text
    return text.render(current_language() if language is None else language)


def localise_for_body(text: str) -> str:
    """As `localise`, for a message serialised into a response body: the request middleware
    then adds `Content-Language` and `Vary: Accept-Language` to the response."""
    if not isinstance(text, Message):
        return text
    state = _request_language.get()
    if state is None:
        return str.__str__(text)
    state.rendered = True
    return text.render(state.language)


def title(code: str, english: str, language: Language) -> str:
    """A problem's title: the class's own English one, or the catalogue's by `code`."""
    return english if language is Language.en else TITLES.get(code, english)
