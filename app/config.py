"""Settings read from the environment (DESIGN.md §1)."""

import ipaddress
from datetime import date
from enum import StrEnum
from functools import lru_cache
from typing import Self

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

# Only for APP_ENV=development: a fixed key so that demo tokens survive restarts.
DEVELOPMENT_SECRET = "development-only-secret-do-not-use-in-production"  # noqa: S105
MIN_SECRET_BYTES = 32
# The async drivers the engine is built for (DESIGN §1).
DATABASE_DRIVERS = frozenset({"sqlite+aiosqlite", "postgresql+asyncpg"})


class AppEnv(StrEnum):
    development = "development"
    production = "production"


class LogFormat(StrEnum):
    text = "text"  # uvicorn's lines, as they have always been
    json = "json"  # one JSON object a line, for log collectors


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=None, extra="ignore")

    database_url: str = "sqlite+aiosqlite:///./jamsos_rentan.db"
    jwt_secret: str = ""
    jwt_issuer: str = "jamsos-rentan"
    jwt_audience: str = "jamsos-rentan-api"
    jwt_public_key: str | None = None
    app_env: AppEnv = AppEnv.development
    token_ttl_seconds: int = Field(default=3600, ge=60, le=86400)
    # JSON bodies are small; CSV rosters are the big ones (28,448 rows ≈ 3 MB).
    max_json_body_bytes: int = 1_000_000
    max_csv_body_bytes: int = 20_000_000
    max_csv_rows: int = 100_000
    # The business date (DESIGN §3): outside production it may be fixed for the whole process,
    # so that a trainer or an acceptance tester can replay a programme year.
    app_today: date | None = None
    # Observability (README): logs as text or one JSON object a line; Prometheus metrics at
    # /metrics, by default in development only; when METRICS_TOKEN is set, a scrape sends it.
    log_format: LogFormat = LogFormat.text
    metrics_enabled: bool | None = None
    metrics_token: str | None = None
    # Worker processes of `python -m app serve` and the container: one per core is the usual
    # start (each holds its own pool of DATABASE_POOL_SIZE PostgreSQL connections).
    web_concurrency: int = Field(default=1, ge=1, le=64)
    # PostgreSQL connections per worker process (workers × pool ≤ the server's max_connections).
    database_pool_size: int = Field(default=20, ge=1, le=500)
    # A request waits this long for a connection (a free one of the pool, or a new one being
    # opened), then answers 503 with Retry-After: a client told to come back beats one held
    # until its own timeout gives up.
    database_pool_timeout_seconds: float = Field(default=5, gt=0, le=600)
    # PostgreSQL: a request's statement running (or waiting for a lock) longer is cancelled
    # and the request answers 503 with Retry-After; 0: no limit. Bulk work (a roster import,
    # an invoice) gets the bulk limit for its transaction; migrations run without a limit.
    database_statement_timeout_seconds: float = Field(default=30, ge=0, le=3600)
    database_bulk_statement_timeout_seconds: float = Field(default=600, ge=0, le=86400)
    # Peers whose X-Forwarded-For / X-Forwarded-Proto uvicorn believes: the reverse proxy's
    # addresses or networks, comma-separated. Anyone else could forge a client address.
    forwarded_allow_ips: str = "127.0.0.1"
    # A disabled client's (or a rotated secret's) tokens are refused within this many seconds:
    # each process re-reads a client's status at most this often (0: on every request).
    client_status_ttl_seconds: int = Field(default=30, ge=0, le=300)
    # An Idempotency-Key is honoured this long; a later retry runs afresh (`python -m app purge`).
    idempotency_retention_hours: int = Field(default=24, ge=1, le=24 * 90)
    # Requests an API client may make a minute, in each worker process, with a burst of as
    # many (app/rate_limit.py); 0: no limit. Generous: it stops a runaway script, not a pemda.
    rate_limit_per_minute: int = Field(default=600, ge=0, le=1_000_000)

    @field_validator("database_url")
    @classmethod
    def _database_driver(cls, url: str) -> str:
        # The value is never echoed: it may hold a password.
        try:
            driver = make_url(url).drivername
        except ArgumentError:
            driver = None
        if driver not in DATABASE_DRIVERS:
            raise ValueError(
                "must be sqlite+aiosqlite:///PATH or postgresql+asyncpg://USER:PASSWORD@HOST/NAME"
            )
        return url

    @field_validator("forwarded_allow_ips")
    @classmethod
    def _proxy_addresses(cls, value: str) -> str:
        entries = [entry.strip() for entry in value.split(",")]
        if entries == ["*"]:
            return "*"  # every peer: only where nothing but the proxy can reach the service
        for entry in entries:
            try:
                ipaddress.ip_network(entry)  # strict, as uvicorn reads it
            except ValueError:
                raise ValueError(
                    "each entry must be an IP address or a network such as 10.0.0.0/8 (or * alone)"
                ) from None
        return ",".join(entries)

    @model_validator(mode="after")
    def _secret_strength(self) -> Self:
        if not self.jwt_secret and self.app_env is AppEnv.development:
            self.jwt_secret = DEVELOPMENT_SECRET
        if not self.jwt_secret:
            raise ValueError(
                f"JWT_SECRET is required in production (at least {MIN_SECRET_BYTES} bytes)"
            )
        if len(self.jwt_secret.encode()) < MIN_SECRET_BYTES:
            raise ValueError(f"JWT_SECRET must be at least {MIN_SECRET_BYTES} bytes")
        if self.app_today is not None and self.app_env is AppEnv.production:
            raise ValueError(
                "APP_TODAY fixes the business date for training; unset it in production"
            )
        return self

    @model_validator(mode="after")
    def _metrics_token_strength(self) -> Self:
        self.metrics_token = self.metrics_token or None
        if self.metrics_token is not None and len(self.metrics_token.encode()) < MIN_SECRET_BYTES:
            raise ValueError(f"METRICS_TOKEN must be at least {MIN_SECRET_BYTES} bytes")
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def metrics_on(self) -> bool:
        """METRICS_ENABLED if set, else on in development only."""
        if self.metrics_enabled is not None:
            return self.metrics_enabled
        return self.app_env is AppEnv.development


@lru_cache
def get_settings() -> Settings:
    return Settings()


async def current_settings() -> Settings:
    """The settings as a request dependency (async: no thread-pool hop per request)."""
    return get_settings()


def describe(error: ValidationError) -> str:
    """A configuration mistake in one line, naming the variables, never their values."""
    parts = []
    for item in error.errors():
        where = "_".join(str(part) for part in item["loc"]).upper()
        message = item["msg"].removeprefix("Value error, ")
        parts.append(f"{where}: {message}" if where else message)
    return "invalid settings: " + "; ".join(parts)
