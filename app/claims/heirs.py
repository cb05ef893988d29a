"""Who may claim: the groups of heirs in order (R22, PP 44/2015 as amended by PP 82/2019).

The benefit goes to the first group that has a living member; the claimant must belong to it.
"""

from collections.abc import Iterable

from app.claims.models import Relationship
from app.i18n import Message, msg

# Named in the catalogue as `heir.group.1` … `heir.group.5` (app/i18n/claim_messages.py).
HEIR_GROUPS: tuple[frozenset[Relationship], ...] = (
    frozenset({Relationship.spouse, Relationship.child}),
    frozenset({Relationship.parent, Relationship.grandparent, Relationship.grandchild}),
    frozenset({Relationship.sibling}),
    frozenset({Relationship.parent_in_law}),
    frozenset({Relationship.testamentary}),
)


def group_of(relationship: Relationship) -> int:
    return next(i for i, group in enumerate(HEIR_GROUPS) if relationship in group)


def entitled_group(relationships: Iterable[Relationship]) -> int:
    """The first group with a living member among those named."""
    return min(group_of(r) for r in relationships)


def heir_problem(
    claimant: Relationship, family: Iterable[Relationship], has_children: bool
) -> Message | None:
    """Why the claimant may not claim, or None when it may."""
    named = [claimant, *family, *([Relationship.child] if has_children else [])]
    first = entitled_group(named)
    if group_of(claimant) == first:
        return None
    return msg(
        "claim.heir_not_entitled",
        relationship=msg(f"heir.relationship.{claimant.value}"),
        group=msg(f"heir.group.{first + 1}"),
        number=first + 1,
    )
