"""Money for months no longer covered is never lost (R23).

When a death or a termination ends cover, the months after the last covered one that sit on
a live invoice are credited: against the invoice while it is unpaid, or — once paid — in a
credit note of the programme, which later invoices draw on (`credit_applied_idr`).
Months not yet invoiced are simply released from the budget by the caller."""

import uuid
from dataclasses import dataclass

from sqlalchemy import func, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app import clock
from app.audit.service import record
from app.auth.subject import Subject
from app.billing.models import (
    CreditNote,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    Payment,
    PaymentStatus,
)
from app.billing.repository import billing_totals
from app.db import lock_by_ids, utcnow
from app.enrolments.models import Enrolment


@dataclass(frozen=True)
class Credit:
    on_invoices_idr: int  # taken off unpaid invoices
    note: CreditNote | None  # paid money handed back to the programme


async def settle(session: AsyncSession, invoice: Invoice) -> None:
    """Mark the invoice paid once confirmed payments cover what is due; `settled_on` is the
    latest `paid_on` among them (the day the money was all there)."""
    if invoice.status != InvoiceStatus.issued or invoice.paid_idr < invoice.amount_due_idr:
        return
    latest = (
        await session.exec(
            select(func.max(Payment.paid_on)).where(
                Payment.invoice_id == invoice.id,
                Payment.status == PaymentStatus.confirmed.value,
            )
        )
    ).one()
    invoice.status, invoice.paid_at = InvoiceStatus.paid.value, utcnow()
    invoice.settled_on = latest or clock.today()  # nothing to pay: settled by credit, today
    session.add(invoice)


async def credit_after(
    session: AsyncSession,
    subject: Subject,
    enrolment: Enrolment,
    last_month: str,
    reason: str,
) -> Credit:
    """Credit the enrolment's invoiced months after `last_month`. The caller holds the
    programme's lock; invoices are locked here in id order (the order payments use)."""
    lines = list(
        await session.exec(
            select(InvoiceLine).where(
                InvoiceLine.enrolment_id == enrolment.id,
                InvoiceLine.month > last_month,
                col(InvoiceLine.live).is_(True),
                col(InvoiceLine.credited).is_(False),
            )
        )
    )
    if not lines:
        return Credit(0, None)
    invoice_ids = sorted({line.invoice_id for line in lines})
    invoices = await lock_by_ids(session, Invoice, invoice_ids)
    against_invoices = 0
    refund = 0
    refunded_months: list[str] = []
    for invoice_id in invoice_ids:
        invoice = invoices[invoice_id]
        mine = [line for line in lines if line.invoice_id == invoice_id]
        amount = sum(line.amount_idr for line in mine)
        if invoice.status == InvoiceStatus.paid:
            refund += amount
            refunded_months += [line.month for line in mine]
        else:
            invoice.credited_idr += amount
            against_invoices += amount
            # Paid beyond what is now due: that part is the region's money too.
            overpaid = invoice.paid_idr - invoice.amount_due_idr
            if overpaid > 0:
                refund += overpaid
                refunded_months += [line.month for line in mine]
            await settle(session, invoice)
            session.add(invoice)
    await session.exec(
        update(InvoiceLine)
        .where(col(InvoiceLine.id).in_([line.id for line in lines]))
        .values(credited=True)
    )
    note = None
    if refund > 0:
        note = CreditNote(
            program_id=enrolment.program_id,
            region_code=enrolment.region_code,
            enrolment_id=enrolment.id,
            reason=reason,
            from_month=min(refunded_months),
            to_month=max(refunded_months),
            amount_idr=refund,
        )
        session.add(note)
        await session.flush()
        record(
            session,
            subject,
            "credit_note.issue",
            "credit_note",
            note.id,
            region_code=note.region_code,
            details={"enrolment_id": str(enrolment.id), "amount_idr": refund},
        )
    return Credit(against_invoices, note)


async def credit_figures(
    session: AsyncSession, program_ids: list[uuid.UUID]
) -> dict[uuid.UUID, tuple[int, int]]:
    """(credited, applied) per programme: all its credit notes, and what its live invoices
    drew from them."""
    totals = await billing_totals(session, program_ids)
    return {pid: (figures[3], figures[4]) for pid, figures in totals.items()}
