"""Test data: valid NIKs, workers, programmes and rosters as the API receives them."""

import csv
import io
from datetime import date
from typing import Any

import httpx

from tests.conftest import auth


def make_nik(
    birth: date = date(1990, 8, 17),
    *,
    female: bool = False,
    serial: int = 1,
    issued_in: str = "351401",
) -> str:
    """PPKKCC + DDMMYY (day + 40 for women) + serial, as a real NIK is built."""
    day = birth.day + (40 if female else 0)
    return f"{issued_in}{day:02d}{birth.month:02d}{birth.year % 100:02d}{serial:04d}"


def worker(
    serial: int = 1,
    *,
    region: str = "3514",
    birth: date = date(1990, 8, 17),
    female: bool = False,
    occupation: str = "petani",
    **overrides: Any,
) -> dict[str, Any]:
    data = {
        "nik": make_nik(birth, female=female, serial=serial, issued_in=f"{region}01"),
        "full_name": f"Pekerja {serial}",
        "birth_date": birth.isoformat(),
        "sex": "female" if female else "male",
        "domicile_region_code": region,
        "occupation": occupation,
    }
    data.update(overrides)
    return data


def program_body(**overrides: Any) -> dict[str, Any]:
    body = {
        "name": "Perlindungan Pekerja Rentan 2026",
        "fiscal_year": 2026,
        "funding_source": "DBHCHT",
        "budget_idr": 2_800_000_000,
        "target_workers": 28_448,
        "coverage_start": "2026-07",
        "coverage_end": "2026-12",
    }
    body.update(overrides)
    return body


async def create_program(
    client: httpx.AsyncClient, region: str = "3514", **overrides: Any
) -> dict[str, Any]:
    response = await client.post(
        "/v1/programs", json=program_body(**overrides), headers=auth("pemda", region=region)
    )
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def roster_rows(count: int, *, region: str = "3514", start_serial: int = 1) -> list[dict[str, Any]]:
    """`count` distinct, eligible workers of the region (born 1970-1999, aged 26-56 in 2026)."""
    rows = []
    for i in range(start_serial, start_serial + count):
        birth = date(1970 + i % 30, 1 + i % 12, 1 + i % 28)
        district = 1 + (i // 9999) % 20
        rows.append(
            {
                "nik": make_nik(
                    birth,
                    female=i % 2 == 0,
                    serial=1 + i % 9999,
                    issued_in=f"{region}{district:02d}",
                ),
                "full_name": f"Pekerja {i}",
                "birth_date": birth.isoformat(),
                "sex": "P" if i % 2 == 0 else "L",
                "domicile_region_code": region,
                "occupation": ("petani", "nelayan", "pedagang", "buruh_tani_tembakau")[i % 4],
            }
        )
    return rows


def to_csv(rows: list[dict[str, Any]], columns: list[str] | None = None) -> bytes:
    columns = columns or list(rows[0])
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()
