"""Payments: the pemda reports, BPJS confirms or rejects (R13)."""

import uuid

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from app import clock
from app.audit.service import record
from app.auth.subject import Subject
from app.billing import repository
from app.billing.credits import settle
from app.billing.models import Invoice, InvoiceStatus, Payment, PaymentStatus
from app.billing.schemas import PaymentCreate
from app.db import utcnow
from app.errors import DomainError, InvalidState, Unprocessable
from app.i18n import msg
from app.territory import get_visible_by_id


class Overpayment(DomainError):
    status, code, title = 422, "OVERPAYMENT", "The amount exceeds what is outstanding"


class WouldOverpay(DomainError):
    status, code, title = 409, "OVERPAYMENT", "Confirming would take the invoice past its total"


class DuplicateReference(DomainError):
    status, code, title = 409, "DUPLICATE_REFERENCE", "This reference is already reported"


async def report_payment(
    session: AsyncSession, subject: Subject, invoice_id: uuid.UUID, data: PaymentCreate
) -> Payment:
    invoice = await repository.get_invoice(session, subject, invoice_id, for_update=True)
    if invoice.status != InvoiceStatus.issued:
        raise InvalidState(
            msg("invoice.status", status=invoice.status), current_status=invoice.status
        )
    if data.paid_on > clock.today():
        raise Unprocessable(msg("payment.paid_on_future"))
    outstanding = invoice.outstanding_idr
    if data.amount_idr > outstanding:
        raise Overpayment(msg("payment.overpayment", outstanding_idr=outstanding))
    taken = await session.exec(
        select(Payment.id).where(
            Payment.invoice_id == invoice.id, Payment.reference == data.reference
        )
    )
    if taken.first() is not None:
        raise DuplicateReference(msg("payment.duplicate_reference", reference=data.reference))
    payment = Payment(
        invoice_id=invoice.id,
        region_code=invoice.region_code,
        amount_idr=data.amount_idr,
        paid_on=data.paid_on,
        reference=data.reference,
        reported_by=subject.sub,
    )
    session.add(payment)
    await session.flush()
    record(
        session,
        subject,
        "payment.report",
        "payment",
        payment.id,
        region_code=payment.region_code,
        details={"invoice_id": str(invoice.id), "amount_idr": payment.amount_idr},
    )
    return payment


async def _lock_pair(
    session: AsyncSession, subject: Subject, payment_id: uuid.UUID
) -> tuple[Invoice, Payment]:
    """Invoice first, then payment: the same order as reporting, so no deadlock."""
    payment = await repository.get_payment(session, subject, payment_id)
    invoice = await get_visible_by_id(
        session,
        subject,
        Invoice,
        payment.invoice_id,
        repository.PaymentNotFound,
        for_update=True,
    )
    payment = await repository.get_payment(session, subject, payment_id, for_update=True)
    return invoice, payment


async def confirm_payment(
    session: AsyncSession, subject: Subject, payment_id: uuid.UUID
) -> Payment:
    invoice, payment = await _lock_pair(session, subject, payment_id)
    if payment.status == PaymentStatus.confirmed:
        return payment  # confirming twice is harmless
    if payment.status != PaymentStatus.reported:
        raise InvalidState(
            msg("payment.status", status=payment.status), current_status=payment.status
        )
    if payment.amount_idr > invoice.outstanding_idr:
        raise WouldOverpay(
            msg(
                "payment.would_overpay",
                outstanding_idr=invoice.outstanding_idr,
                amount_idr=payment.amount_idr,
            )
        )
    now = utcnow()
    payment.status, payment.decided_by, payment.decided_at = (
        PaymentStatus.confirmed.value,
        subject.sub,
        now,
    )
    invoice.paid_idr += payment.amount_idr
    session.add_all([payment, invoice])
    await session.flush()
    await settle(session, invoice)
    await session.flush()
    record(
        session,
        subject,
        "payment.confirm",
        "payment",
        payment.id,
        region_code=payment.region_code,
        details={"invoice_id": str(invoice.id), "invoice_status": invoice.status},
    )
    return payment


async def reject_payment(
    session: AsyncSession, subject: Subject, payment_id: uuid.UUID, reason: str
) -> Payment:
    _invoice, payment = await _lock_pair(session, subject, payment_id)
    if payment.status != PaymentStatus.reported:
        raise InvalidState(
            msg("payment.status", status=payment.status), current_status=payment.status
        )
    payment.status, payment.decided_by, payment.decided_at = (
        PaymentStatus.rejected.value,
        subject.sub,
        utcnow(),
    )
    payment.rejection_reason = reason
    session.add(payment)
    await session.flush()
    record(
        session, subject, "payment.reject", "payment", payment.id, region_code=payment.region_code
    )
    return payment
