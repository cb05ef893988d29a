"""create claims

Revision ID: 56e499c4c376
Revises: ca8ed0046930
Create Date: 2026-11-22 01:22:04.635858
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
import sqlmodel

import app.db


revision: str = '56e499c4c376'
down_revision: str | None = 'ca8ed0046930'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('claims',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('region_code', sa.String(length=4), nullable=False),
    sa.Column('nik', sa.String(length=16), nullable=False),
    sa.Column('enrolment_id', sa.Uuid(), nullable=False),
    sa.Column('date_of_death', sa.Date(), nullable=False),
    sa.Column('cause_of_death', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('death_certificate_number', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('claimant_nik', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('claimant_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('claimant_relationship', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('bank_name', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('bank_account_number', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('documents', sa.JSON(), nullable=False),
    sa.Column('children', sa.JSON(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('documents_note', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('rejection_code', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('rejection_detail', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('benefit', sa.JSON(), nullable=True),
    sa.Column('benefit_total_idr', sa.BigInteger(), nullable=True),
    sa.Column('payment_reference', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('paid_on', sa.Date(), nullable=True),
    sa.Column('documents_complete_on', sa.Date(), nullable=True),
    sa.Column('submitted_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('submitted', 'under_review', 'documents_requested', 'approved', 'paid', 'rejected')", name=op.f('ck_claims_status')),
    sa.ForeignKeyConstraint(['enrolment_id'], ['enrolments.id'], name=op.f('fk_claims_enrolment_id_enrolments')),
    sa.ForeignKeyConstraint(['nik'], ['persons.nik'], name=op.f('fk_claims_nik_persons')),
    sa.ForeignKeyConstraint(['region_code'], ['regions.code'], name=op.f('fk_claims_region_code_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claims'))
    )
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.create_index('ix_claims_region_code_id', ['region_code', 'id'], unique=False)
        batch_op.create_index('uq_claims_nik_live', ['nik'], unique=True, postgresql_where=sa.text("status <> 'rejected'"), sqlite_where=sa.text("status <> 'rejected'"))

    op.create_table('claim_events',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('claim_id', sa.Uuid(), nullable=False),
    sa.Column('from_status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('to_status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('actor', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('occurred_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_claim_events_claim_id_claims')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claim_events'))
    )
    with op.batch_alter_table('claim_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_claim_events_claim_id'), ['claim_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('claim_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_claim_events_claim_id'))

    op.drop_table('claim_events')
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.drop_index('uq_claims_nik_live', postgresql_where=sa.text("status <> 'rejected'"), sqlite_where=sa.text("status <> 'rejected'"))
        batch_op.drop_index('ix_claims_region_code_id')

    op.drop_table('claims')
