import csv
import io
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Security, status
from fastapi.responses import Response

from app import clock
from app.auth.dependencies import AUTH_ERRORS, authenticate
from app.auth.scopes import Scope
from app.auth.subject import Subject
from app.billing import invoices, payments, repository, service
from app.billing.models import InvoiceStatus, Payment, PaymentStatus
from app.billing.schemas import (
    CoverageCheck,
    CoveragePublic,
    CreditNotePublic,
    InvoiceCreate,
    InvoiceLinePublic,
    InvoicePublic,
    PaymentCreate,
    PaymentPublic,
    PaymentReject,
)
from app.calendar import Day
from app.db import ReadSessionDep, SessionDep
from app.errors import IDEMPOTENCY_ERRORS, InvalidState, Unprocessable, error_responses
from app.exports import text_cell
from app.i18n import msg
from app.idempotency import IdempotencyDep
from app.pagination import Page, PageParams, page_params
from app.programs.repository import ProgramNotFound
from app.workers import nik as nik_rules

router = APIRouter(tags=["billing"])
coverage_router = APIRouter(tags=["coverage"])

InvoiceReader = Annotated[Subject, Security(authenticate, scopes=[Scope.invoices_read])]
InvoiceWriter = Annotated[Subject, Security(authenticate, scopes=[Scope.invoices_write])]
PaymentReporter = Annotated[Subject, Security(authenticate, scopes=[Scope.payments_write])]
PaymentConfirmer = Annotated[Subject, Security(authenticate, scopes=[Scope.payments_confirm])]
CoverageReader = Annotated[Subject, Security(authenticate, scopes=[Scope.coverage_read])]

INVOICE_404 = (repository.InvoiceNotFound,)
PAYMENT_404 = (repository.PaymentNotFound,)
LINE_COLUMNS = [
    "month",
    "nik",
    "full_name",
    "kpj_number",
    "amount_idr",
    "enrolment_id",
    "credited",  # R23: cover for the month ended; its amount was credited
]


def payment_public(payment: Payment) -> PaymentPublic:
    return PaymentPublic.model_validate(payment, from_attributes=True)


@router.post(
    "/v1/programs/{program_id}/invoices",
    response_model=InvoicePublic,
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(
        *AUTH_ERRORS, ProgramNotFound, invoices.NothingToBill, *IDEMPOTENCY_ERRORS, Unprocessable
    ),
)
async def issue_invoice(
    program_id: uuid.UUID,
    body: InvoiceCreate,
    subject: InvoiceWriter,
    session: SessionDep,
    idempotency: IdempotencyDep,
) -> Any:
    """BPJS: bill every active enrolment's unbilled months in the range (409 if none)."""

    async def issue() -> InvoicePublic:
        return invoices.to_public(await invoices.issue_invoice(session, subject, program_id, body))

    return await idempotency.respond(session, subject, 201, issue, location="/v1/invoices/{id}")


@router.get(
    "/v1/invoices", response_model=Page[InvoicePublic], responses=error_responses(*AUTH_ERRORS)
)
async def list_invoices(
    subject: InvoiceReader,
    session: SessionDep,
    params: Annotated[PageParams, Depends(page_params)],
    program_id: uuid.UUID | None = None,
    status: InvoiceStatus | None = None,
) -> Page[InvoicePublic]:
    """List invoices of the caller's territory."""
    rows, cursor = await repository.list_invoices(
        session, subject, params, program_id=program_id, status=status
    )
    return Page(items=await invoices.publish(session, subject, rows), next_cursor=cursor)


@router.get(
    "/v1/credit-notes",
    response_model=Page[CreditNotePublic],
    responses=error_responses(*AUTH_ERRORS),
)
async def list_credit_notes(
    subject: InvoiceReader,
    session: SessionDep,
    params: Annotated[PageParams, Depends(page_params)],
    program_id: uuid.UUID | None = None,
) -> Page[CreditNotePublic]:
    """List credit notes of the caller's territory: paid months whose cover ended (R23)."""
    rows, cursor = await repository.list_credit_notes(
        session, subject, params, program_id=program_id
    )
    return Page(items=[CreditNotePublic.model_validate(n) for n in rows], next_cursor=cursor)


@router.get(
    "/v1/invoices/{invoice_id}",
    response_model=InvoicePublic,
    responses=error_responses(*AUTH_ERRORS, *INVOICE_404),
)
async def get_invoice(
    invoice_id: uuid.UUID, subject: InvoiceReader, session: SessionDep
) -> InvoicePublic:
    """Read one invoice with its payments; `overdue` is derived from its due date."""
    invoice = await repository.get_invoice(session, subject, invoice_id)
    return (await invoices.publish(session, subject, [invoice]))[0]


@router.get(
    "/v1/invoices/{invoice_id}/lines",
    response_model=Page[InvoiceLinePublic],
    responses=error_responses(*AUTH_ERRORS, *INVOICE_404)
    | {200: {"content": {"text/csv": {"schema": {"type": "string"}}}}},
)
async def list_invoice_lines(
    invoice_id: uuid.UUID,
    subject: InvoiceReader,
    session: SessionDep,
    params: Annotated[PageParams, Depends(page_params)],
    accept: Annotated[str | None, Header()] = None,
) -> Any:
    """The invoice's lines: JSON pages with masked NIKs, or with `Accept: text/csv` the whole
    frozen invoice (full NIKs) for reconciliation."""
    invoice = await repository.get_invoice(session, subject, invoice_id)
    if accept is not None and "text/csv" in accept.lower():
        lines, _ = await repository.invoice_lines(session, invoice.id, None)
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(LINE_COLUMNS)
        for line in lines:
            writer.writerow(
                [
                    line.month,
                    line.nik,
                    text_cell(line.full_name),
                    line.kpj_number,
                    line.amount_idr,
                    line.enrolment_id,
                    "true" if line.credited else "false",
                ]
            )
        return Response(
            out.getvalue(),
            media_type="text/csv",
            headers={"Content-Disposition": f'attachment; filename="invoice-{invoice.id}.csv"'},
        )
    rows, cursor = await repository.invoice_lines(session, invoice.id, params)
    return Page(
        items=[
            InvoiceLinePublic.model_validate(
                line.model_dump() | {"nik_masked": nik_rules.mask(line.nik)}
            )
            for line in rows
        ],
        next_cursor=cursor,
    )


@router.post(
    "/v1/invoices/{invoice_id}/cancel",
    response_model=InvoicePublic,
    responses=error_responses(
        *AUTH_ERRORS, *INVOICE_404, InvalidState, invoices.InvoiceHasConfirmedPayment
    ),
)
async def cancel_invoice(
    invoice_id: uuid.UUID, subject: InvoiceWriter, session: SessionDep
) -> InvoicePublic:
    """BPJS: cancel an invoice while no payment is confirmed; its months can be billed again."""
    invoice = await repository.get_invoice(session, subject, invoice_id, for_update=True)
    cancelled = await invoices.cancel_invoice(session, subject, invoice)
    return (await invoices.publish(session, subject, [cancelled]))[0]


@router.post(
    "/v1/invoices/{invoice_id}/payments",
    response_model=PaymentPublic,
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(
        *AUTH_ERRORS,
        *INVOICE_404,
        payments.DuplicateReference,
        payments.Overpayment,
        InvalidState,
        Unprocessable,
    ),
)
async def report_payment(
    invoice_id: uuid.UUID,
    body: PaymentCreate,
    subject: PaymentReporter,
    session: SessionDep,
    idempotency: IdempotencyDep,
) -> Any:
    """Report a transfer against an invoice, for BPJS to confirm."""

    async def report() -> PaymentPublic:
        return payment_public(await payments.report_payment(session, subject, invoice_id, body))

    return await idempotency.respond(session, subject, 201, report, location="/v1/payments/{id}")


@router.get(
    "/v1/payments",
    response_model=Page[PaymentPublic],
    responses=error_responses(*AUTH_ERRORS, Unprocessable),
)
async def list_payments(
    subject: InvoiceReader,
    session: SessionDep,
    params: Annotated[PageParams, Depends(page_params)],
    status: PaymentStatus | None = None,
    program_id: uuid.UUID | None = None,
    invoice_id: uuid.UUID | None = None,
    paid_from: Annotated[Day | None, Query(description="paid_on on or after this day")] = None,
    paid_to: Annotated[Day | None, Query(description="paid_on on or before this day")] = None,
) -> Page[PaymentPublic]:
    """List payments of the caller's territory (`status=reported`: what awaits BPJS)."""
    if paid_from is not None and paid_to is not None and paid_from > paid_to:
        raise Unprocessable(msg("payment.period_reversed"))
    rows, cursor = await repository.list_payments(
        session,
        subject,
        params,
        status=status,
        program_id=program_id,
        invoice_id=invoice_id,
        paid_from=paid_from,
        paid_to=paid_to,
    )
    return Page(items=[payment_public(p) for p in rows], next_cursor=cursor)


@router.get(
    "/v1/payments/{payment_id}",
    response_model=PaymentPublic,
    responses=error_responses(*AUTH_ERRORS, *PAYMENT_404),
)
async def get_payment(
    payment_id: uuid.UUID, subject: InvoiceReader, session: SessionDep
) -> PaymentPublic:
    """Read one payment."""
    return payment_public(await repository.get_payment(session, subject, payment_id))


@router.post(
    "/v1/payments/{payment_id}/confirm",
    response_model=PaymentPublic,
    responses=error_responses(*AUTH_ERRORS, *PAYMENT_404, payments.WouldOverpay, InvalidState),
)
async def confirm_payment(
    payment_id: uuid.UUID, subject: PaymentConfirmer, session: SessionDep
) -> PaymentPublic:
    """BPJS: confirm a reported payment; the invoice is paid once payments reach its total."""
    return payment_public(await payments.confirm_payment(session, subject, payment_id))


@router.post(
    "/v1/payments/{payment_id}/reject",
    response_model=PaymentPublic,
    responses=error_responses(*AUTH_ERRORS, *PAYMENT_404, InvalidState),
)
async def reject_payment(
    payment_id: uuid.UUID, body: PaymentReject, subject: PaymentConfirmer, session: SessionDep
) -> PaymentPublic:
    """BPJS: reject a reported payment."""
    return payment_public(await payments.reject_payment(session, subject, payment_id, body.reason))


@coverage_router.get(
    "/v1/coverage",
    response_model=CoveragePublic,
    responses=error_responses(*AUTH_ERRORS, service.NikInvalid),
)
async def get_coverage(
    subject: CoverageReader,
    session: SessionDep,
    nik: Annotated[str, Query(min_length=1, max_length=32, description="16-digit NIK")],
    on: Annotated[Day | None, Query(description="Default: today (Asia/Jakarta)")] = None,
) -> CoveragePublic:
    """Is this NIK covered on this day? An unknown NIK is `not_covered`, never 404.

    The NIK travels in the URL, which proxies and web servers on the way write to their logs:
    integrations use `POST /v1/coverage-checks`, which takes it in the body."""
    return await service.lookup(session, subject, nik, on or clock.today())


@coverage_router.post(
    "/v1/coverage-checks",
    response_model=CoveragePublic,
    responses=error_responses(*AUTH_ERRORS, service.NikInvalid),
)
async def check_coverage(
    body: CoverageCheck, subject: CoverageReader, session: ReadSessionDep
) -> CoveragePublic:
    """Is this NIK covered on this day? As `GET /v1/coverage`, with the NIK in the body: the
    way for integrations, since a body stays out of the logs of every proxy on the way.
    Nothing is stored; an unknown NIK is `not_covered`, never 404."""
    return await service.lookup(session, subject, body.nik, body.on or clock.today())
