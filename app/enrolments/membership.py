"""A member's enrolments as coverage and claims judge them: one chain per NIK (R4, R21)."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import and_
from sqlalchemy import select as sa_select
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from app.billing.coverage import Cover
from app.billing.models import Invoice, InvoiceLine, InvoiceStatus
from app.db import chunks, dialect_name, one_of_param
from app.enrolments.models import VERIFIED, Enrolment
from app.workers.models import Person


@dataclass(frozen=True)
class Held:
    """A verified enrolment with what a coverage answer shows of it."""

    id: uuid.UUID
    region_code: str
    kpj_number: str | None
    cover: Cover


@dataclass(frozen=True)
class Chains:
    by_nik: dict[str, list[Cover]]  # every NIK asked for, possibly with no cover
    by_enrolment: dict[uuid.UUID, Cover]
    held: dict[str, list[Held]] = field(default_factory=dict)  # by NIK, registration order
    died: dict[str, date] = field(default_factory=dict)  # the NIKs recorded dead


def _members_statement(postgres: bool) -> Any:
    return (
        sa_select(
            col(Person.nik),
            col(Person.died_on),
            col(Enrolment.id),
            col(Enrolment.region_code),
            col(Enrolment.kpj_number),
            col(Enrolment.start_month),
            col(Enrolment.end_month),
            col(Enrolment.registered_on),
        )
        .select_from(Person)
        .outerjoin(
            Enrolment,
            and_(col(Enrolment.nik) == col(Person.nik), col(Enrolment.status).in_(VERIFIED)),
        )
        .where(one_of_param(col(Person.nik), "niks", postgres=postgres))
        .order_by(col(Enrolment.registered_on), col(Enrolment.id))
    )


def _paid_statement(postgres: bool) -> Any:
    # Looked up by enrolment through the partial unique index on live lines: `live` is always
    # so on a paid invoice, and is said as the index says it so that PostgreSQL uses it.
    return (
        sa_select(col(InvoiceLine.enrolment_id), col(InvoiceLine.month), col(Invoice.settled_on))
        .join(Invoice, col(Invoice.id) == col(InvoiceLine.invoice_id))
        .where(
            one_of_param(col(InvoiceLine.enrolment_id), "enrolment_ids", postgres=postgres),
            col(InvoiceLine.live),
            col(InvoiceLine.credited).is_(False),
            col(Invoice.status) == InvoiceStatus.paid.value,
        )
    )


# Built once (every coverage answer runs them), for PostgreSQL and for the others.
_MEMBERS = {postgres: _members_statement(postgres) for postgres in (True, False)}
_PAID = {postgres: _paid_statement(postgres) for postgres in (True, False)}


async def chains_of(session: AsyncSession, niks: Sequence[str]) -> Chains:
    """Each NIK's verified enrolments in every region (the membership is the person's), with
    the days their months were paid, and its death if recorded — two index-driven statements
    per few thousand NIKs."""
    found: dict[uuid.UUID, tuple[str, str, str | None, str, str, date]] = {}
    settled: dict[uuid.UUID, dict[str, date]] = {}
    died: dict[str, date] = {}
    connection = await session.connection()  # a column select beyond sqlmodel's exec
    postgres = dialect_name(session) == "postgresql"
    for part in chunks(sorted(set(niks))):
        rows = await connection.execute(_MEMBERS[postgres], {"niks": list(part)})
        for nik, died_on, eid, region, kpj, start, end, registered in rows:
            if died_on is not None:
                died[nik] = died_on
            if eid is not None:
                found[eid] = (nik, region, kpj, start, end, registered)
                settled[eid] = {}
    for ids in chunks(list(found)):
        lines = await connection.execute(_PAID[postgres], {"enrolment_ids": list(ids)})
        for eid, month, settled_on in lines:
            # Every paid invoice has its day since the migration that set them; should one
            # lack it, it counts from the first of its month.
            settled[eid][month] = settled_on or date.fromisoformat(f"{month}-01")
    held: dict[str, list[Held]] = {nik: [] for nik in niks}
    for eid, (nik, region, kpj, start, end, registered) in found.items():
        held[nik].append(Held(eid, region, kpj, Cover(start, end, registered, settled[eid])))
    by_nik = {nik: [h.cover for h in enrolled] for nik, enrolled in held.items()}
    by_enrolment = {h.id: h.cover for enrolled in held.values() for h in enrolled}
    return Chains(by_nik, by_enrolment, held, died)
