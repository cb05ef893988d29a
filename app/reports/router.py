import uuid
from typing import Annotated

from fastapi import APIRouter, Security

from app.auth.dependencies import AUTH_ERRORS, authenticate
from app.auth.scopes import Scope
from app.auth.subject import Subject
from app.db import SessionDep
from app.errors import error_responses
from app.programs.repository import ProgramNotFound, get_visible
from app.reports.schemas import ProgramReport
from app.reports.service import program_report

router = APIRouter(prefix="/v1/reports", tags=["reports"])

ReportReader = Annotated[Subject, Security(authenticate, scopes=[Scope.reports_read])]


@router.get(
    "/programs/{program_id}",
    response_model=ProgramReport,
    responses=error_responses(*AUTH_ERRORS, ProgramNotFound),
)
async def get_program_report(
    program_id: uuid.UUID, subject: ReportReader, session: SessionDep
) -> ProgramReport:
    """A programme's money, enrolments, coverage today and claims."""
    return await program_report(session, await get_visible(session, subject, program_id))
