"""API clients: the holders of client credentials for `POST /v1/auth/token`."""

import math
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Column, ForeignKey, String
from sqlmodel import Field, SQLModel

from app.db import UTCDateTime, utcnow


class ApiClient(SQLModel, table=True):
    __tablename__ = "api_clients"
    __table_args__ = (
        CheckConstraint("role IN ('pemda', 'bpjs', 'admin', 'service')", name="role"),
        CheckConstraint("role <> 'pemda' OR region_code IS NOT NULL", name="pemda_region"),
    )

    client_id: str = Field(primary_key=True, max_length=64)
    name: str = Field(max_length=120)
    secret_hash: str = Field(max_length=200)
    role: str = Field(max_length=20)
    region_code: str | None = Field(
        default=None,
        sa_column=Column(String(4), ForeignKey("regions.code"), nullable=True),
    )
    # A BPJS branch's regions; None = national.
    regions: list[str] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    scopes: str = Field(max_length=1000)
    active: bool = Field(default=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    # Set when the secret is rotated or the client disabled: the client's tokens issued
    # before then are refused (app/auth/client_status.py).
    tokens_revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)

    @property
    def tokens_not_before(self) -> int | None:
        """The first `iat` (epoch seconds) still accepted. `iat` counts whole seconds, so
        tokens issued in the second of the revocation are refused too; a token issued after
        it is dated no earlier than this (issue_token's `not_before`)."""
        return tokens_not_before(self.tokens_revoked_at)

    def token_claims(self, scopes: list[str]) -> dict[str, Any]:
        claims: dict[str, Any] = {"role": self.role, "scope": " ".join(sorted(scopes))}
        if self.region_code:
            claims["region"] = self.region_code
        if self.regions is not None:
            claims["regions"] = list(self.regions)
        return claims


def tokens_not_before(revoked_at: datetime | None) -> int | None:
    return None if revoked_at is None else math.floor(revoked_at.timestamp()) + 1
