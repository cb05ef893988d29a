"""Billing queries: invoices and payments through the territory filter, paid months."""

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import and_, bindparam, case, func
from sqlalchemy import select as sa_select
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.auth.subject import Subject
from app.billing.models import CreditNote, Invoice, InvoiceLine, InvoiceStatus, Payment
from app.db import chunks, one_of
from app.errors import NotFound
from app.pagination import PageParams, keyset, page_of
from app.programs.models import Program
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


async def list_payments(
    session: AsyncSession,
    subject: Subject,
    params: PageParams,
    *,
    status: str | None = None,
    program_id: uuid.UUID | None = None,
    invoice_id: uuid.UUID | None = None,
    paid_from: date | None = None,
    paid_to: date | None = None,
) -> tuple[list[Payment], str | None]:
    """Payments of the caller's territory, by id; `paid_from`/`paid_to` bound `paid_on`
    (the day of the transfer), both days included."""
    stmt = visible(select(Payment), subject, Payment.region_code)
    if status is not None:
        stmt = stmt.where(Payment.status == status)
    if invoice_id is not None:
        stmt = stmt.where(Payment.invoice_id == invoice_id)
    if program_id is not None:
        of_program = select(Invoice.id).where(Invoice.program_id == program_id)
        stmt = stmt.where(col(Payment.invoice_id).in_(of_program))
    if paid_from is not None:
        stmt = stmt.where(Payment.paid_on >= paid_from)
    if paid_to is not None:
        stmt = stmt.where(Payment.paid_on <= paid_to)
    rows = list((await session.exec(keyset(stmt, Payment.id, params, uuid.UUID))).all())
    return page_of(rows, params, lambda p: p.id)


INVOICE_PAYMENT = (
    col(Payment.invoice_id),
    col(Payment.id),
    col(Payment.amount_idr),
    col(Payment.paid_on),
    col(Payment.reference),
    col(Payment.status),
    col(Payment.reported_at),
    col(Payment.decided_at),
)


async def payments_of(
    session: AsyncSession, subject: Subject, invoice_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[Any]]:
    """Each invoice's payments (INVOICE_PAYMENT columns) in the order they were reported:
    one statement for a page of invoices, never one per invoice."""
    found: dict[uuid.UUID, list[Any]] = {i: [] for i in invoice_ids}
    connection = await session.connection()  # plain rows, read afresh (no stale identity map)
    for part in chunks(list(invoice_ids)):
        stmt: Any = sa_select(*INVOICE_PAYMENT)  # its row type is documented by INVOICE_PAYMENT
        stmt = stmt.where(one_of(session, col(Payment.invoice_id), part))
        rows = await connection.execute(
            visible(stmt, subject, col(Payment.region_code)).order_by(
                col(Payment.reported_at), col(Payment.id)
            )
        )
        for row in rows:
            found[row.invoice_id].append(row)
    return found


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


def money_columns(program_id: Any) -> list[Any]:
    """A programme's five money figures — invoiced (less months credited after issue, R23),
    paid, outstanding, credited, credit applied — as scalar subqueries of its id column, so
    that one statement reads programmes with their money."""
    live = and_(
        col(Invoice.program_id) == program_id,
        col(Invoice.status) != InvoiceStatus.cancelled.value,
    )
    due = col(Invoice.total_idr) - col(Invoice.credit_applied_idr) - col(Invoice.credited_idr)
    issued = col(Invoice.status) == InvoiceStatus.issued.value
    sums = (
        col(Invoice.total_idr) - col(Invoice.credited_idr),
        col(Invoice.paid_idr),
        case((issued, due - col(Invoice.paid_idr)), else_=0),
    )
    figures = [sa_select(func.coalesce(func.sum(v), 0)).where(live) for v in sums]
    figures.append(
        sa_select(func.coalesce(func.sum(CreditNote.amount_idr), 0)).where(
            col(CreditNote.program_id) == program_id
        )
    )
    figures.append(sa_select(func.coalesce(func.sum(Invoice.credit_applied_idr), 0)).where(live))
    return [f.scalar_subquery() for f in figures]


_PROGRAMS: Any = Program.__table__  # type: ignore[attr-defined]
# Built once: constructing a statement costs more than running it on a hot path.
_TOTALS = sa_select(_PROGRAMS.c.id, *money_columns(_PROGRAMS.c.id)).where(
    _PROGRAMS.c.id.in_(bindparam("program_ids", expanding=True))
)


async def billing_totals(
    session: AsyncSession, program_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, tuple[int, int, int, int, int]]:
    """(invoiced, paid, outstanding, credited, credit applied) per programme, as
    money_columns defines them, in one statement per few thousand programmes."""
    totals = dict.fromkeys(program_ids, (0, 0, 0, 0, 0))
    connection = await session.connection()  # a column select beyond sqlmodel's exec
    for part in chunks(list(program_ids)):
        for pid, a, b, c, d, e in await connection.execute(_TOTALS, {"program_ids": list(part)}):
            totals[pid] = (int(a), int(b), int(c), int(d), int(e))
    return totals
