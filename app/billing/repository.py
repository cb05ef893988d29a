"""Billing queries: invoices and payments through the territory filter, paid months."""

import uuid
from collections.abc import Sequence
from datetime import date

from sqlalchemy import case, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.auth.subject import Subject
from app.billing.models import CreditNote, Invoice, InvoiceLine, InvoiceStatus, Payment
from app.db import chunks
from app.errors import NotFound
from app.pagination import PageParams, keyset, page_of
from app.territory import get_visible_by_id, visible


class InvoiceNotFound(NotFound):
    code, title = "INVOICE_NOT_FOUND", "No such invoice"


class PaymentNotFound(NotFound):
    code, title = "PAYMENT_NOT_FOUND", "No such payment"


async def get_invoice(
    session: AsyncSession, subject: Subject, invoice_id: uuid.UUID, *, for_update: bool = False
) -> Invoice:
    return await get_visible_by_id(
        session, subject, Invoice, invoice_id, InvoiceNotFound, for_update=for_update
    )


async def get_payment(
    session: AsyncSession, subject: Subject, payment_id: uuid.UUID, *, for_update: bool = False
) -> Payment:
    return await get_visible_by_id(
        session, subject, Payment, payment_id, PaymentNotFound, for_update=for_update
    )


async def list_invoices(
    session: AsyncSession,
    subject: Subject,
    params: PageParams,
    *,
    program_id: uuid.UUID | None = None,
    status: str | None = None,
) -> tuple[list[Invoice], str | None]:
    stmt = visible(select(Invoice), subject, Invoice.region_code)
    if program_id is not None:
        stmt = stmt.where(Invoice.program_id == program_id)
    if status is not None:
        stmt = stmt.where(Invoice.status == status)
    rows = list((await session.exec(keyset(stmt, Invoice.id, params, uuid.UUID))).all())
    return page_of(rows, params, lambda i: i.id)


async def list_credit_notes(
    session: AsyncSession,
    subject: Subject,
    params: PageParams,
    *,
    program_id: uuid.UUID | None = None,
) -> tuple[list[CreditNote], str | None]:
    stmt = visible(select(CreditNote), subject, CreditNote.region_code)
    if program_id is not None:
        stmt = stmt.where(CreditNote.program_id == program_id)
    rows = list((await session.exec(keyset(stmt, CreditNote.id, params, uuid.UUID))).all())
    return page_of(rows, params, lambda n: n.id)


def line_id(text: str) -> int:
    """A line id from a cursor: plain digits within BIGINT, else not a cursor of ours."""
    if not text.isdigit() or len(text) > 18:
        raise ValueError(text)
    return int(text)


async def invoice_lines(
    session: AsyncSession, invoice_id: uuid.UUID, params: PageParams | None
) -> tuple[list[InvoiceLine], str | None]:
    stmt = select(InvoiceLine).where(InvoiceLine.invoice_id == invoice_id)
    if params is None:
        return list(await session.exec(stmt.order_by(col(InvoiceLine.id)))), None
    rows = list((await session.exec(keyset(stmt, InvoiceLine.id, params, line_id))).all())
    return page_of(rows, params, lambda line: line.id)


async def billing_totals(
    session: AsyncSession, program_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, tuple[int, int, int]]:
    """(invoiced, paid, outstanding) per programme over its live invoices; invoiced leaves out
    months credited after issue (R23)."""
    if not program_ids:
        return {}
    due = col(Invoice.total_idr) - col(Invoice.credit_applied_idr) - col(Invoice.credited_idr)
    rows = await session.exec(
        select(
            Invoice.program_id,
            func.coalesce(func.sum(col(Invoice.total_idr) - col(Invoice.credited_idr)), 0),
            func.coalesce(func.sum(Invoice.paid_idr), 0),
            func.coalesce(
                func.sum(
                    case(
                        (
                            col(Invoice.status) == InvoiceStatus.issued.value,
                            due - col(Invoice.paid_idr),
                        ),
                        else_=0,
                    )
                ),
                0,
            ),
        )
        .where(
            col(Invoice.program_id).in_(program_ids),
            Invoice.status != InvoiceStatus.cancelled.value,
        )
        .group_by(col(Invoice.program_id))
    )
    return {
        pid: (int(invoiced), int(paid), int(outstanding))
        for pid, invoiced, paid, outstanding in rows
    }


async def paid_months(
    session: AsyncSession, enrolment_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, dict[str, date]]:
    """For each enrolment, its months on a fully paid invoice and the day each was settled."""
    found: dict[uuid.UUID, dict[str, date]] = {eid: {} for eid in enrolment_ids}
    for part in chunks(list(enrolment_ids)):
        rows = await session.exec(
            select(InvoiceLine.enrolment_id, InvoiceLine.month, col(Invoice.settled_on))
            .join(Invoice, col(Invoice.id) == col(InvoiceLine.invoice_id))
            .where(
                col(InvoiceLine.enrolment_id).in_(part),
                Invoice.status == InvoiceStatus.paid.value,
                col(InvoiceLine.credited).is_(False),
            )
        )
        for enrolment_id, month, settled_on in rows:
            # Every paid invoice has its day since the migration that set them; should one
            # lack it, it counts from the first of its month.
            found[enrolment_id][month] = settled_on or date.fromisoformat(f"{month}-01")
    return found
