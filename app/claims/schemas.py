import uuid
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from app import examples
from app.claims.benefits import BenefitType, EducationLevel
from app.claims.models import CauseOfDeath, ClaimStatus, DocumentType, Relationship

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
NikText = Annotated[str, StringConstraints(pattern=r"^[0-9]{16}$")]
Short = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]

# Slamet Riyadi, a member since March 2022, died of illness on 10 May 2026; his widow claims,
# and their son, in SMP (junior high), has a scholarship (R19: ≥ 36 months of contributions).
CLAIMANT_EXAMPLE: dict[str, Any] = {
    "nik": examples.HEIR_NIK,
    "full_name": examples.HEIR_NAME,
    "relationship": "spouse",
    "bank_name": "Bank Jatim",
    "bank_account_number": "0071234568",
}
CHILD_EXAMPLE: dict[str, Any] = {
    "full_name": "Ahmad Fauzi",
    "birth_date": "2012-07-19",
    "education_level": "smp",
}
DOCUMENTS_AT_FILING = ["akta_kematian", "kartu_kpj", "kk_member", "ktp_heir", "ktp_member"]
DOCUMENTS_COMPLETE = sorted(
    [
        *DOCUMENTS_AT_FILING,
        "buku_nikah",
        "buku_tabungan",
        "surat_keterangan_ahli_waris",
        "surat_pengantar_disnaker",
    ]
)
DOCUMENTS_NOTE = (
    "Mohon lengkapi buku nikah, buku tabungan, surat keterangan ahli waris dan surat "
    "pengantar Disnaker"
)
CLAIM_CREATE_EXAMPLE: dict[str, Any] = {
    "nik": examples.DECEASED_NIK,
    "date_of_death": "2026-05-10",
    "cause_of_death": "illness",
    "death_certificate_number": "3514-KM-12052026-0041",
    "claimant": CLAIMANT_EXAMPLE,
    "documents": DOCUMENTS_AT_FILING,
    "children": [CHILD_EXAMPLE],
    "family": [{"relationship": "parent", "full_name": "Painem"}],
}
# R17 + R19: Rp 42,000,000 JKM and the first scholarship year (SMP, Rp 2,000,000) now; at
# most Rp 63,000,000 for the years up to his 23rd birthday.
BENEFIT_EXAMPLE: dict[str, Any] = {
    "type": "JKM",
    "lump_sum_idr": 20_000_000,
    "periodic_idr": 12_000_000,
    "funeral_idr": 10_000_000,
    "scholarship_first_year_idr": 2_000_000,
    "total_idr": 44_000_000,
    "scholarships": [
        {
            "child": "Ahmad Fauzi",
            "education_level": "smp",
            "max_entitlement_idr": 63_000_000,
            "first_year_idr": 2_000_000,
        }
    ],
}
SUBMITTED_EVENT: dict[str, Any] = {
    "from_status": None,
    "to_status": "submitted",
    "actor": examples.PEMDA_CLIENT,
    "role": "pemda",
    "note": None,
    "occurred_at": "2026-05-12T01:35:20Z",
}
CLAIM_EXAMPLE: dict[str, Any] = {  # paid: the whole history
    "id": examples.CLAIM_ID,
    "region_code": examples.REGION_CODE,
    "nik_masked": examples.DECEASED_NIK_MASKED,
    "enrolment_id": examples.DECEASED_ENROLMENT_ID,
    "date_of_death": "2026-05-10",
    "cause_of_death": "illness",
    "status": "paid",
    "claimant_name": examples.HEIR_NAME,
    "claimant_relationship": "spouse",
    "family": CLAIM_CREATE_EXAMPLE["family"],
    "documents": DOCUMENTS_COMPLETE,
    "missing_documents": [],
    "documents_note": DOCUMENTS_NOTE,
    "rejection_code": None,
    "rejection_detail": None,
    "benefit": BENEFIT_EXAMPLE,
    "approved_on": "2026-05-20",
    "payment_reference": "BPJSTK-JKM-3514-2026-000123",
    "paid_on": "2026-05-21",
    "submitted_at": "2026-05-12T01:35:20Z",
    "documents_complete_on": "2026-05-18",
    "working_days_to_payment": 3,
    "history": [
        SUBMITTED_EVENT,
        {
            "from_status": "submitted",
            "to_status": "under_review",
            "actor": examples.BPJS_CLIENT,
            "role": "bpjs",
            "note": None,
            "occurred_at": "2026-05-13T02:00:00Z",
        },
        {
            "from_status": "under_review",
            "to_status": "documents_requested",
            "actor": examples.BPJS_CLIENT,
            "role": "bpjs",
            "note": DOCUMENTS_NOTE,
            "occurred_at": "2026-05-13T02:05:00Z",
        },
        {
            "from_status": "documents_requested",
            "to_status": "under_review",
            "actor": examples.PEMDA_CLIENT,
            "role": "pemda",
            "note": None,
            "occurred_at": "2026-05-18T03:40:00Z",
        },
        {
            "from_status": "under_review",
            "to_status": "approved",
            "actor": examples.BPJS_CLIENT,
            "role": "bpjs",
            "note": None,
            "occurred_at": "2026-05-20T04:10:00Z",
        },
        {
            "from_status": "approved",
            "to_status": "paid",
            "actor": examples.BPJS_CLIENT,
            "role": "bpjs",
            "note": None,
            "occurred_at": "2026-05-21T07:25:00Z",
        },
    ],
}
# The answer to `POST /v1/claims`: submitted, with what approval will still need.
SUBMITTED_CLAIM_EXAMPLE: dict[str, Any] = CLAIM_EXAMPLE | {
    "status": "submitted",
    "documents": DOCUMENTS_AT_FILING,
    "missing_documents": sorted(set(DOCUMENTS_COMPLETE) - set(DOCUMENTS_AT_FILING)),
    "documents_note": None,
    "benefit": None,
    "approved_on": None,
    "payment_reference": None,
    "paid_on": None,
    "documents_complete_on": None,
    "working_days_to_payment": None,
    "history": [SUBMITTED_EVENT],
}


class Claimant(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [CLAIMANT_EXAMPLE]})

    nik: NikText
    full_name: Text
    relationship: Relationship
    bank_name: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)
    ]
    bank_account_number: Annotated[str, StringConstraints(pattern=r"^[0-9]{5,30}$")]


class ChildInput(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [CHILD_EXAMPLE]})

    full_name: Text
    birth_date: date = Field(ge=date(1950, 1, 1), le=date(2100, 1, 1))
    education_level: EducationLevel


class FamilyMember(BaseModel):
    """Another surviving member of the deceased's family (R22 decides who may claim)."""

    model_config = ConfigDict(extra="forbid")

    relationship: Relationship
    full_name: Text


class ClaimCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [CLAIM_CREATE_EXAMPLE]}
    )

    nik: NikText = Field(description="The deceased member's NIK")
    date_of_death: date = Field(ge=date(2015, 1, 1), le=date(2100, 1, 1))
    cause_of_death: CauseOfDeath
    death_certificate_number: Short
    claimant: Claimant
    documents: list[DocumentType] = Field(default_factory=list, max_length=20)
    children: list[ChildInput] = Field(
        default_factory=list,
        max_length=10,
        description="The deceased's children, in the order scholarships are given (R19)",
    )
    family: list[FamilyMember] = Field(
        default_factory=list,
        max_length=20,
        description="Other surviving family: the claimant must belong to the first heir group "
        "with a living member (R22)",
    )


class DocumentsSubmission(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "documents": [
                        "buku_nikah",
                        "buku_tabungan",
                        "surat_keterangan_ahli_waris",
                        "surat_pengantar_disnaker",
                    ]
                }
            ]
        },
    )

    documents: list[DocumentType] = Field(min_length=1, max_length=20)


class DocumentsRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"note": DOCUMENTS_NOTE}]},
    )

    note: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]


class ClaimRejection(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "reason_code": "NOT_HEIR",
                    "detail": "Surat keterangan ahli waris menyebut ahli waris lain",
                }
            ]
        },
    )

    reason_code: Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z_]{1,39}$")] = Field(
        examples=["NOT_HEIR", "FRAUD_SUSPECTED"]
    )
    detail: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]


class ClaimPayment(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"reference": CLAIM_EXAMPLE["payment_reference"], "paid_on": "2026-05-21"}]
        },
    )

    reference: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)
    ]
    paid_on: date = Field(ge=date(2015, 1, 1), le=date(2100, 1, 1))


class ScholarshipPublic(BaseModel):
    child: str
    education_level: EducationLevel
    max_entitlement_idr: int
    first_year_idr: int


class BenefitPublic(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [BENEFIT_EXAMPLE]})

    type: BenefitType
    lump_sum_idr: int
    periodic_idr: int
    funeral_idr: int
    scholarship_first_year_idr: int
    total_idr: int = Field(description="What is paid now")
    scholarships: list[ScholarshipPublic]


class ClaimEventPublic(BaseModel):
    from_status: ClaimStatus | None
    to_status: ClaimStatus
    actor: str
    role: str
    note: str | None
    occurred_at: datetime


class ClaimPublic(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [CLAIM_EXAMPLE]})

    id: uuid.UUID
    region_code: str
    nik_masked: str
    enrolment_id: uuid.UUID
    date_of_death: date
    cause_of_death: CauseOfDeath
    status: ClaimStatus
    claimant_name: str
    claimant_relationship: Relationship
    family: list[FamilyMember]
    documents: list[DocumentType]
    missing_documents: list[DocumentType]
    documents_note: str | None
    rejection_code: str | None
    rejection_detail: str | None
    benefit: BenefitPublic | None
    approved_on: date | None
    payment_reference: str | None
    paid_on: date | None
    submitted_at: datetime
    documents_complete_on: date | None
    working_days_to_payment: int | None = Field(
        description="Working days from complete documents to payment (BPJS aims at about 3)"
    )
    history: list[ClaimEventPublic]
