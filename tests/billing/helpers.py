"""Shared steps for billing tests: an active, enrolled workforce and its invoice."""

from datetime import date
from typing import Any

import httpx

from app import clock
from tests.conftest import BPJS_PASURUAN, auth
from tests.factories import create_program, worker

BPJS = auth(**BPJS_PASURUAN)


async def active_workers(
    client: httpx.AsyncClient,
    count: int,
    *,
    region: str = "3514",
    occupations: list[str] | None = None,
    start_month: str | None = "2026-01",
    **program: Any,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A 2026 programme with `count` enrolled and BPJS-activated workers."""
    program = await create_program(
        client, region, **({"coverage_start": "2026-01", "coverage_end": "2026-12"} | program)
    )
    headers = auth("pemda", region=region)
    enrolments = []
    for serial in range(1, count + 1):
        occupation = occupations[serial - 1] if occupations else "petani"
        body: dict[str, Any] = {"worker": worker(serial, region=region, occupation=occupation)}
        if start_month:
            body["start_month"] = start_month
        response = await client.post(
            f"/v1/programs/{program['id']}/enrolments", json=body, headers=headers
        )
        assert response.status_code == 201, response.text
        enrolments.append(response.json())
    activated = await client.post(
        f"/v1/programs/{program['id']}/enrolments/activate",
        json={},
        headers=auth("bpjs", regions=[region]),
    )
    assert activated.json()["activated"] == count
    return program, enrolments


async def issue(
    client: httpx.AsyncClient,
    program_id: str,
    from_month: str,
    to_month: str,
    region: str = "3514",
) -> httpx.Response:
    return await client.post(
        f"/v1/programs/{program_id}/invoices",
        json={"from_month": from_month, "to_month": to_month},
        headers=auth("bpjs", regions=[region]),
    )


async def pay_in_full(
    client: httpx.AsyncClient,
    invoice: dict[str, Any],
    region: str = "3514",
    reference: str = "TRF-1",
    paid_on: date | None = None,
) -> dict[str, Any]:
    """Report and confirm the whole amount due, transferred on `paid_on` (default: today)."""
    day = (paid_on or clock.today()).isoformat()
    reported = await client.post(
        f"/v1/invoices/{invoice['id']}/payments",
        json={"amount_idr": invoice["amount_due_idr"], "paid_on": day, "reference": reference},
        headers=auth("pemda", region=region),
    )
    assert reported.status_code == 201, reported.text
    confirmed = await client.post(
        f"/v1/payments/{reported.json()['id']}/confirm", headers=auth("bpjs", regions=[region])
    )
    assert confirmed.status_code == 200, confirmed.text
    result: dict[str, Any] = confirmed.json()
    return result
