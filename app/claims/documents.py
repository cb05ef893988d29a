"""The documents a claim needs before approval (R16, PROBIS 908)."""

from app import clock
from app.claims.models import Claim, DocumentType, Relationship
from app.errors import DomainError
from app.i18n import msg

ALWAYS_REQUIRED = frozenset(
    {
        DocumentType.akta_kematian,
        DocumentType.ktp_member,
        DocumentType.kk_member,
        DocumentType.ktp_heir,
        DocumentType.surat_keterangan_ahli_waris,
        DocumentType.kartu_kpj,
        DocumentType.buku_tabungan,
        # Every member here is paid for by a pemda: Disnaker's cover letter goes with it.
        DocumentType.surat_pengantar_disnaker,
    }
)


class DocumentsIncomplete(DomainError):
    status, code, title = 409, "DOCUMENTS_INCOMPLETE", "Required documents are missing"


def required_documents(relationship: Relationship) -> frozenset[DocumentType]:
    if relationship is Relationship.spouse:
        return ALWAYS_REQUIRED | {DocumentType.buku_nikah}
    return ALWAYS_REQUIRED


def missing_documents(claim: Claim) -> list[DocumentType]:
    held = set(claim.documents)
    needed = required_documents(Relationship(claim.claimant_relationship))
    return sorted(d for d in needed if d.value not in held)


def note_documents(claim: Claim, documents: list[DocumentType]) -> None:
    claim.documents = sorted(set(claim.documents) | {d.value for d in documents})
    if claim.documents_complete_on is None and not missing_documents(claim):
        claim.documents_complete_on = clock.today()  # R16: days counted in Jakarta dates


def require_complete(claim: Claim) -> None:
    missing = missing_documents(claim)
    if missing:
        raise DocumentsIncomplete(
            msg("claim.documents_missing", documents=", ".join(missing), claim_id=claim.id),
            extra={"missing_documents": [d.value for d in missing]},
        )
