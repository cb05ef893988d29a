"""Idempotency records are honoured for IDEMPOTENCY_RETENTION_HOURS: a later retry runs
afresh, and the purge deletes what has expired, in batches, and nothing else."""

import asyncio
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, update
from sqlmodel import col, select

from app import idempotency
from app.config import get_settings
from app.db import database, utcnow
from app.idempotency import IdempotencyRecord, delete_expired, retention_cutoff
from tests.conftest import PEMDA_3514, PEMDA_3575, assert_problem, auth, postgres_only
from tests.factories import create_program, program_body, worker

pytestmark = pytest.mark.usefixtures("regions")

RETENTION = timedelta(hours=get_settings().idempotency_retention_hours)


async def backdate_records(ago: timedelta) -> None:
    async with database.get_sessionmaker()() as session:
        table = IdempotencyRecord.__table__  # type: ignore[attr-defined]
        await session.exec(update(table).values(created_at=utcnow() - ago))
        await session.commit()


async def records() -> list[IdempotencyRecord]:
    async with database.get_sessionmaker()() as session:
        return list((await session.exec(select(IdempotencyRecord))).all())


class TestRetention:
    async def test_a_retry_within_the_retention_is_replayed(
        self, client: httpx.AsyncClient
    ) -> None:
        headers = auth(**PEMDA_3514) | {"Idempotency-Key": "late"}
        first = await client.post("/v1/programs", json=program_body(), headers=headers)
        await backdate_records(RETENTION - timedelta(minutes=1))
        again = await client.post("/v1/programs", json=program_body(), headers=headers)
        assert again.headers.get("idempotent-replayed") == "true"
        assert again.json()["id"] == first.json()["id"]

    async def test_a_retry_after_the_retention_runs_afresh(self, client: httpx.AsyncClient) -> None:
        headers = auth(**PEMDA_3514) | {"Idempotency-Key": "late"}
        first = await client.post("/v1/programs", json=program_body(), headers=headers)
        await backdate_records(RETENTION + timedelta(minutes=1))
        again = await client.post("/v1/programs", json=program_body(), headers=headers)
        assert again.status_code == 201, again.text
        assert "idempotent-replayed" not in again.headers
        assert again.json()["id"] != first.json()["id"]
        kept = await records()
        assert len(kept) == 1 and kept[0].created_at > utcnow() - timedelta(minutes=1)


class TestPurge:
    async def test_deletes_expired_records_in_batches_and_keeps_the_rest(self) -> None:
        now = utcnow()
        async with database.get_sessionmaker()() as session:
            for i in range(7):
                session.add(
                    IdempotencyRecord(
                        actor="test-pemda",
                        key=f"k{i}",
                        request_hash="h",
                        status_code=201,
                        response_body={},
                        created_at=now - RETENTION - timedelta(hours=1) if i < 5 else now,
                    )
                )
            await session.commit()
        batches = []
        cutoff = retention_cutoff(get_settings())
        while True:
            async with database.get_sessionmaker()() as session:
                batches.append(await delete_expired(session, cutoff, limit=2))
                await session.commit()
            if batches[-1] < 2:
                break
        assert batches == [2, 2, 1]
        async with database.get_sessionmaker()() as session:
            left = await session.exec(select(func.count()).select_from(IdempotencyRecord))
            keys = await session.exec(
                select(IdempotencyRecord.key).order_by(col(IdempotencyRecord.key))
            )
            assert left.one() == 2 and list(keys) == ["k5", "k6"]


class TestScope:
    async def test_a_key_is_the_caller_territorys_not_the_subjects(
        self, client: httpx.AsyncClient
    ) -> None:
        """Both test pemda tokens carry the subject `test-pemda`: the 3575 one must not be
        handed the answer the 3514 one got for the same key and body."""
        program = await create_program(client, coverage_start="2026-01", coverage_end="2026-12")
        path = f"/v1/programs/{program['id']}/enrolments"
        body = {"worker": worker(7), "start_month": "2026-01"}
        key = {"Idempotency-Key": "shared-key"}
        first = await client.post(path, json=body, headers=auth(**PEMDA_3514) | key)
        assert first.status_code == 201, first.text
        other = await client.post(path, json=body, headers=auth(**PEMDA_3575) | key)
        assert other.status_code == 404, other.text
        assert "idempotent-replayed" not in other.headers
        same = await client.post(path, json=body, headers=auth(**PEMDA_3514) | key)
        assert same.headers.get("idempotent-replayed") == "true"
        assert same.json()["id"] == first.json()["id"]


class TestConcurrentDuplicates:
    """One key, one body, sent ten times at once: one object, and every caller gets its
    answer — never the business error the first's change causes (ALREADY_ENROLLED)."""

    async def test_all_get_the_first_answer(self, client: httpx.AsyncClient) -> None:
        program = await create_program(client)
        url = f"/v1/programs/{program['id']}/enrolments"
        headers = auth(**PEMDA_3514) | {"Idempotency-Key": "enrol-siti"}
        body = {"worker": worker(1)}
        answers = await asyncio.gather(
            *[client.post(url, json=body, headers=headers) for _ in range(10)]
        )
        assert [a.status_code for a in answers] == [201] * 10, [a.text for a in answers]
        assert len({a.json()["id"] for a in answers}) == 1
        replayed = [a.headers.get("idempotent-replayed") for a in answers]
        assert replayed.count("true") == 9 and replayed.count(None) == 1
        assert len(await records()) == 1

    @postgres_only
    async def test_past_the_wait_the_duplicate_is_told_to_retry(
        self, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(idempotency, "IN_PROGRESS_WAIT_SECONDS", 0.3)
        program = await create_program(client)
        url = f"/v1/programs/{program['id']}/enrolments"
        headers = auth(**PEMDA_3514) | {"Idempotency-Key": "slow"}
        first_started, first_may_end = asyncio.Event(), asyncio.Event()
        produce = idempotency.Idempotency.remember

        async def slow_remember(self: Any, *args: Any) -> None:
            await produce(self, *args)
            first_started.set()
            await first_may_end.wait()  # the first holds its transaction open

        monkeypatch.setattr(idempotency.Idempotency, "remember", slow_remember)
        first = asyncio.create_task(client.post(url, json={"worker": worker(1)}, headers=headers))
        await first_started.wait()
        monkeypatch.setattr(idempotency.Idempotency, "remember", produce)
        duplicate = await client.post(url, json={"worker": worker(1)}, headers=headers)
        assert_problem(duplicate, 409, "IDEMPOTENCY_IN_PROGRESS")
        assert duplicate.headers["retry-after"] == "2"
        first_may_end.set()
        assert (await first).status_code == 201
        again = await client.post(url, json={"worker": worker(1)}, headers=headers)
        assert again.headers.get("idempotent-replayed") == "true"
        assert again.json()["id"] == (await first).json()["id"]
