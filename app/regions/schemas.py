from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from app import examples
from app.regions.models import RegionKind

RegionCode = Annotated[str, StringConstraints(pattern=r"^[0-9]{4}$")]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]


PASURUAN: dict[str, Any] = {
    "code": examples.REGION_CODE,
    "name": "Kabupaten Pasuruan",
    "kind": "kabupaten",
    "province": "Jawa Timur",
}


class RegionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [PASURUAN]})

    code: RegionCode = Field(description="4-digit Kemendagri code", examples=["3514"])
    name: Name = Field(examples=["Kabupaten Pasuruan"])
    kind: RegionKind
    province: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)
    ] = Field(examples=["Jawa Timur"])


class RegionPublic(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [PASURUAN | {"created_at": "2026-01-02T01:00:00Z"}]}
    )

    code: str
    name: str
    kind: RegionKind
    province: str
    created_at: datetime
