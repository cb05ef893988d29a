"""Who is calling: role, territory and scopes, taken from a verified token."""

import re
from dataclasses import dataclass
from typing import Any

from app.auth.scopes import Role

REGION_CODE = re.compile(r"^[0-9]{4}$")


@dataclass(frozen=True)
class Subject:
    sub: str
    role: Role
    scopes: frozenset[str]
    # None = national (no territory limit); otherwise the region codes the caller may see.
    regions: tuple[str, ...] | None
    token_id: str | None = None

    @property
    def region(self) -> str | None:
        """The caller's own region (a pemda's)."""
        return self.regions[0] if self.role is Role.pemda and self.regions else None

    def can_see(self, region_code: str) -> bool:
        return self.regions is None or region_code in self.regions

    @classmethod
    def from_claims(cls, claims: dict[str, Any]) -> "Subject":
        role = Role(str(claims.get("role")))
        scope = claims.get("scope", "")
        if not isinstance(scope, str):
            raise ValueError("scope must be a space-separated string")
        regions: tuple[str, ...] | None
        if role is Role.pemda:
            region = claims.get("region")
            if not isinstance(region, str) or not REGION_CODE.match(region):
                raise ValueError("a pemda token needs a 4-digit region")
            regions = (region,)
        elif role is Role.bpjs and claims.get("regions") is not None:
            listed = claims["regions"]
            if not isinstance(listed, list) or not all(
                isinstance(r, str) and REGION_CODE.match(r) for r in listed
            ):
                raise ValueError("regions must be a list of 4-digit codes")
            regions = tuple(listed)
        else:
            regions = None
        jti = claims.get("jti")
        return cls(
            sub=str(claims["sub"]),
            role=role,
            scopes=frozenset(scope.split()),
            regions=regions,
            token_id=jti if isinstance(jti, str) else None,
        )
