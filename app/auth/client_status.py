"""Whether an API client's token still holds: the client is not disabled, and its secret was
not rotated (nor the client disabled) after the token was issued.

A verified token is remembered until it expires (tokens.py), so this is the one check that
reads the database — and only every CLIENT_STATUS_TTL_SECONDS (30) per client and process:
a status read on every request would cost a query on every hot path (docs/performance.md).
A client disabled or rotated is therefore refused everywhere within that many seconds.
Only tokens signed with JWT_SECRET are ours to judge; an identity provider's RS256 tokens,
and our own whose subject is no registered client (`tokens issue`), pass unchecked.
"""

import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, select

from app.auth.models import ApiClient, tokens_not_before
from app.db import database


@dataclass(frozen=True)
class ClientStatus:
    active: bool
    not_before: int | None  # the first `iat` still accepted, epoch seconds

    def accepts(self, issued_at: float) -> bool:
        return self.active and (self.not_before is None or issued_at >= self.not_before)


_TABLE: Any = ApiClient.__table__  # type: ignore[attr-defined]
_READ = select(_TABLE.c.active, _TABLE.c.tokens_revoked_at).where(
    _TABLE.c.client_id == bindparam("client_id")
)
_STATUS_MAX = 4096
# client id → (when read, on the monotonic clock; its status, or None: no such client)
_statuses: dict[str, tuple[float, ClientStatus | None]] = {}


async def _read(client_id: str) -> ClientStatus | None:
    async with database.get_sessionmaker(read_only=True)() as session:
        connection = await session.connection()
        row = (await connection.execute(_READ, {"client_id": client_id})).first()
    if row is None:
        return None
    return ClientStatus(active=bool(row.active), not_before=tokens_not_before(row[1]))


async def client_status(client_id: str, max_age_seconds: float) -> ClientStatus | None:
    """The client's status, read at most `max_age_seconds` ago in this process."""
    now = time.monotonic()
    remembered = _statuses.get(client_id)
    if remembered is not None and now - remembered[0] < max_age_seconds:
        return remembered[1]
    status = await _read(client_id)
    if remembered is None and len(_statuses) >= _STATUS_MAX:
        del _statuses[next(iter(_statuses))]  # the oldest entry
    _statuses[client_id] = (now, status)
    return status


async def token_holds(claims: dict[str, Any], max_age_seconds: float) -> bool:
    """False when the token's client (its `sub`) is disabled or revoked its earlier tokens."""
    status = await client_status(str(claims["sub"]), max_age_seconds)
    if status is None:
        return True
    try:
        issued_at = float(claims["iat"])  # python-jose accepts a number written as text
    except (TypeError, ValueError):
        return False
    return status.accepts(issued_at)


def forget() -> None:
    """Drop every remembered status (tests that recreate clients between them)."""
    _statuses.clear()
