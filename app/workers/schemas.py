import uuid
from datetime import date, datetime
from typing import Annotated, Any, Self

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from app.programs.costing import Occupation
from app.workers.nik import Sex

_SEX_ALIASES = {"l": "male", "p": "female", "male": "male", "female": "female"}


def _sex(value: Any) -> Any:
    return _SEX_ALIASES.get(value.strip().lower(), value) if isinstance(value, str) else value


SexInput = Annotated[Sex, BeforeValidator(_sex), Field(description="`male`/`female`, or `L`/`P`")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Short = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
NikText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=32),
    Field(description="16-digit NIK", examples=["3514094108900001"]),
]
KkNumber = Annotated[str, StringConstraints(pattern=r"^[0-9]{16}$")]
Phone = Annotated[str, StringConstraints(pattern=r"^\+?[0-9 -]{6,19}$", max_length=20)]
BirthDate = Annotated[date, Field(ge=date(1900, 1, 1), le=date(2100, 1, 1))]


class WorkerOptional(BaseModel):
    phone: Phone | None = None
    address: Text | None = None
    village: Short | None = None
    district: Short | None = None
    kk_number: KkNumber | None = None
    monthly_income_idr: int | None = Field(default=None, ge=0, le=10**12)
    extreme_poor: bool | None = None
    tobacco_sector: bool | None = None


class WorkerInput(WorkerOptional):
    """The person as the pemda states them."""

    model_config = ConfigDict(extra="forbid")

    nik: NikText
    full_name: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)
    ]
    birth_date: BirthDate
    sex: SexInput
    domicile_region_code: Annotated[str, StringConstraints(pattern=r"^[0-9]{4}$")]
    occupation: Occupation


class WorkerUpdate(WorkerOptional):
    """Corrections to a worker record; birth date and sex must still agree with the NIK."""

    model_config = ConfigDict(extra="forbid")

    full_name: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
        | None
    ) = None
    birth_date: BirthDate | None = None
    sex: SexInput | None = None
    occupation: Occupation | None = None

    @model_validator(mode="after")
    def _required_stay_set(self) -> Self:
        cleared = [
            f
            for f in ("full_name", "birth_date", "sex", "occupation")
            if f in self.model_fields_set and getattr(self, f) is None
        ]
        if cleared:
            raise ValueError(f"{', '.join(cleared)} cannot be removed")
        return self


class WorkerSummary(BaseModel):
    id: uuid.UUID
    region_code: str
    nik_masked: str
    full_name: str
    occupation: Occupation
    district: str | None
    village: str | None


class WorkerPublic(WorkerSummary):
    nik: str
    birth_date: date
    sex: Sex
    phone: str | None
    address: str | None
    kk_number: str | None
    monthly_income_idr: int | None
    extreme_poor: bool | None
    tobacco_sector: bool | None
    deceased: bool
    created_at: datetime
    updated_at: datetime
