"""The claim state machine (DESIGN.md R16), every (state, action) pair.

`submitted` → `under_review` → (`documents_requested` ↔ `under_review`) → `approved` → `paid`;
`submitted`/`under_review`/`documents_requested` → `rejected`. Anything else is 409
`INVALID_STATE` naming the current state; `rejected` and `paid` are terminal.
"""

from itertools import product

import pytest

from app.claims.models import ClaimStatus
from app.claims.workflow import TRANSITIONS, ClaimAction, next_status
from app.errors import InvalidState

S, A = ClaimStatus, ClaimAction

# R16's transitions: (state, action) → next state.
R16: dict[tuple[ClaimStatus, ClaimAction], ClaimStatus] = {
    (S.submitted, A.review): S.under_review,
    (S.under_review, A.request_documents): S.documents_requested,
    (S.documents_requested, A.submit_documents): S.under_review,
    (S.under_review, A.approve): S.approved,
    (S.approved, A.pay): S.paid,
    (S.submitted, A.reject): S.rejected,
    (S.under_review, A.reject): S.rejected,
    (S.documents_requested, A.reject): S.rejected,
}
# Not a state change, so not in R16's diagram: documents handed in before anyone asked for
# them are accepted and the claim stays where it is (workflow.py says so on purpose).
DOCUMENTS_HANDED_IN_EARLY: dict[tuple[ClaimStatus, ClaimAction], ClaimStatus] = {
    (S.submitted, A.submit_documents): S.submitted,
    (S.under_review, A.submit_documents): S.under_review,
}
ACCEPTED = R16 | DOCUMENTS_HANDED_IN_EARLY
REFUSED = [pair for pair in product(ClaimStatus, ClaimAction) if pair not in ACCEPTED]
TERMINAL = [S.rejected, S.paid]


def pair_id(pair: tuple[ClaimStatus, ClaimAction]) -> str:
    return f"{pair[0].value}-{pair[1].value}"


class TestAllowedTransitions:
    @pytest.mark.parametrize(("pair", "after"), list(R16.items()), ids=[pair_id(p) for p in R16])
    def test_each_r16_transition_moves_the_claim(
        self, pair: tuple[ClaimStatus, ClaimAction], after: ClaimStatus
    ) -> None:
        current, action = pair
        assert next_status(current, action) is after

    @pytest.mark.parametrize(
        ("pair", "after"),
        list(DOCUMENTS_HANDED_IN_EARLY.items()),
        ids=[pair_id(p) for p in DOCUMENTS_HANDED_IN_EARLY],
    )
    def test_documents_handed_in_before_they_are_asked_for_keep_the_state(
        self, pair: tuple[ClaimStatus, ClaimAction], after: ClaimStatus
    ) -> None:
        current, action = pair
        assert next_status(current, action) is after is current

    def test_the_table_holds_these_transitions_and_no_other(self) -> None:
        table = {
            (current, action): after
            for action, moves in TRANSITIONS.items()
            for current, after in moves.items()
        }
        assert table == ACCEPTED
        assert set(TRANSITIONS) == set(ClaimAction)

    def test_a_claim_goes_from_submitted_to_paid(self) -> None:
        status = S.submitted
        for action in [A.review, A.request_documents, A.submit_documents, A.approve, A.pay]:
            status = next_status(status, action)
        assert status is S.paid

    def test_documents_may_be_requested_again_and_again(self) -> None:
        status = next_status(S.submitted, A.review)
        for _ in range(3):
            status = next_status(status, A.request_documents)
            assert status is S.documents_requested
            status = next_status(status, A.submit_documents)
            assert status is S.under_review
        assert next_status(status, A.approve) is S.approved

    @pytest.mark.parametrize("current", [S.submitted, S.under_review, S.documents_requested])
    def test_a_claim_not_yet_decided_can_be_rejected(self, current: ClaimStatus) -> None:
        assert next_status(current, A.reject) is S.rejected

    def test_no_transition_leads_back_to_submitted(self) -> None:
        into_submitted = [pair for pair, after in ACCEPTED.items() if after is S.submitted]
        assert into_submitted == [(S.submitted, A.submit_documents)]

    def test_only_under_review_can_be_approved(self) -> None:
        assert [current for current, action in R16 if action is A.approve] == [S.under_review]

    def test_only_approved_can_be_paid(self) -> None:
        assert [current for current, action in R16 if action is A.pay] == [S.approved]


class TestRefusedTransitions:
    def test_every_pair_not_accepted_is_refused(self) -> None:
        assert len(ACCEPTED) + len(REFUSED) == len(ClaimStatus) * len(ClaimAction)
        assert len(REFUSED) == 26

    @pytest.mark.parametrize("pair", REFUSED, ids=[pair_id(p) for p in REFUSED])
    def test_it_is_409_invalid_state_naming_the_current_state(
        self, pair: tuple[ClaimStatus, ClaimAction]
    ) -> None:
        current, action = pair
        with pytest.raises(InvalidState) as raised:
            next_status(current, action)
        error = raised.value
        assert error.status == 409
        assert error.code == "INVALID_STATE"
        assert error.extra == {"current_status": current.value}
        assert current.value in error.detail
        assert action.value.replace("_", " ") in error.detail

    @pytest.mark.parametrize("current", TERMINAL)
    @pytest.mark.parametrize("action", list(ClaimAction))
    def test_rejected_and_paid_are_terminal(
        self, current: ClaimStatus, action: ClaimAction
    ) -> None:
        with pytest.raises(InvalidState) as raised:
            next_status(current, action)
        assert raised.value.extra["current_status"] == current.value

    @pytest.mark.parametrize("action", [A.reject, A.request_documents, A.submit_documents])
    def test_an_approved_claim_can_only_be_paid(self, action: ClaimAction) -> None:
        with pytest.raises(InvalidState):
            next_status(S.approved, action)
        assert next_status(S.approved, A.pay) is S.paid

    @pytest.mark.parametrize("current", [S.submitted, S.documents_requested, S.approved])
    def test_approval_needs_a_review_in_progress(self, current: ClaimStatus) -> None:
        with pytest.raises(InvalidState):
            next_status(current, A.approve)

    @pytest.mark.parametrize("current", [S.submitted, S.documents_requested])
    def test_documents_are_requested_only_during_review(self, current: ClaimStatus) -> None:
        with pytest.raises(InvalidState):
            next_status(current, A.request_documents)
