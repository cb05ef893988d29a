"""JKM/JKK death-benefit claims and their step-by-step history (R15–R20)."""

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, Column, ForeignKey, Index, String, text
from sqlmodel import Field, SQLModel

from app.db import UTCDateTime, new_id, utcnow


class ClaimStatus(StrEnum):
    submitted = "submitted"
    under_review = "under_review"
    documents_requested = "documents_requested"
    approved = "approved"
    paid = "paid"
    rejected = "rejected"


class CauseOfDeath(StrEnum):
    natural = "natural"
    illness = "illness"
    non_work_accident = "non_work_accident"
    work_accident = "work_accident"


class Relationship(StrEnum):
    spouse = "spouse"
    child = "child"
    parent = "parent"
    grandparent = "grandparent"
    grandchild = "grandchild"
    sibling = "sibling"
    parent_in_law = "parent_in_law"
    testamentary = "testamentary"


class DocumentType(StrEnum):
    akta_kematian = "akta_kematian"
    ktp_member = "ktp_member"
    kk_member = "kk_member"
    ktp_heir = "ktp_heir"
    kk_heir = "kk_heir"
    surat_keterangan_ahli_waris = "surat_keterangan_ahli_waris"
    buku_nikah = "buku_nikah"
    buku_tabungan = "buku_tabungan"
    kartu_kpj = "kartu_kpj"  # the member's BPJS Ketenagakerjaan card
    surat_pengantar_disnaker = "surat_pengantar_disnaker"  # cover letter for pemda-paid members


class Claim(SQLModel, table=True):
    __tablename__ = "claims"
    __table_args__ = (
        # R15: one live (not rejected) claim per NIK, held by the database under concurrency.
        Index(
            "uq_claims_nik_live",
            "nik",
            unique=True,
            postgresql_where=text("status <> 'rejected'"),
            sqlite_where=text("status <> 'rejected'"),
        ),
        Index("ix_claims_region_code_id", "region_code", "id"),
        CheckConstraint(
            "status IN ('submitted', 'under_review', 'documents_requested', 'approved', 'paid',"
            " 'rejected')",
            name="status",
        ),
    )

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    region_code: str = Field(
        sa_column=Column(String(4), ForeignKey("regions.code"), nullable=False)
    )
    nik: str = Field(sa_column=Column(String(16), ForeignKey("persons.nik"), nullable=False))
    enrolment_id: uuid.UUID = Field(foreign_key="enrolments.id", nullable=False)
    date_of_death: date
    cause_of_death: str = Field(max_length=20)
    death_certificate_number: str = Field(max_length=100)
    claimant_nik: str = Field(max_length=16)
    claimant_name: str = Field(max_length=200)
    claimant_relationship: str = Field(max_length=20)
    bank_name: str = Field(max_length=100)
    bank_account_number: str = Field(max_length=40)
    documents: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    children: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    # R22: the deceased's other surviving family, which decides who may claim.
    family: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    status: str = Field(default=ClaimStatus.submitted.value, max_length=20)
    documents_note: str | None = Field(default=None, max_length=500)
    rejection_code: str | None = Field(default=None, max_length=40)
    rejection_detail: str | None = Field(default=None, max_length=500)
    benefit: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    benefit_total_idr: int | None = Field(default=None, sa_column=Column(BigInteger))
    payment_reference: str | None = Field(default=None, max_length=100)
    approved_on: date | None = None
    paid_on: date | None = None
    documents_complete_on: date | None = None
    submitted_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class ClaimEvent(SQLModel, table=True):
    """Who moved the claim from which state to which, and when (R16)."""

    __tablename__ = "claim_events"

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    claim_id: uuid.UUID = Field(foreign_key="claims.id", nullable=False, index=True)
    from_status: str | None = Field(default=None, max_length=20)
    to_status: str = Field(max_length=20)
    actor: str = Field(max_length=200)
    role: str = Field(max_length=20)
    note: str | None = Field(default=None, max_length=500)
    occurred_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
