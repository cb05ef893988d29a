"""Existing data survives the membership-and-credits migration (issue 8): enrolments keep their
months, each person ends with one KPJ that no other person holds, paid invoices get the day
they were settled, approved claims their approval day."""

import json
import sqlite3
import tempfile
import uuid
from pathlib import Path

from alembic import command
from alembic.config import Config

from app.cli import ROOT

BEFORE = "56e499c4c376"  # create claims: KPJ unique per enrolment, no credits
NIK = "3514011708900001"
OTHER_NIK = "3514011708900002"
NOW = "2026-01-01 00:00:00.000000"


def config(url: str) -> Config:
    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.attributes["configure_logging"] = False
    cfg.attributes["database_url"] = url
    return cfg


def insert(db: sqlite3.Connection, table: str, **row: object) -> None:
    values = {k: v.hex if isinstance(v, uuid.UUID) else v for k, v in row.items()}
    marks = ", ".join("?" for _ in values)
    db.execute(f"INSERT INTO {table} ({', '.join(values)}) VALUES ({marks})", list(values.values()))  # noqa: S608


def legacy_data(db: sqlite3.Connection) -> dict[str, uuid.UUID]:
    ids = {
        name: uuid.uuid4()
        for name in (
            "program",
            "worker",
            "worker2",
            "e2026",
            "e2027",
            "e_other",
            "invoice",
            "payment",
            "claim",
            "event",
        )
    }
    insert(
        db,
        "regions",
        code="3514",
        name="Kabupaten Pasuruan",
        kind="kabupaten",
        province="Jawa Timur",
        created_at=NOW,
    )
    insert(
        db,
        "programs",
        id=ids["program"],
        region_code="3514",
        name="P",
        fiscal_year=2026,
        funding_source="DBHCHT",
        budget_idr=10**9,
        target_workers=10,
        coverage_start="2026-01",
        coverage_end="2026-12",
        declared_income_idr=10**6,
        min_age=15,
        max_age=65,
        status="open",
        committed_idr=3 * 12 * 16_800,
        enrolled_workers=3,
        created_at=NOW,
        updated_at=NOW,
    )
    for nik, worker in ((NIK, "worker"), (OTHER_NIK, "worker2")):
        insert(db, "persons", nik=nik, created_at=NOW)
        insert(
            db,
            "workers",
            id=ids[worker],
            region_code="3514",
            nik=nik,
            full_name="W",
            birth_date="1990-08-17",
            sex="male",
            occupation="petani",
            created_at=NOW,
            updated_at=NOW,
        )
    for key, nik, worker, kpj, start, end, activated in (
        ("e2026", NIK, "worker", "11111111111", "2026-01", "2026-06", "2026-01-02 00:00:00"),
        ("e2027", NIK, "worker", "22222222222", "2026-07", "2026-12", "2026-06-20 00:00:00"),
        ("e_other", OTHER_NIK, "worker2", "33333333333", "2026-01", "2026-12", NOW),
    ):
        insert(
            db,
            "enrolments",
            id=ids[key],
            program_id=ids["program"],
            worker_id=ids[worker],
            region_code="3514",
            nik=nik,
            occupation="petani",
            status="active",
            start_month=start,
            end_month=end,
            monthly_contribution_idr=16_800,
            cost_idr=16_800,
            registered_on="2026-01-01",
            kpj_number=kpj,
            activated_at=activated,
            created_at=NOW,
            updated_at=NOW,
        )
    insert(
        db,
        "invoices",
        id=ids["invoice"],
        program_id=ids["program"],
        region_code="3514",
        from_month="2026-01",
        to_month="2026-01",
        status="paid",
        total_idr=16_800,
        paid_idr=16_800,
        line_count=1,
        due_on="2026-01-15",
        issued_by="bpjs",
        issued_at=NOW,
    )
    insert(
        db,
        "invoice_lines",
        invoice_id=ids["invoice"],
        enrolment_id=ids["e2026"],
        month="2026-01",
        nik=NIK,
        full_name="W",
        kpj_number="11111111111",
        amount_idr=16_800,
        live=True,
    )
    insert(
        db,
        "payments",
        id=ids["payment"],
        invoice_id=ids["invoice"],
        region_code="3514",
        amount_idr=16_800,
        paid_on="2026-01-09",
        reference="TRF",
        status="confirmed",
        reported_by="pemda",
        reported_at=NOW,
    )
    child = {"full_name": "Anak", "birth_date": "2024-01-01", "education_level": "not_in_school"}
    insert(
        db,
        "claims",
        id=ids["claim"],
        region_code="3514",
        nik=NIK,
        enrolment_id=ids["e2026"],
        date_of_death="2026-01-20",
        cause_of_death="illness",
        death_certificate_number="AKT",
        claimant_nik=OTHER_NIK,
        claimant_name="S",
        claimant_relationship="spouse",
        bank_name="B",
        bank_account_number="12345",
        documents="[]",
        children=json.dumps([child]),
        status="approved",
        submitted_at=NOW,
        updated_at=NOW,
    )
    # 20:30 UTC on 31 January is already 1 February in Jakarta.
    insert(
        db,
        "claim_events",
        id=ids["event"],
        claim_id=ids["claim"],
        from_status="under_review",
        to_status="approved",
        actor="bpjs",
        role="bpjs",
        occurred_at="2026-01-31 20:30:00.000000",
    )
    db.commit()
    return ids


def test_existing_data_migrates_without_loss() -> None:
    path = Path(tempfile.mkdtemp()) / "legacy.db"
    url = f"sqlite+aiosqlite:///{path}"
    command.upgrade(config(url), BEFORE)
    with sqlite3.connect(path) as db:
        ids = legacy_data(db)
    command.upgrade(config(url), "head")
    with sqlite3.connect(path) as db:
        persons = dict(db.execute("SELECT nik, kpj_number FROM persons").fetchall())
        assert persons == {NIK: "11111111111", OTHER_NIK: "33333333333"}
        enrolments = {
            row[0]: row[1:]
            for row in db.execute("SELECT id, kpj_number, start_month, end_month FROM enrolments")
        }
        assert enrolments[ids["e2026"].hex] == ("11111111111", "2026-01", "2026-06")
        assert enrolments[ids["e2027"].hex] == ("11111111111", "2026-07", "2026-12")
        assert enrolments[ids["e_other"].hex] == ("33333333333", "2026-01", "2026-12")
        invoice = db.execute(
            "SELECT settled_on, credit_applied_idr, credited_idr FROM invoices"
        ).fetchone()
        assert invoice == ("2026-01-09", 0, 0)
        assert db.execute("SELECT credited, kpj_number FROM invoice_lines").fetchone() == (
            0,
            "11111111111",
        )
        approved_on, children, family = db.execute(
            "SELECT approved_on, children, family FROM claims"
        ).fetchone()
        assert approved_on == "2026-02-01"
        assert json.loads(children)[0]["education_level"] == "not_yet_in_school"
        assert json.loads(family) == []
        # A KPJ can no longer be given to another person, in the database itself.
        try:
            db.execute("PRAGMA foreign_keys = ON")
            db.execute(
                "UPDATE enrolments SET kpj_number = '11111111111' WHERE id = ?",
                (ids["e_other"].hex,),
            )
        except sqlite3.IntegrityError:
            pass
        else:
            raise AssertionError("an enrolment took another person's KPJ")
