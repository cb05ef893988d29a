import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from app.claims.benefits import BenefitType, EducationLevel
from app.claims.models import CauseOfDeath, ClaimStatus, DocumentType, Relationship

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
NikText = Annotated[str, StringConstraints(pattern=r"^[0-9]{16}$")]
Short = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class Claimant(BaseModel):
    model_config = ConfigDict(extra="forbid")

    nik: NikText
    full_name: Text
    relationship: Relationship
    bank_name: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)
    ]
    bank_account_number: Annotated[str, StringConstraints(pattern=r"^[0-9]{5,30}$")]


class ChildInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    full_name: Text
    birth_date: date = Field(ge=date(1950, 1, 1), le=date(2100, 1, 1))
    education_level: EducationLevel


class FamilyMember(BaseModel):
    """Another surviving member of the deceased's family (R22 decides who may claim)."""

    model_config = ConfigDict(extra="forbid")

    relationship: Relationship
    full_name: Text


class ClaimCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

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
    model_config = ConfigDict(extra="forbid")

    documents: list[DocumentType] = Field(min_length=1, max_length=20)


class DocumentsRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]


class ClaimRejection(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason_code: Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z_]{1,39}$")] = Field(
        examples=["NOT_HEIR", "FRAUD_SUSPECTED"]
    )
    detail: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]


class ClaimPayment(BaseModel):
    model_config = ConfigDict(extra="forbid")

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
