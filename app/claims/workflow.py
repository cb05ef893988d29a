"""The claim state machine (R16): which action moves which state where."""

from enum import StrEnum

from app.claims.models import ClaimStatus
from app.errors import InvalidState
from app.i18n import msg


class ClaimAction(StrEnum):
    review = "review"
    request_documents = "request_documents"
    submit_documents = "submit_documents"
    approve = "approve"
    reject = "reject"
    pay = "pay"


TRANSITIONS: dict[ClaimAction, dict[ClaimStatus, ClaimStatus]] = {
    ClaimAction.review: {ClaimStatus.submitted: ClaimStatus.under_review},
    ClaimAction.request_documents: {ClaimStatus.under_review: ClaimStatus.documents_requested},
    ClaimAction.submit_documents: {
        ClaimStatus.documents_requested: ClaimStatus.under_review,
        # Documents may also be handed in before anyone asked; the state stays.
        ClaimStatus.submitted: ClaimStatus.submitted,
        ClaimStatus.under_review: ClaimStatus.under_review,
    },
    ClaimAction.approve: {ClaimStatus.under_review: ClaimStatus.approved},
    ClaimAction.reject: {
        ClaimStatus.submitted: ClaimStatus.rejected,
        ClaimStatus.under_review: ClaimStatus.rejected,
        ClaimStatus.documents_requested: ClaimStatus.rejected,
    },
    ClaimAction.pay: {ClaimStatus.approved: ClaimStatus.paid},
}


def next_status(current: ClaimStatus, action: ClaimAction) -> ClaimStatus:
    """The state after `action`, or 409 naming the current state."""
    allowed = TRANSITIONS[action]
    if current not in allowed:
        raise InvalidState(
            msg(
                "claim.transition", action=msg(f"claim.action.{action.value}"), status=current.value
            ),
            current_status=current.value,
        )
    return allowed[current]
