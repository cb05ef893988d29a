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

from app import examples
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
    Field(description="16-digit NIK", examples=[examples.MEMBER_NIK]),
]
KkNumber = Annotated[str, StringConstraints(pattern=r"^[0-9]{16}$")]
Phone = Annotated[str, StringConstraints(pattern=r"^\+?[0-9 -]{6,19}$", max_length=20)]
BirthDate = Annotated[date, Field(ge=date(1900, 1, 1), le=date(2100, 1, 1))]


# She lives and grows tobacco in Purwodadi, Kab. Pasuruan (a NIK prefix is no domicile, R7).
WORKER_INPUT_EXAMPLE: dict[str, Any] = {
    "nik": examples.MEMBER_NIK,
    "full_name": examples.MEMBER_NAME,
    "birth_date": examples.MEMBER_BIRTH_DATE,
    "sex": "female",
    "domicile_region_code": examples.REGION_CODE,
    "occupation": "petani_tembakau",
    "phone": "+62 812-3456-7890",
    "address": "Dusun Krajan RT 002 RW 001",
    "village": "Gajahrejo",
    "district": "Purwodadi",
    "kk_number": "3514010702110012",
    "monthly_income_idr": 1_500_000,
    "extreme_poor": False,
    "tobacco_sector": True,
}
WORKER_SUMMARY_EXAMPLE: dict[str, Any] = {
    "id": examples.WORKER_ID,
    "region_code": examples.REGION_CODE,
    "nik_masked": examples.MEMBER_NIK_MASKED,
    "full_name": examples.MEMBER_NAME,
    "occupation": "petani_tembakau",
    "district": "Purwodadi",
    "village": "Gajahrejo",
}
WORKER_PUBLIC_EXAMPLE: dict[str, Any] = {
    **WORKER_SUMMARY_EXAMPLE,
    "nik": examples.MEMBER_NIK,
    "birth_date": examples.MEMBER_BIRTH_DATE,
    "sex": "female",
    "phone": "+62 812-3456-7890",
    "address": "Dusun Krajan RT 002 RW 001",
    "kk_number": "3514010702110012",
    "monthly_income_idr": 1_500_000,
    "extreme_poor": False,
    "tobacco_sector": True,
    "deceased": False,
    "created_at": "2026-01-06T02:14:05Z",
    "updated_at": "2026-02-10T06:30:12Z",
}


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

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [WORKER_INPUT_EXAMPLE]}
    )

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

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"phone": "+62 857-3012-4455", "monthly_income_idr": 1_750_000, "village": "Cowek"}
            ]
        },
    )

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
    model_config = ConfigDict(json_schema_extra={"examples": [WORKER_SUMMARY_EXAMPLE]})

    id: uuid.UUID
    region_code: str
    nik_masked: str
    full_name: str
    occupation: Occupation
    district: str | None
    village: str | None


class WorkerPublic(WorkerSummary):
    model_config = ConfigDict(json_schema_extra={"examples": [WORKER_PUBLIC_EXAMPLE]})

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
