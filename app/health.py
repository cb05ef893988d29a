"""Liveness and readiness probes."""

from functools import lru_cache
from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory
from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from sqlalchemy import text

from app.db import database
from app.errors import DomainError, error_responses, problem_response
from app.i18n import msg

router = APIRouter(tags=["health"])

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


class NotReady(DomainError):
    status, code, title = 503, "NOT_READY", "Not ready"


class Health(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"status": "ok"}]})

    status: str


class Readiness(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"status": "ok", "database": "reachable", "migration": "b6c2f0d1e8a4"}]
        }
    )

    status: str
    database: str
    migration: str


@lru_cache(maxsize=1)
def head_revision() -> str | None:
    """The newest migration this code knows (read once: the scripts do not change at run time)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config).get_current_head()


@router.get("/healthz", response_model=Health)
async def healthz() -> Health:
    """The process is up."""
    return Health(status="ok")


@router.get("/readyz", response_model=Readiness, responses=error_responses(NotReady))
async def readyz() -> Readiness | JSONResponse:
    """The database answers and its schema is at the newest migration."""
    try:
        database.get_sessionmaker()
        assert database.reader is not None
        async with database.reader.connect() as connection:
            current = (
                await connection.execute(text("SELECT version_num FROM alembic_version"))
            ).scalar()
    except Exception:  # any failure to reach or read the database means "not ready"
        return problem_response(
            NotReady.status,
            NotReady.code,
            NotReady.title,
            msg("health.unreachable"),
            headers={"Retry-After": "5"},
        )
    head = head_revision()
    if current != head:
        return problem_response(
            NotReady.status,
            NotReady.code,
            NotReady.title,
            msg("health.migration", current=current, head=head),
        )
    return Readiness(status="ok", database="reachable", migration=str(current))
