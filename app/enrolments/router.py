import asyncio
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request, Response, Security, status
from sqlmodel.ext.asyncio.session import AsyncSession

from app import clock
from app.auth.dependencies import AUTH_ERRORS, authenticate
from app.auth.scopes import Scope
from app.auth.subject import Subject
from app.billing.service import enrolment_coverage
from app.config import Settings, current_settings
from app.db import ReadSessionDep, SessionDep
from app.enrolments import (
    assessment,
    bulk,
    ending,
    export,
    importer,
    repository,
    roster,
    roster_template,
    service,
    verification,
)
from app.enrolments.models import Enrolment, EnrolmentStatus, TerminationReason
from app.enrolments.schemas import (
    PENDING_ENROLMENT_EXAMPLE,
    ActivateRequest,
    BulkActivateRequest,
    BulkActivateResult,
    EligibilityCheckRequest,
    EligibilityResult,
    EnrolmentCreate,
    EnrolmentPublic,
    ImportReport,
    RejectRequest,
    TerminateRequest,
)
from app.errors import (
    IDEMPOTENCY_ERRORS,
    InvalidState,
    PayloadTooLarge,
    Unprocessable,
    UnsupportedMediaType,
    error_responses,
)
from app.exports import FileFormat, file_responses, negotiate
from app.idempotency import IdempotencyDep
from app.months import Month
from app.pagination import Page, PageParams, page_params
from app.programs.repository import ProgramNotFound
from app.programs.repository import get_visible as get_program
from app.workers import nik as nik_rules

router = APIRouter(tags=["enrolments"])

EnrolmentReader = Annotated[Subject, Security(authenticate, scopes=[Scope.enrolments_read])]
EnrolmentWriter = Annotated[Subject, Security(authenticate, scopes=[Scope.enrolments_write])]
Verifier = Annotated[Subject, Security(authenticate, scopes=[Scope.enrolments_verify])]

PROGRAM_404 = (ProgramNotFound,)
ENROLMENT_404 = (repository.EnrolmentNotFound,)
STATE_409 = (InvalidState,)


async def publish(session: AsyncSession, enrolments: list[Enrolment]) -> list[EnrolmentPublic]:
    """Enrolments as the API shows them: masked NIK and today's derived coverage."""
    coverage = await enrolment_coverage(session, enrolments, clock.today())
    return [
        EnrolmentPublic.model_validate(
            e.model_dump()
            | {
                "nik_masked": nik_rules.mask(e.nik),
                "coverage": {
                    "status": coverage[e.id].status,
                    "covered": coverage[e.id].covered,
                    "paid_through": coverage[e.id].paid_through,
                },
            }
        )
        for e in enrolments
    ]


async def to_public(session: AsyncSession, enrolment: Enrolment) -> EnrolmentPublic:
    return (await publish(session, [enrolment]))[0]


@router.post(
    "/v1/eligibility-checks",
    response_model=EligibilityResult,
    responses=error_responses(*AUTH_ERRORS, *PROGRAM_404),
)
async def check_eligibility(
    body: EligibilityCheckRequest, subject: EnrolmentReader, session: ReadSessionDep
) -> EligibilityResult:
    """Would this person be accepted by this programme now? Nothing is stored."""
    return await assessment.check_eligibility(
        session, subject, body.program_id, body.worker, body.start_month
    )


@router.post(
    "/v1/programs/{program_id}/enrolments",
    response_model=EnrolmentPublic,
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(*AUTH_ERRORS, *PROGRAM_404, *IDEMPOTENCY_ERRORS, service.Ineligible)
    | {201: {"content": {"application/json": {"example": PENDING_ENROLMENT_EXAMPLE}}}},
)
async def enrol(
    program_id: uuid.UUID,
    body: EnrolmentCreate,
    subject: EnrolmentWriter,
    session: SessionDep,
    idempotency: IdempotencyDep,
) -> Any:
    """Enrol one worker: 201 `pending`, or 422 `INELIGIBLE` with every reason."""

    async def create() -> EnrolmentPublic:
        return await to_public(
            session,
            await service.enrol(session, subject, program_id, body.worker, body.start_month),
        )

    return await idempotency.respond(session, subject, 201, create, location="/v1/enrolments/{id}")


@router.post(
    "/v1/programs/{program_id}/enrolments/import",
    response_model=ImportReport,
    responses=error_responses(
        *AUTH_ERRORS,
        *PROGRAM_404,
        *IDEMPOTENCY_ERRORS,
        PayloadTooLarge,
        roster.TooManyRows,
        UnsupportedMediaType,
        roster.InvalidCsv,
        roster.InvalidXlsx,
        bulk.ImportInProgress,
        bulk.BulkBusy,
    ),
    openapi_extra={"requestBody": roster.REQUEST_BODY},
)
async def import_enrolments(
    program_id: uuid.UUID,
    request: Request,
    subject: EnrolmentWriter,
    session: SessionDep,
    idempotency: IdempotencyDep,
    settings: Annotated[Settings, Depends(current_settings)],
    dry_run: bool = False,
    start_month: Annotated[Month | None, Query(description="Applies to every row")] = None,
) -> Any:
    """Enrol a roster (CSV or .xlsx) row by row in file order against the budget (`dry_run`
    writes nothing)."""
    upload = await roster.received(request)

    async def run() -> ImportReport:
        return await importer.import_roster(
            session,
            subject,
            program_id,
            upload,
            dry_run=dry_run,
            start_month=start_month,
            max_rows=settings.max_csv_rows,
        )

    # A form's boundary differs on every retry: the same file is the same request.
    content = upload.content if upload.from_form else None
    async with bulk.slot():  # taken before the session's first statement holds a connection
        return await idempotency.respond(session, subject, 200, run, content=content)


@router.get(
    "/v1/programs/{program_id}/enrolments/import/template",
    response_class=Response,
    responses=error_responses(*AUTH_ERRORS, *PROGRAM_404) | roster_template.RESPONSES,
)
async def get_import_template(
    program_id: uuid.UUID,
    subject: EnrolmentWriter,
    session: ReadSessionDep,
    accept: Annotated[
        str | None, Header(description="`text/csv` (the default) or the .xlsx media type")
    ] = None,
) -> Response:
    """The programme's roster template: every column and one example row, as CSV or .xlsx."""
    program = await get_program(session, subject, program_id)
    file_format = negotiate(accept) or FileFormat.csv  # the export's rule; JSON means CSV here
    content = await asyncio.to_thread(
        roster_template.TEMPLATES[file_format], program, clock.today()
    )
    filename = f"roster-template-{program.region_code}.{file_format.name}"
    return Response(
        content,
        media_type=file_format.value,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.post(
    "/v1/programs/{program_id}/enrolments/activate",
    response_model=BulkActivateResult,
    responses=error_responses(*AUTH_ERRORS, *PROGRAM_404),
)
async def activate_enrolments(
    program_id: uuid.UUID, body: BulkActivateRequest, subject: Verifier, session: SessionDep
) -> BulkActivateResult:
    """BPJS: activate every pending enrolment of the programme, or the listed ones."""
    activated, skipped = await verification.activate_many(
        session, subject, program_id, body.enrolment_ids
    )
    return BulkActivateResult(activated=activated, skipped=skipped)


@router.get(
    "/v1/enrolments",
    response_model=Page[EnrolmentPublic],
    responses=error_responses(*AUTH_ERRORS, bulk.BulkBusy) | file_responses(export.CSV_EXAMPLE),
)
async def list_enrolments(
    subject: EnrolmentReader,
    session: SessionDep,
    params: Annotated[PageParams, Depends(page_params)],
    program_id: uuid.UUID | None = None,
    worker_id: uuid.UUID | None = None,
    status: EnrolmentStatus | None = None,
    nik: Annotated[str | None, Query(max_length=32, description="Exact NIK")] = None,
    accept: Annotated[str | None, Header()] = None,
) -> Any:
    """List enrolments of the caller's territory (NIKs masked); with `Accept: text/csv` or
    the .xlsx type, every matching row as a file with full NIKs (`limit`, `cursor` unused)."""
    where = repository.EnrolmentFilter(
        program_id=program_id,
        worker_id=worker_id,
        status=status,
        nik=nik_rules.normalise(nik) if nik else None,
    )
    file_format = negotiate(accept)
    if file_format is not None:
        release = await bulk.take_slot()  # given back once the file is sent (or abandoned)
        return export.export(file_format, subject, where, clock.today(), on_close=release)
    rows, cursor = await repository.list_visible(session, subject, params, where)
    return Page(items=await publish(session, rows), next_cursor=cursor)


@router.get(
    "/v1/enrolments/{enrolment_id}",
    response_model=EnrolmentPublic,
    responses=error_responses(*AUTH_ERRORS, *ENROLMENT_404),
)
async def get_enrolment(
    enrolment_id: uuid.UUID, subject: EnrolmentReader, session: SessionDep
) -> EnrolmentPublic:
    """Read one enrolment."""
    return await to_public(session, await repository.get_visible(session, subject, enrolment_id))


@router.post(
    "/v1/enrolments/{enrolment_id}/activate",
    response_model=EnrolmentPublic,
    responses=error_responses(
        *AUTH_ERRORS, *ENROLMENT_404, *STATE_409, verification.KpjTaken, verification.KpjMismatch
    ),
)
async def activate_enrolment(
    enrolment_id: uuid.UUID, body: ActivateRequest, subject: Verifier, session: SessionDep
) -> EnrolmentPublic:
    """BPJS: verify a pending enrolment and give it a KPJ number."""
    enrolment = await verification.activate(session, subject, enrolment_id, body.kpj_number)
    return await to_public(session, enrolment)


@router.post(
    "/v1/enrolments/{enrolment_id}/reject",
    response_model=EnrolmentPublic,
    responses=error_responses(*AUTH_ERRORS, *ENROLMENT_404, *STATE_409),
)
async def reject_enrolment(
    enrolment_id: uuid.UUID, body: RejectRequest, subject: Verifier, session: SessionDep
) -> EnrolmentPublic:
    """BPJS: reject a pending enrolment; its whole cost returns to the budget."""
    return await to_public(
        session, await verification.reject(session, subject, enrolment_id, body.reason)
    )


@router.post(
    "/v1/enrolments/{enrolment_id}/terminate",
    response_model=EnrolmentPublic,
    responses=error_responses(*AUTH_ERRORS, *ENROLMENT_404, *STATE_409, Unprocessable),
)
async def terminate_enrolment(
    enrolment_id: uuid.UUID, body: TerminateRequest, subject: EnrolmentWriter, session: SessionDep
) -> EnrolmentPublic:
    """End an active enrolment after `last_month`; later months return to the budget."""
    return await to_public(
        session,
        await ending.terminate(
            session, subject, enrolment_id, TerminationReason(body.reason), body.last_month
        ),
    )
