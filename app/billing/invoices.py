"""Issuing and cancelling invoices (R12): set-based, whatever the number of enrolments."""

import uuid
from datetime import date

from sqlalchemy import String, and_, exists, func, insert, literal, true, union_all, update
from sqlalchemy import select as core_select
from sqlalchemy.sql import Subquery
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app import clock
from app.audit.service import record
from app.auth.subject import Subject
from app.billing.coverage import due_on
from app.billing.models import Invoice, InvoiceLine, InvoiceStatus, Payment, PaymentStatus
from app.billing.schemas import InvoiceCreate, InvoicePublic
from app.db import utcnow
from app.enrolments.models import Enrolment, EnrolmentStatus
from app.errors import DomainError, InvalidState, Unprocessable
from app.months import months_between
from app.programs import costing
from app.programs.costing import FundingSource, Occupation
from app.programs.models import Program
from app.programs.repository import get_visible as get_program
from app.workers.models import Worker

BILLABLE = (EnrolmentStatus.active.value, EnrolmentStatus.terminated.value)


class NothingToBill(DomainError):
    status, code, title = 409, "NOTHING_TO_BILL", "Every month in the range is already billed"


class InvoiceHasConfirmedPayment(DomainError):
    status, code, title = 409, "PAYMENT_CONFIRMED", "An invoice with a confirmed payment stays"


def to_public(invoice: Invoice) -> InvoicePublic:
    overdue = invoice.status == InvoiceStatus.issued and invoice.due_on < clock.today()
    return InvoicePublic.model_validate(
        invoice.model_dump()
        | {"outstanding_idr": invoice.total_idr - invoice.paid_idr, "overdue": overdue}
    )


def _price_table(program: Program, months: list[str]) -> Subquery:
    """(month, occupation, amount) for every month and occupation: the rate table as rows,
    so that one INSERT … SELECT prices every line."""
    source = FundingSource(program.funding_source)
    rows = [
        select(
            literal(month, String).label("month"),
            literal(occupation.value, String).label("occupation"),
            literal(
                costing.monthly_contribution(month, source, occupation, program.declared_income_idr)
            ).label("amount_idr"),
        )
        for month in months
        for occupation in Occupation
    ]
    return union_all(*rows).subquery("prices")


async def issue_invoice(
    session: AsyncSession, subject: Subject, program_id: uuid.UUID, data: InvoiceCreate
) -> Invoice:
    # The programme lock serialises issuing for one programme; the partial unique index on
    # live lines is the backstop against billing a month twice.
    program = await get_program(session, subject, program_id, for_update=True)
    if not program.coverage_start <= data.from_month <= data.to_month <= program.coverage_end:
        raise Unprocessable(
            f"The range must lie inside the programme's {program.coverage_start}…"
            f"{program.coverage_end}."
        )
    invoice = Invoice(
        program_id=program.id,
        region_code=program.region_code,
        from_month=data.from_month,
        to_month=data.to_month,
        total_idr=0,
        line_count=0,
        due_on=clock.today(),
        issued_by=subject.sub,
    )
    session.add(invoice)
    await session.flush()

    prices = _price_table(program, list(months_between(data.from_month, data.to_month)))
    p = prices.c
    e, w, line = Enrolment.__table__.c, Worker.__table__.c, InvoiceLine.__table__.c  # type: ignore[attr-defined]
    already_billed = exists().where(
        line.enrolment_id == e.id, line.month == p.month, line.live == true()
    )
    lines = (
        core_select(
            literal(invoice.id).label("invoice_id"),
            e.id,
            p.month,
            e.nik,
            w.full_name,
            e.kpj_number,
            p.amount_idr,
            true(),
        )
        .select_from(Enrolment.__table__)  # type: ignore[attr-defined]
        .join(Worker.__table__, w.id == e.worker_id)  # type: ignore[attr-defined]
        .join(
            prices,
            and_(
                p.occupation == e.occupation,
                p.month >= e.start_month,
                p.month <= e.end_month,
            ),
        )
        .where(e.program_id == program.id, e.status.in_(BILLABLE), ~already_billed)
    )
    await session.exec(
        insert(InvoiceLine.__table__).from_select(  # type: ignore[attr-defined]
            [
                "invoice_id",
                "enrolment_id",
                "month",
                "nik",
                "full_name",
                "kpj_number",
                "amount_idr",
                "live",
            ],
            lines,
        )
    )
    count, total = (
        await session.exec(
            select(func.count(), func.coalesce(func.sum(line.amount_idr), 0)).where(
                line.invoice_id == invoice.id
            )
        )
    ).one()
    if count == 0:
        raise NothingToBill(
            f"No active enrolment has an unbilled month in {data.from_month}…{data.to_month}."
        )
    invoice.line_count, invoice.total_idr = int(count), int(total)
    invoice.due_on = await _earliest_due(session, invoice.id)
    session.add(invoice)
    await session.flush()
    record(
        session,
        subject,
        "invoice.issue",
        "invoice",
        invoice.id,
        region_code=invoice.region_code,
        details={
            "program_id": str(program.id),
            "total_idr": invoice.total_idr,
            "line_count": invoice.line_count,
        },
    )
    return invoice


async def _earliest_due(session: AsyncSession, invoice_id: uuid.UUID) -> date:
    pairs = await session.exec(
        select(InvoiceLine.month, col(Enrolment.registered_on))
        .join(Enrolment, col(Enrolment.id) == col(InvoiceLine.enrolment_id))
        .where(InvoiceLine.invoice_id == invoice_id)
        .distinct()
    )
    return min(due_on(month, registered_on) for month, registered_on in pairs)


async def cancel_invoice(session: AsyncSession, subject: Subject, invoice: Invoice) -> Invoice:
    """`invoice` read FOR UPDATE: cancelling races with confirming a payment."""
    if invoice.status != InvoiceStatus.issued:
        raise InvalidState(
            f"The invoice is {invoice.status}.", extra={"current_status": invoice.status}
        )
    if invoice.paid_idr > 0:
        raise InvoiceHasConfirmedPayment("A payment on this invoice is already confirmed.")
    now = utcnow()
    invoice.status, invoice.cancelled_at = InvoiceStatus.cancelled.value, now
    await session.exec(
        update(InvoiceLine).where(col(InvoiceLine.invoice_id) == invoice.id).values(live=False)
    )
    await session.exec(
        update(Payment)
        .where(
            col(Payment.invoice_id) == invoice.id,
            col(Payment.status) == PaymentStatus.reported.value,
        )
        .values(
            status=PaymentStatus.rejected.value,
            decided_by=subject.sub,
            decided_at=now,
            rejection_reason="invoice cancelled",
        )
    )
    session.add(invoice)
    await session.flush()
    record(
        session, subject, "invoice.cancel", "invoice", invoice.id, region_code=invoice.region_code
    )
    return invoice
