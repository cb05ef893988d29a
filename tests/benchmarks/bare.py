"""The baseline: a bare FastAPI + SQLAlchemy-async app doing one indexed SELECT per request.

    DATABASE_URL=postgresql+asyncpg://… uvicorn tests.benchmarks.bare:app

Started by the benchmark on the same database, with the same server and worker count as the
service, so that every ratio it prints compares like with like.
"""

import os
import uuid
from typing import Any

from fastapi import FastAPI, HTTPException
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

# The service's pool settings (DATABASE_POOL_SIZE's default), so both hold as many connections.
engine = create_async_engine(os.environ["DATABASE_URL"], pool_size=20, max_overflow=0)
app = FastAPI()

READ = text("SELECT id, name, budget_idr, committed_idr FROM programs WHERE id = :id")


@app.get("/programs/{program_id}")
async def read_program(program_id: uuid.UUID) -> dict[str, Any]:
    async with engine.connect() as connection:
        row = (await connection.execute(READ, {"id": program_id})).mappings().first()
    if row is None:
        raise HTTPException(404)
    return dict(row)
