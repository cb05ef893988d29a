import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Security, status

from app.auth.dependencies import AUTH_ERRORS, authenticate
from app.auth.scopes import Scope
from app.auth.subject import Subject
from app.db import SessionDep
from app.errors import IDEMPOTENCY_ERRORS, Unprocessable, error_responses
from app.idempotency import IdempotencyDep
from app.pagination import Page, PageParams, page_params
from app.programs import repository, service
from app.programs.models import ProgramStatus
from app.programs.schemas import ProgramCreate, ProgramPublic, ProgramUpdate

router = APIRouter(prefix="/v1/programs", tags=["programs"])

ProgramReader = Annotated[Subject, Security(authenticate, scopes=[Scope.programs_read])]
ProgramWriter = Annotated[Subject, Security(authenticate, scopes=[Scope.programs_write])]
NOT_FOUND = (repository.ProgramNotFound,)


@router.post(
    "",
    response_model=ProgramPublic,
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(
        *AUTH_ERRORS, *IDEMPOTENCY_ERRORS, Unprocessable, service.UnknownRegion
    ),
)
async def create_program(
    body: ProgramCreate, subject: ProgramWriter, session: SessionDep, idempotency: IdempotencyDep
) -> ProgramPublic | object:
    """Create a programme: one region's funding for one fiscal year."""

    async def create() -> ProgramPublic:
        return service.to_public(await service.create_program(session, subject, body))

    return await idempotency.respond(session, subject, 201, create, location="/v1/programs/{id}")


@router.get("", response_model=Page[ProgramPublic], responses=error_responses(*AUTH_ERRORS))
async def list_programs(
    subject: ProgramReader,
    session: SessionDep,
    params: Annotated[PageParams, Depends(page_params)],
    fiscal_year: Annotated[int | None, Query(ge=2015, le=2100)] = None,
    status: ProgramStatus | None = None,
) -> Page[ProgramPublic]:
    """List the programmes of the caller's territory."""
    rows, cursor = await repository.list_visible(
        session, subject, params, fiscal_year=fiscal_year, status=status
    )
    return Page(items=await service.publish(session, rows), next_cursor=cursor)


@router.get(
    "/{program_id}",
    response_model=ProgramPublic,
    responses=error_responses(*AUTH_ERRORS, *NOT_FOUND),
)
async def get_program(
    program_id: uuid.UUID, subject: ProgramReader, session: SessionDep
) -> ProgramPublic:
    """Read a programme with its budget figures."""
    program, money = await repository.read_visible(session, subject, program_id)
    return service.to_public(program, service.Billed(*money))


@router.patch(
    "/{program_id}",
    response_model=ProgramPublic,
    responses=error_responses(
        *AUTH_ERRORS, *NOT_FOUND, Unprocessable, service.BudgetBelowCommitted
    ),
)
async def update_program(
    program_id: uuid.UUID, body: ProgramUpdate, subject: ProgramWriter, session: SessionDep
) -> ProgramPublic:
    """Revise the budget, goal or cap, or close the programme."""
    program = await repository.get_visible(session, subject, program_id, for_update=True)
    program = await service.update_program(session, subject, program, body)
    return (await service.publish(session, [program]))[0]
