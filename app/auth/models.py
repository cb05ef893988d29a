"""API clients: the holders of client credentials for `POST /v1/auth/token`."""

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

    def token_claims(self, scopes: list[str]) -> dict[str, Any]:
        claims: dict[str, Any] = {"role": self.role, "scope": " ".join(sorted(scopes))}
        if self.region_code:
            claims["region"] = self.region_code
        if self.regions is not None:
            claims["regions"] = list(self.regions)
        return claims
