"""The budget and one-cover-per-NIK invariants under parallel requests (R6, R8, DESIGN.md §5).

Every request here runs in its own transaction on its own connection, all fired at once.
On PostgreSQL the programme and person row locks serialise them; on SQLite BEGIN IMMEDIATE
does. The tests hold on both."""

import asyncio
from datetime import date
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from app.db import database
from tests.conftest import BPJS_PASURUAN, PEMDA_3514, assert_problem, auth, postgres_only
from tests.factories import create_program, roster_rows, to_csv, worker

pytestmark = pytest.mark.usefixtures("regions")


@pytest.fixture(autouse=True)
def in_july(frozen_today: Any) -> None:
    frozen_today(date(2026, 7, 10))


async def committed(client: httpx.AsyncClient, program_id: str) -> int:
    response = await client.get(f"/v1/programs/{program_id}", headers=auth(**PEMDA_3514))
    value: int = response.json()["budget"]["committed_idr"]
    return value


async def test_25_parallel_enrolments_with_money_for_10_enrol_exactly_10(
    client: httpx.AsyncClient,
) -> None:
    program = await create_program(client, budget_idr=10 * 100_800)
    url = f"/v1/programs/{program['id']}/enrolments"
    responses = await asyncio.gather(
        *[
            client.post(url, json={"worker": worker(serial=s)}, headers=auth(**PEMDA_3514))
            for s in range(1, 26)
        ]
    )
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] * 10 + [422] * 15, [r.text for r in responses if r.status_code >= 500]
    refused = [r.json()["reasons"] for r in responses if r.status_code == 422]
    assert all([x["code"] for x in reasons] == ["BUDGET_EXHAUSTED"] for reasons in refused)
    assert await committed(client, program["id"]) == 10 * 100_800


async def test_the_same_nik_from_two_regions_at_once_is_enrolled_once(
    client: httpx.AsyncClient,
) -> None:
    kab = await create_program(client, "3514")
    kota = await create_program(client, "3575")
    person = worker()
    requests = []
    for i in range(20):
        region, program = ("3514", kab) if i % 2 else ("3575", kota)
        body = {"worker": person | {"domicile_region_code": region}}
        requests.append(
            client.post(
                f"/v1/programs/{program['id']}/enrolments",
                json=body,
                headers=auth("pemda", region=region),
            )
        )
    responses = await asyncio.gather(*requests)
    assert sorted(r.status_code for r in responses) == [201] + [422] * 19
    assert {r.json()["reasons"][0]["code"] for r in responses if r.status_code == 422} == {
        "ALREADY_ENROLLED"
    }
    async with database.get_sessionmaker()() as session:
        count = (
            await session.exec(
                text(  # type: ignore[call-overload]
                    "SELECT count(*) FROM enrolments WHERE nik = :nik"
                ).bindparams(nik=person["nik"])
            )
        ).scalar()
    assert count == 1


async def test_parallel_imports_of_overlapping_rosters_enrol_each_nik_once(
    client: httpx.AsyncClient,
) -> None:
    kab = await create_program(client, "3514")
    kota = await create_program(client, "3575")
    rows = roster_rows(300)
    kab_file = to_csv(rows)
    kota_file = to_csv([r | {"domicile_region_code": "3575"} for r in rows])
    uploads = []
    for i in range(20):
        region, program, body = ("3514", kab, kab_file) if i % 2 else ("3575", kota, kota_file)
        uploads.append(
            client.post(
                f"/v1/programs/{program['id']}/enrolments/import",
                content=body,
                headers=auth("pemda", region=region) | {"content-type": "text/csv"},
            )
        )
    responses = await asyncio.gather(*uploads)
    # One import per programme at a time (enrolments/bulk.py): on PostgreSQL the ones that
    # find another running into their programme are refused at once.
    imported = [r for r in responses if r.status_code == 200]
    refused = {r.json()["code"] for r in responses if r.status_code != 200}
    assert refused <= {"IMPORT_IN_PROGRESS"}, [r.text[:200] for r in responses]
    assert sum(r.json()["accepted"] for r in imported) == 300
    async with database.get_sessionmaker()() as session:
        duplicated = (
            await session.exec(
                text(  # type: ignore[call-overload]
                    "SELECT count(*) FROM "
                    "(SELECT nik FROM enrolments GROUP BY nik HAVING count(*) > 1) AS d"
                )
            )
        ).scalar()
    assert duplicated == 0


async def test_parallel_activations_with_one_kpj_give_it_once(client: httpx.AsyncClient) -> None:
    program = await create_program(client)
    url = f"/v1/programs/{program['id']}/enrolments"
    ids = [
        (
            await client.post(url, json={"worker": worker(serial=s)}, headers=auth(**PEMDA_3514))
        ).json()["id"]
        for s in range(1, 21)
    ]
    responses = await asyncio.gather(
        *[
            client.post(
                f"/v1/enrolments/{eid}/activate",
                json={"kpj_number": "35140000001"},
                headers=auth(**BPJS_PASURUAN),
            )
            for eid in ids
        ]
    )
    # Each is another person: no lock serialises them, the KPJ's unique index does — and its
    # loser gets R10's answer, not a "retry" that would only meet KPJ_TAKEN again.
    assert sorted(r.status_code for r in responses) == [200] + [409] * 19
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {"KPJ_TAKEN"}
    async with database.get_sessionmaker()() as session:
        holders = (
            await session.exec(
                text(  # type: ignore[call-overload]
                    "SELECT count(*) FROM persons WHERE kpj_number = '35140000001'"
                )
            )
        ).scalar()
    assert holders == 1


LOCK_WAITERS = text(
    "SELECT count(*) FROM pg_stat_activity"
    " WHERE wait_event_type = 'Lock' AND datname = current_database()"
)


async def waiting_for_a_lock() -> None:
    """Returns once a statement of another connection waits for a lock in this database."""
    assert database.engine is not None
    async with database.engine.connect() as watcher:
        for _ in range(600):  # a poll of the server's view: no event to wait for instead
            if (await watcher.execute(LOCK_WAITERS)).scalar():
                return
            await asyncio.sleep(0.05)
    raise AssertionError("nothing waited for a lock within 30 s")


@postgres_only
async def test_an_activation_that_loses_its_kpj_to_one_in_flight_is_kpj_taken(
    client: httpx.AsyncClient,
) -> None:
    program = await create_program(client)
    url = f"/v1/programs/{program['id']}/enrolments"
    first, second = [worker(serial=s) for s in (1, 2)]
    for person in (first, second):
        await client.post(url, json={"worker": person}, headers=auth(**PEMDA_3514))
    enrolment_id = (
        await client.get(
            "/v1/enrolments", params={"nik": second["nik"]}, headers=auth(**BPJS_PASURUAN)
        )
    ).json()["items"][0]["id"]
    assert database.engine is not None
    # Another activation (another replica's) has given the KPJ to the first person and not
    # committed yet: the second finds the number free, and then meets its unique index.
    async with database.engine.connect() as other:
        await other.execute(
            text("UPDATE persons SET kpj_number = '35140000001' WHERE nik = :nik"),
            {"nik": first["nik"]},
        )
        activation = asyncio.create_task(
            client.post(
                f"/v1/enrolments/{enrolment_id}/activate",
                json={"kpj_number": "35140000001"},
                headers=auth(**BPJS_PASURUAN),
            )
        )
        await waiting_for_a_lock()
        await other.commit()
    body = assert_problem(await activation, 409, "KPJ_TAKEN")
    assert "35140000001" in body["detail"]


@postgres_only
async def test_the_database_itself_refuses_committing_beyond_the_budget(
    client: httpx.AsyncClient,
) -> None:
    program = await create_program(client, budget_idr=100)
    assert database.engine is not None
    with pytest.raises(IntegrityError, match="committed_within_budget"):
        async with database.engine.begin() as connection:
            await connection.execute(
                text("UPDATE programs SET committed_idr = 101 WHERE id = :id"),
                {"id": program["id"]},
            )


async def test_parallel_terminations_release_the_budget_once(client: httpx.AsyncClient) -> None:
    program = await create_program(client)
    enrolment = (
        await client.post(
            f"/v1/programs/{program['id']}/enrolments",
            json={"worker": worker()},
            headers=auth(**PEMDA_3514),
        )
    ).json()
    await client.post(
        f"/v1/enrolments/{enrolment['id']}/activate", json={}, headers=auth(**BPJS_PASURUAN)
    )
    responses = await asyncio.gather(
        *[
            client.post(
                f"/v1/enrolments/{enrolment['id']}/terminate",
                json={"reason": "withdrawn", "last_month": "2026-08"},
                headers=auth(**PEMDA_3514),
            )
            for _ in range(20)
        ]
    )
    assert sorted(r.status_code for r in responses) == [200] + [409] * 19
    assert await committed(client, program["id"]) == 2 * 16_800
