"""Settings read from the environment (DESIGN.md §1)."""

from datetime import date
from enum import StrEnum
from functools import lru_cache
from typing import Self

from pydantic import Field, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Only for APP_ENV=development: a fixed key so that demo tokens survive restarts.
DEVELOPMENT_SECRET = "development-only-secret-do-not-use-in-production"  # noqa: S105
MIN_SECRET_BYTES = 32


class AppEnv(StrEnum):
    development = "development"
    production = "production"


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
    # Worker processes of `python -m app serve` and the container: one per core is the usual
    # start (each holds its own pool of DATABASE_POOL_SIZE PostgreSQL connections).
    web_concurrency: int = Field(default=1, ge=1, le=64)
    # PostgreSQL connections per worker process (workers × pool ≤ the server's max_connections).
    database_pool_size: int = Field(default=20, ge=1, le=500)
    database_pool_timeout_seconds: float = Field(default=30, gt=0, le=600)

    @model_validator(mode="after")
    def _secret_strength(self) -> Self:
        if not self.jwt_secret and self.app_env is AppEnv.development:
            self.jwt_secret = DEVELOPMENT_SECRET
        if len(self.jwt_secret.encode()) < MIN_SECRET_BYTES:
            raise ValueError(f"JWT_SECRET must be at least {MIN_SECRET_BYTES} bytes")
        if self.app_today is not None and self.app_env is AppEnv.production:
            raise ValueError(
                "APP_TODAY fixes the business date for training; unset it in production"
            )
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


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
