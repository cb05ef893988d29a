"""Issuing and cancelling invoices (R12): set-based, whatever the number of enrolments."""

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import (
    BigInteger,
    String,
    and_,
    case,
    func,
    literal,
    text,
    true,
    union_all,
    update,
)
from sqlalchemy import select as core_select
from sqlalchemy.sql import Subquery
from sqlalchemy.sql.elements import Case
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app import clock, metrics
from app.audit.service import record
from app.auth.subject import Subject
from app.billing import repository
from app.billing.coverage import due_on
from app.billing.credits import credit_figures, settle
from app.billing.models import Invoice, InvoiceLine, InvoiceStatus, Payment, PaymentStatus
from app.billing.schemas import InvoiceCreate, InvoicePaymentPublic, InvoicePublic
from app.db import allow_bulk_statements, dialect_insert, utcnow
from app.enrolments.models import VERIFIED, Enrolment
from app.errors import DomainError, InvalidState, Unprocessable
from app.i18n import msg
from app.months import months_between
from app.programs import costing
from app.programs.costing import FundingSource, Occupation
from app.programs.models import Program
from app.programs.repository import get_visible as get_program
from app.workers.models import Worker


class NothingToBill(DomainError):
    status, code, title = 409, "NOTHING_TO_BILL", "Every month in the range is already billed"


class InvoiceHasConfirmedPayment(DomainError):
    status, code, title = 409, "PAYMENT_CONFIRMED", "An invoice with a confirmed payment stays"


def to_public(invoice: Invoice, payments: Sequence[Any] = ()) -> InvoicePublic:
    """`payments`: its rows from repository.payments_of (none on a new invoice)."""
    overdue = invoice.status == InvoiceStatus.issued and invoice.due_on < clock.today()
    return InvoicePublic.model_validate(
        invoice.model_dump()
        | {
            "amount_due_idr": invoice.amount_due_idr,
            "outstanding_idr": invoice.outstanding_idr,
            "overdue": overdue,
            "payments": [
                InvoicePaymentPublic.model_validate(p, from_attributes=True) for p in payments
            ],
        }
    )


async def publish(
    session: AsyncSession, subject: Subject, rows: Sequence[Invoice]
) -> list[InvoicePublic]:
    """Invoices as the API shows them, with their payments read in one statement."""
    payments = await repository.payments_of(session, subject, [i.id for i in rows])
    return [to_public(i, payments[i.id]) for i in rows]


def _months_table(months: list[str]) -> Subquery:
    """The invoice's months as a tiny table (rendered inline: validated YYYY-MM only)."""
    return union_all(
        *(select(literal(month, String, literal_execute=True).label("month")) for month in months)
    ).subquery("months")


def _amount(program: Program, months: list[str], month: Any, occupation: Any) -> Case[Any]:
    """The rate data as one CASE over (month, occupation), so that a single INSERT … SELECT
    prices every line. A CASE, not a join to a price table: a join on occupation and a month
    range leaves PostgreSQL guessing its size and, for 100,000 enrolments, choosing a plan
    that runs for many minutes."""
    source = FundingSource(program.funding_source)
    branches = []
    for m in months:
        by_amount: dict[int, list[str]] = {}
        for o in Occupation:
            amount = costing.monthly_contribution(m, source, o, program.declared_income_idr)
            by_amount.setdefault(amount, []).append(o.value)
        for amount, occupations in sorted(by_amount.items(), key=lambda item: len(item[1])):
            branches.append(
                (
                    and_(
                        month == literal(m, String, literal_execute=True),
                        occupation.in_(occupations),
                    ),
                    literal(amount, BigInteger, literal_execute=True),
                )
            )
    return case(*branches)


async def _any_billed(
    session: AsyncSession, program_id: uuid.UUID, from_month: str, to_month: str
) -> bool:
    """Is any month of the range already on a live invoice of the programme's?"""
    e, line = Enrolment.__table__.c, InvoiceLine.__table__.c  # type: ignore[attr-defined]
    billed = (
        core_select(line.enrolment_id)
        .join(Enrolment.__table__, e.id == line.enrolment_id)  # type: ignore[attr-defined]
        .where(
            e.program_id == program_id,
            line.live,
            line.month >= from_month,
            line.month <= to_month,
        )
        .exists()
    )
    return bool((await session.exec(select(billed))).one())


async def issue_invoice(
    session: AsyncSession, subject: Subject, program_id: uuid.UUID, data: InvoiceCreate
) -> Invoice:
    # One INSERT … SELECT of every line: a large region's takes seconds (docs/performance.md).
    await allow_bulk_statements(session)
    # The programme lock serialises issuing for one programme; the partial unique index on
    # live lines is the backstop against billing a month twice.
    program = await get_program(session, subject, program_id, for_update=True)
    if not program.coverage_start <= data.from_month <= data.to_month <= program.coverage_end:
        raise Unprocessable(
            msg(
                "invoice.range_outside_program",
                start=program.coverage_start,
                end=program.coverage_end,
            )
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

    months = list(months_between(data.from_month, data.to_month))
    month_rows = _months_table(months)
    p = month_rows.c
    e, w, line = Enrolment.__table__.c, Worker.__table__.c, InvoiceLine.__table__.c  # type: ignore[attr-defined]
    lines = (
        core_select(
            literal(invoice.id).label("invoice_id"),
            e.id,
            p.month,
            e.nik,
            w.full_name,
            e.kpj_number,
            _amount(program, months, p.month, e.occupation),
            true(),
        )
        .select_from(Enrolment.__table__)  # type: ignore[attr-defined]
        .join(Worker.__table__, w.id == e.worker_id)  # type: ignore[attr-defined]
        .join(month_rows, and_(p.month >= e.start_month, p.month <= e.end_month))
        .where(e.program_id == program.id, e.status.in_(VERIFIED))
    )
    columns = [
        "invoice_id",
        "enrolment_id",
        "month",
        "nik",
        "full_name",
        "kpj_number",
        "amount_idr",
        "live",
    ]
    table = InvoiceLine.__table__  # type: ignore[attr-defined]
    insert_lines = dialect_insert(session)(table).from_select(columns, lines)
    if await _any_billed(session, program.id, data.from_month, data.to_month):
        # Months already on a live invoice are skipped by the partial unique index itself
        # (ON CONFLICT … DO NOTHING): no anti-join against a table this very statement
        # grows, which PostgreSQL, seeing it empty, would rescan for every new line.
        insert_lines = insert_lines.on_conflict_do_nothing(
            index_elements=["enrolment_id", "month"], index_where=text("live")
        )
    # else (billing months no invoice holds yet, the usual case): a plain INSERT, which
    # skips ON CONFLICT's speculative insertion (a third of the statement's time); the
    # programme lock keeps another invoice from billing these months meanwhile, and the
    # unique index would still refuse a month billed twice.
    await session.exec(insert_lines)
    count, total = (
        await session.exec(
            select(func.count(), func.coalesce(func.sum(line.amount_idr), 0)).where(
                line.invoice_id == invoice.id
            )
        )
    ).one()
    if count == 0:
        raise NothingToBill(
            msg("invoice.nothing_to_bill", from_month=data.from_month, to_month=data.to_month)
        )
    invoice.line_count, invoice.total_idr = int(count), int(total)
    metrics.count_when_committed(session, metrics.INVOICE_LINES, invoice.line_count)
    invoice.due_on = await _earliest_due(session, invoice, program.id, months)
    # R23: the programme's credit notes pay for what they can of this invoice first (the
    # programme lock held above keeps two invoices from drawing on the same balance).
    credited, applied = (await credit_figures(session, [program.id]))[program.id]
    invoice.credit_applied_idr = min(credited - applied, invoice.total_idr)
    await settle(session, invoice)
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
            "credit_applied_idr": invoice.credit_applied_idr,
            "line_count": invoice.line_count,
        },
    )
    return invoice


async def _earliest_due(
    session: AsyncSession, invoice: Invoice, program_id: uuid.UUID, months: list[str]
) -> date:
    """The earliest R3 due date of the invoice's lines. A due date depends only on the month
    and the registration day, so it is worked out from the programme's few distinct
    (months, registration) groups — exact when every line those groups offered was written,
    i.e. no month was already on another invoice; otherwise read from the lines."""
    groups = await session.exec(
        select(
            Enrolment.start_month, Enrolment.end_month, col(Enrolment.registered_on), func.count()
        )
        .where(Enrolment.program_id == program_id, col(Enrolment.status).in_(VERIFIED))
        .group_by(
            col(Enrolment.start_month), col(Enrolment.end_month), col(Enrolment.registered_on)
        )
    )
    offered = 0
    dues: list[date] = []
    for start, end, registered_on, count in groups:
        billed = [m for m in months if start <= m <= end]
        offered += count * len(billed)
        dues += (due_on(m, registered_on) for m in billed)
    if offered == invoice.line_count:
        return min(dues)
    pairs = await session.exec(
        select(InvoiceLine.month, col(Enrolment.registered_on))
        .join(Enrolment, col(Enrolment.id) == col(InvoiceLine.enrolment_id))
        .where(InvoiceLine.invoice_id == invoice.id)
        .distinct()
    )
    return min(due_on(month, registered_on) for month, registered_on in pairs)


async def cancel_invoice(session: AsyncSession, subject: Subject, invoice: Invoice) -> Invoice:
    """`invoice` read FOR UPDATE: cancelling races with confirming a payment."""
    if invoice.status != InvoiceStatus.issued:
        raise InvalidState(
            msg("invoice.status", status=invoice.status), current_status=invoice.status
        )
    if invoice.paid_idr > 0:
        raise InvoiceHasConfirmedPayment(msg("invoice.payment_confirmed"))
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
