import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Security, status

from app.auth.dependencies import AUTH_ERRORS, authenticate
from app.auth.scopes import Scope
from app.auth.subject import Subject
from app.claims import approval, filing, repository, service
from app.claims.documents import DocumentsIncomplete, missing_documents
from app.claims.models import Claim, ClaimStatus
from app.claims.schemas import (
    SUBMITTED_CLAIM_EXAMPLE,
    BenefitPublic,
    ClaimCreate,
    ClaimEventPublic,
    ClaimPayment,
    ClaimPublic,
    ClaimRejection,
    DocumentsRequest,
    DocumentsSubmission,
)
from app.db import SessionDep
from app.errors import IDEMPOTENCY_ERRORS, InvalidState, Unprocessable, error_responses
from app.idempotency import IdempotencyDep
from app.pagination import Page, PageParams, page_params
from app.workers import nik as nik_rules

router = APIRouter(prefix="/v1/claims", tags=["claims"])

ClaimReader = Annotated[Subject, Security(authenticate, scopes=[Scope.claims_read])]
ClaimWriter = Annotated[Subject, Security(authenticate, scopes=[Scope.claims_write])]
ClaimDecider = Annotated[Subject, Security(authenticate, scopes=[Scope.claims_decide])]
ClaimPayer = Annotated[Subject, Security(authenticate, scopes=[Scope.claims_pay])]

CLAIM_404 = (repository.ClaimNotFound,)
TRANSITION_ERRORS = (*AUTH_ERRORS, *CLAIM_404, InvalidState)


async def publish(session: SessionDep, claims: list[Claim]) -> list[ClaimPublic]:
    """Claims as the API shows them, with their histories fetched in one query."""
    events = await repository.histories(session, [c.id for c in claims])
    return [
        ClaimPublic.model_validate(
            claim.model_dump()
            | {
                "nik_masked": nik_rules.mask(claim.nik),
                "missing_documents": missing_documents(claim),
                "benefit": BenefitPublic.model_validate(claim.benefit) if claim.benefit else None,
                "working_days_to_payment": service.working_days_to_payment(claim),
                "history": [
                    ClaimEventPublic.model_validate(e, from_attributes=True)
                    for e in events[claim.id]
                ],
            }
        )
        for claim in claims
    ]


async def to_public(session: SessionDep, claim: Claim) -> ClaimPublic:
    return (await publish(session, [claim]))[0]


@router.post(
    "",
    response_model=ClaimPublic,
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(
        *AUTH_ERRORS,
        filing.DuplicateClaim,
        filing.NotCovered,
        filing.DeathInFuture,
        filing.ClaimExpired,
        filing.HeirNotEntitled,
        *IDEMPOTENCY_ERRORS,
    )
    | {201: {"content": {"application/json": {"example": SUBMITTED_CLAIM_EXAMPLE}}}},
)
async def file_claim(
    body: ClaimCreate, subject: ClaimWriter, session: SessionDep, idempotency: IdempotencyDep
) -> Any:
    """File a death-benefit claim for a member of the caller's territory."""

    async def file() -> ClaimPublic:
        return await to_public(session, await filing.file_claim(session, subject, body))

    return await idempotency.respond(session, subject, 201, file, location="/v1/claims/{id}")


@router.get("", response_model=Page[ClaimPublic], responses=error_responses(*AUTH_ERRORS))
async def list_claims(
    subject: ClaimReader,
    session: SessionDep,
    params: Annotated[PageParams, Depends(page_params)],
    status: ClaimStatus | None = None,
) -> Page[ClaimPublic]:
    """List claims of the caller's territory."""
    items, cursor = await repository.list_visible(session, subject, params, status=status)
    return Page(items=await publish(session, items), next_cursor=cursor)


@router.get(
    "/{claim_id}", response_model=ClaimPublic, responses=error_responses(*AUTH_ERRORS, *CLAIM_404)
)
async def get_claim(claim_id: uuid.UUID, subject: ClaimReader, session: SessionDep) -> ClaimPublic:
    """Read a claim with its history and, once approved, its frozen benefit."""
    return await to_public(session, await repository.get_claim(session, subject, claim_id))


@router.post(
    "/{claim_id}/review",
    response_model=ClaimPublic,
    responses=error_responses(*TRANSITION_ERRORS),
)
async def review_claim(
    claim_id: uuid.UUID, subject: ClaimDecider, session: SessionDep
) -> ClaimPublic:
    """BPJS: start reviewing a submitted claim."""
    return await to_public(session, await service.review(session, subject, claim_id))


@router.post(
    "/{claim_id}/request-documents",
    response_model=ClaimPublic,
    responses=error_responses(*TRANSITION_ERRORS),
)
async def request_claim_documents(
    claim_id: uuid.UUID, body: DocumentsRequest, subject: ClaimDecider, session: SessionDep
) -> ClaimPublic:
    """BPJS: ask the heir for documents; the claim waits for them."""
    claim = await service.request_documents(session, subject, claim_id, body.note)
    return await to_public(session, claim)


@router.post(
    "/{claim_id}/documents",
    response_model=ClaimPublic,
    responses=error_responses(*TRANSITION_ERRORS),
)
async def submit_claim_documents(
    claim_id: uuid.UUID, body: DocumentsSubmission, subject: ClaimWriter, session: SessionDep
) -> ClaimPublic:
    """Hand in documents; a claim waiting for them goes back under review."""
    claim = await service.submit_documents(session, subject, claim_id, body.documents)
    return await to_public(session, claim)


@router.post(
    "/{claim_id}/approve",
    response_model=ClaimPublic,
    responses=error_responses(
        *TRANSITION_ERRORS,
        DocumentsIncomplete,
        approval.ContributionUnpaid,
        approval.MembershipLapsed,
    ),
)
async def approve_claim(
    claim_id: uuid.UUID, subject: ClaimDecider, session: SessionDep
) -> ClaimPublic:
    """BPJS: approve, freezing the benefit; the member is recorded deceased (R20)."""
    return await to_public(session, await approval.approve(session, subject, claim_id))


@router.post(
    "/{claim_id}/reject",
    response_model=ClaimPublic,
    responses=error_responses(*TRANSITION_ERRORS),
)
async def reject_claim(
    claim_id: uuid.UUID, body: ClaimRejection, subject: ClaimDecider, session: SessionDep
) -> ClaimPublic:
    """BPJS: reject a claim with a reason code."""
    return await to_public(session, await service.reject(session, subject, claim_id, body))


@router.post(
    "/{claim_id}/pay",
    response_model=ClaimPublic,
    responses=error_responses(*TRANSITION_ERRORS, service.PaidBeforeApproval, Unprocessable),
)
async def pay_claim(
    claim_id: uuid.UUID, body: ClaimPayment, subject: ClaimPayer, session: SessionDep
) -> ClaimPublic:
    """BPJS: record the transfer of the benefit to the heir."""
    return await to_public(session, await service.pay(session, subject, claim_id, body))
