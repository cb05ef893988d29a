import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Security

from app.auth.dependencies import AUTH_ERRORS, authenticate
from app.auth.scopes import Scope
from app.auth.subject import Subject
from app.db import SessionDep
from app.errors import error_responses
from app.pagination import Page, PageParams, page_params
from app.programs.costing import Occupation
from app.workers import nik as nik_rules
from app.workers import repository, service
from app.workers.schemas import WorkerPublic, WorkerSummary, WorkerUpdate

router = APIRouter(prefix="/v1/workers", tags=["workers"])

WorkerReader = Annotated[Subject, Security(authenticate, scopes=[Scope.workers_read])]
WorkerWriter = Annotated[Subject, Security(authenticate, scopes=[Scope.workers_write])]
NOT_FOUND = (repository.WorkerNotFound,)


@router.get("", response_model=Page[WorkerSummary], responses=error_responses(*AUTH_ERRORS))
async def list_workers(
    subject: WorkerReader,
    session: SessionDep,
    params: Annotated[PageParams, Depends(page_params)],
    nik: Annotated[str | None, Query(max_length=32, description="Exact NIK")] = None,
    occupation: Occupation | None = None,
    district: Annotated[str | None, Query(max_length=100)] = None,
    village: Annotated[str | None, Query(max_length=100)] = None,
) -> Page[WorkerSummary]:
    """List workers of the caller's territory (NIKs masked)."""
    rows, cursor = await repository.list_visible(
        session,
        subject,
        params,
        nik=nik_rules.normalise(nik) if nik else None,
        occupation=occupation,
        district=district,
        village=village,
    )
    return Page(items=[service.to_summary(w) for w in rows], next_cursor=cursor)


@router.get(
    "/{worker_id}", response_model=WorkerPublic, responses=error_responses(*AUTH_ERRORS, *NOT_FOUND)
)
async def get_worker(
    worker_id: uuid.UUID, subject: WorkerReader, session: SessionDep
) -> WorkerPublic:
    """Read one worker record."""
    worker = await repository.get_visible(session, subject, worker_id)
    return service.to_public(worker, deceased=await repository.is_deceased(session, worker.nik))


@router.patch(
    "/{worker_id}",
    response_model=WorkerPublic,
    responses=error_responses(*AUTH_ERRORS, *NOT_FOUND, service.NikMismatch),
)
async def update_worker(
    worker_id: uuid.UUID, body: WorkerUpdate, subject: WorkerWriter, session: SessionDep
) -> WorkerPublic:
    """Correct a worker record (audited)."""
    worker = await repository.get_visible(session, subject, worker_id)
    worker = await service.update_worker(session, subject, worker, body)
    return service.to_public(worker, deceased=await repository.is_deceased(session, worker.nik))
