"""Logs as uvicorn's text lines or as one JSON object a line (LOG_FORMAT=json) for log
collectors; every line masked (no NIK, whatever its spelling) before it is written.

A small formatter of our own rather than python-json-logger: the fields are fixed (time,
level, logger, message, request_id, then the record's extra fields), every value must be
masked before it is serialised, and the request id comes from the request's context."""

import json
import logging
from datetime import UTC, datetime
from typing import Any

from uvicorn.logging import DefaultFormatter

from app.config import LogFormat, Settings
from app.observability import mask_digits, request_id

# What every LogRecord carries; anything else on a record came as `extra=`. uvicorn adds
# `color_message` (its message with terminal colours) to its own records.
_RECORD_ATTRIBUTES = frozenset(vars(logging.makeLogRecord({}))) | {
    "message",
    "asctime",
    "taskName",
    "color_message",
}


def _scrubbed(value: Any) -> Any:
    """The value with every 16-digit run masked, as JSON can hold it. A number long enough to
    be a NIK becomes its masked text: masking the serialised line instead could leave
    asterisks where JSON expects a number."""
    if isinstance(value, str):
        return mask_digits(value)
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        text = str(value)
        masked = mask_digits(text)
        return value if masked == text else masked
    if isinstance(value, dict):
        return {str(k): _scrubbed(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_scrubbed(v) for v in value]
    return mask_digits(str(value))


class JsonFormatter(logging.Formatter):
    masks_lines = True  # install_log_masking leaves it as it is

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": request_id.get(),
        }
        for key, value in vars(record).items():
            if key not in _RECORD_ATTRIBUTES:
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        try:
            line = json.dumps(entry, default=str)
        except TypeError:  # an extra field with keys JSON cannot hold: written as text
            return json.dumps(_scrubbed(entry))
        # Most lines hold nothing to mask: one look at the whole line instead of one on every
        # value. JSON escapes non-ASCII (`\\u…`), digits of other scripts too, so such lines
        # are always masked value by value.
        if "\\u" not in line and mask_digits(line) == line:
            return line
        return json.dumps(_scrubbed(entry))


class TextFormatter(DefaultFormatter):
    """uvicorn's own text lines (`INFO:     …`), masked as a whole: tracebacks included."""

    masks_lines = True  # install_log_masking leaves it as it is

    def format(self, record: logging.LogRecord) -> str:
        return mask_digits(super().format(record))


def _log_config(formatter: dict[str, Any]) -> dict[str, Any]:
    """Everything, uvicorn's own loggers included, goes through the root logger's one handler,
    on standard error (standard output stays the CLI's: `demo` prints its credentials there).
    uvicorn's access line is not among them: the app writes its own (app.access)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"line": formatter},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "line",
                "stream": "ext://sys.stderr",
            }
        },
        "loggers": {
            "uvicorn": {"level": "INFO", "handlers": [], "propagate": True},
            "uvicorn.error": {"level": "INFO", "handlers": [], "propagate": True},
            "uvicorn.access": {"level": "INFO", "handlers": [], "propagate": True},
            "alembic": {"level": "WARNING"},  # its plugins announce themselves when imported
        },
        "root": {"level": "INFO", "handlers": ["stderr"]},
    }


JSON_LOG_CONFIG = _log_config({"()": JsonFormatter})
TEXT_LOG_CONFIG = _log_config(
    {"()": TextFormatter, "fmt": "%(levelprefix)s %(message)s", "use_colors": None}
)


def uvicorn_logging(settings: Settings) -> dict[str, Any]:
    """uvicorn.run's logging options: the format chosen, every line masked, and the app's
    access line (by route template, with the request id, without query values) in place of
    uvicorn's (which writes the query string as it came)."""
    config = JSON_LOG_CONFIG if settings.log_format is LogFormat.json else TEXT_LOG_CONFIG
    return {"log_config": config, "access_log": False}
