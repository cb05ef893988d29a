"""The whole catalogue: problem titles by code, and messages by id in both languages."""

from app.i18n import claim_messages, enrolment_messages, messages, roster_messages
from app.i18n.titles import TITLES

MESSAGES: dict[str, tuple[str, str]] = {}
for _part in (messages, enrolment_messages, roster_messages, claim_messages):
    assert not MESSAGES.keys() & _part.MESSAGES.keys(), "a message id is defined twice"
    MESSAGES |= _part.MESSAGES

__all__ = ["MESSAGES", "TITLES"]
