"""membership and credits: the KPJ is the person's (R10), invoices settle on a day and take
credits (R4, R23), claims name the family and their approval day (R16, R22)

Revision ID: aa7cd1aa3da7
Revises: 56e499c4c376
Create Date: 2026-11-23 10:45:00

Existing data keeps its months and money. Each person takes the KPJ of its earliest activated
enrolment, and its later enrolments are given that number (the numbers frozen on invoice lines
stay as billed). Paid invoices are settled on the latest `paid_on` of their confirmed payments.
Claims approved before get their approval day from their history; a child recorded as
`not_in_school` is `not_yet_in_school`.
"""

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op
import sqlmodel

import app.db


revision: str = 'aa7cd1aa3da7'
down_revision: str | None = '56e499c4c376'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JAKARTA = ZoneInfo("Asia/Jakarta")


def _persons_hold_kpj() -> None:
    with op.batch_alter_table('persons', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kpj_number', sqlmodel.sql.sqltypes.AutoString(length=11), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_persons_kpj_number'), ['kpj_number'])
        batch_op.create_unique_constraint('uq_persons_nik_kpj_number', ['nik', 'kpj_number'])
    op.execute(
        "UPDATE persons SET kpj_number = ("
        " SELECT e.kpj_number FROM enrolments e"
        " WHERE e.nik = persons.nik AND e.kpj_number IS NOT NULL"
        " ORDER BY e.activated_at, e.created_at, e.id LIMIT 1)"
    )
    with op.batch_alter_table('enrolments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_enrolments_kpj_number'), type_='unique')
        batch_op.create_index('ix_enrolments_kpj_number', ['kpj_number'], unique=False)
    op.execute(
        "UPDATE enrolments SET kpj_number = ("
        " SELECT p.kpj_number FROM persons p WHERE p.nik = enrolments.nik)"
        " WHERE kpj_number IS NOT NULL"
    )
    with op.batch_alter_table('enrolments', schema=None) as batch_op:
        batch_op.create_foreign_key('fk_enrolments_nik_kpj_number_persons', 'persons', ['nik', 'kpj_number'], ['nik', 'kpj_number'])


def _invoices_settle_and_credit() -> None:
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.add_column(sa.Column('credit_applied_idr', sa.BigInteger(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('credited_idr', sa.BigInteger(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('settled_on', sa.Date(), nullable=True))
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.alter_column('credit_applied_idr', server_default=None)
        batch_op.alter_column('credited_idr', server_default=None)
        batch_op.create_check_constraint(
            'credits_within_total',
            'credit_applied_idr >= 0 AND credited_idr >= 0'
            ' AND credit_applied_idr + credited_idr <= total_idr',
        )
    op.execute(
        "UPDATE invoices SET settled_on = ("
        " SELECT max(p.paid_on) FROM payments p"
        " WHERE p.invoice_id = invoices.id AND p.status = 'confirmed')"
        " WHERE status = 'paid'"
    )
    with op.batch_alter_table('invoice_lines', schema=None) as batch_op:
        batch_op.add_column(sa.Column('credited', sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table('invoice_lines', schema=None) as batch_op:
        batch_op.alter_column('credited', server_default=None)
    op.create_table('credit_notes',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('program_id', sa.Uuid(), nullable=False),
    sa.Column('region_code', sa.String(length=4), nullable=False),
    sa.Column('enrolment_id', sa.Uuid(), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('from_month', sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
    sa.Column('to_month', sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
    sa.Column('amount_idr', sa.BigInteger(), nullable=False),
    sa.Column('issued_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('amount_idr > 0', name=op.f('ck_credit_notes_amount_positive')),
    sa.ForeignKeyConstraint(['enrolment_id'], ['enrolments.id'], name=op.f('fk_credit_notes_enrolment_id_enrolments')),
    sa.ForeignKeyConstraint(['program_id'], ['programs.id'], name=op.f('fk_credit_notes_program_id_programs')),
    sa.ForeignKeyConstraint(['region_code'], ['regions.code'], name=op.f('fk_credit_notes_region_code_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_credit_notes'))
    )
    with op.batch_alter_table('credit_notes', schema=None) as batch_op:
        batch_op.create_index('ix_credit_notes_program_id', ['program_id'], unique=False)
        batch_op.create_index('ix_credit_notes_region_code_id', ['region_code', 'id'], unique=False)


def _claims_family_and_approval() -> None:
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.add_column(sa.Column('family', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('approved_on', sa.Date(), nullable=True))
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.alter_column('family', server_default=None)
    bind = op.get_bind()
    approvals = bind.execute(
        sa.text(
            "SELECT claim_id, min(occurred_at) FROM claim_events"
            " WHERE to_status = 'approved' GROUP BY claim_id"
        )
    ).all()
    for claim_id, occurred_at in approvals:
        if isinstance(occurred_at, str):  # SQLite hands back text
            occurred_at = datetime.fromisoformat(occurred_at)
        if occurred_at.tzinfo is None:
            occurred_at = occurred_at.replace(tzinfo=UTC)
        bind.execute(
            sa.text("UPDATE claims SET approved_on = :day WHERE id = :id"),
            {"day": occurred_at.astimezone(JAKARTA).date(), "id": claim_id},
        )
    for claim_id, children in bind.execute(sa.text("SELECT id, children FROM claims")).all():
        if isinstance(children, str):
            children = json.loads(children)
        renamed = [
            c | {"education_level": "not_yet_in_school"}
            if c.get("education_level") == "not_in_school"
            else c
            for c in children
        ]
        if renamed != children:
            bind.execute(
                sa.text("UPDATE claims SET children = :children WHERE id = :id"),
                {"children": json.dumps(renamed), "id": claim_id},
            )


def upgrade() -> None:
    _persons_hold_kpj()
    _invoices_settle_and_credit()
    _claims_family_and_approval()


def downgrade() -> None:
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.drop_column('approved_on')
        batch_op.drop_column('family')

    with op.batch_alter_table('credit_notes', schema=None) as batch_op:
        batch_op.drop_index('ix_credit_notes_region_code_id')
        batch_op.drop_index('ix_credit_notes_program_id')
    op.drop_table('credit_notes')

    with op.batch_alter_table('invoice_lines', schema=None) as batch_op:
        batch_op.drop_column('credited')

    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_invoices_credits_within_total'), type_='check')
        batch_op.drop_column('settled_on')
        batch_op.drop_column('credited_idr')
        batch_op.drop_column('credit_applied_idr')

    # Before this revision a KPJ was unique per enrolment: renewals shared their person's
    # number, so all but the earliest enrolment of a person lose it on the way down.
    with op.batch_alter_table('enrolments', schema=None) as batch_op:
        batch_op.drop_constraint('fk_enrolments_nik_kpj_number_persons', type_='foreignkey')
        batch_op.drop_index('ix_enrolments_kpj_number')
    op.execute(
        "UPDATE enrolments SET kpj_number = NULL, status = 'pending'"
        " WHERE kpj_number IS NOT NULL AND id <> ("
        " SELECT e.id FROM enrolments e WHERE e.kpj_number = enrolments.kpj_number"
        " ORDER BY e.activated_at, e.created_at, e.id LIMIT 1)"
    )
    with op.batch_alter_table('enrolments', schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f('uq_enrolments_kpj_number'), ['kpj_number'])

    with op.batch_alter_table('persons', schema=None) as batch_op:
        batch_op.drop_constraint('uq_persons_nik_kpj_number', type_='unique')
        batch_op.drop_constraint(batch_op.f('uq_persons_kpj_number'), type_='unique')
        batch_op.drop_column('kpj_number')
