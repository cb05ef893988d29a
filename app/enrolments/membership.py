"""A member's enrolments as coverage and claims judge them: one chain per NIK (R4, R21)."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.billing.coverage import Cover
from app.billing.repository import paid_months
from app.db import chunks
from app.enrolments.models import VERIFIED, Enrolment


@dataclass(frozen=True)
class Chains:
    by_nik: dict[str, list[Cover]]  # every NIK asked for, possibly with no cover
    by_enrolment: dict[uuid.UUID, Cover]


async def chains_of(session: AsyncSession, niks: Sequence[str]) -> Chains:
    """Each NIK's verified enrolments in every region (the membership is the person's), with
    the days their months were paid."""
    enrolments: list[Enrolment] = []
    for part in chunks(sorted(set(niks))):
        enrolments += await session.exec(
            select(Enrolment).where(
                col(Enrolment.nik).in_(part), col(Enrolment.status).in_(VERIFIED)
            )
        )
    settled = await paid_months(session, [e.id for e in enrolments])
    by_enrolment = {
        e.id: Cover(e.start_month, e.end_month, e.registered_on, settled[e.id]) for e in enrolments
    }
    by_nik: dict[str, list[Cover]] = {nik: [] for nik in niks}
    for e in enrolments:
        by_nik[e.nik].append(by_enrolment[e.id])
    return Chains(by_nik, by_enrolment)
