from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from app.regions.models import RegionKind

RegionCode = Annotated[str, StringConstraints(pattern=r"^[0-9]{4}$")]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]


class RegionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: RegionCode = Field(description="4-digit Kemendagri code", examples=["3514"])
    name: Name = Field(examples=["Kabupaten Pasuruan"])
    kind: RegionKind
    province: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)
    ] = Field(examples=["Jawa Timur"])


class RegionPublic(BaseModel):
    code: str
    name: str
    kind: RegionKind
    province: str
    created_at: datetime
