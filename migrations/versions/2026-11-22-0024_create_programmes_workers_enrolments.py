"""create programmes workers enrolments

Revision ID: a3d798cd5493
Revises: 72741ad1fc83
Create Date: 2026-11-22 00:24:29.920274
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
import sqlmodel

import app.db


revision: str = 'a3d798cd5493'
down_revision: str | None = '72741ad1fc83'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('idempotency_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('actor', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('request_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('status_code', sa.Integer(), nullable=False),
    sa.Column('response_body', sa.JSON(), nullable=False),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_idempotency_records')),
    sa.UniqueConstraint('actor', 'key', name=op.f('uq_idempotency_records_actor_key'))
    )
    op.create_table('persons',
    sa.Column('nik', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('died_on', sa.Date(), nullable=True),
    sa.Column('death_claim_id', sa.Uuid(), nullable=True),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('nik', name=op.f('pk_persons'))
    )
    op.create_table('programs',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('region_code', sa.String(length=4), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('fiscal_year', sa.Integer(), nullable=False),
    sa.Column('funding_source', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('budget_idr', sa.BigInteger(), nullable=False),
    sa.Column('target_workers', sa.Integer(), nullable=False),
    sa.Column('max_workers', sa.Integer(), nullable=True),
    sa.Column('coverage_start', sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
    sa.Column('coverage_end', sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
    sa.Column('declared_income_idr', sa.BigInteger(), nullable=False),
    sa.Column('min_age', sa.Integer(), nullable=False),
    sa.Column('max_age', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('committed_idr', sa.BigInteger(), nullable=False),
    sa.Column('enrolled_workers', sa.Integer(), nullable=False),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('open', 'closed')", name=op.f('ck_programs_status')),
    sa.CheckConstraint('budget_idr >= 0', name=op.f('ck_programs_budget_not_negative')),
    sa.CheckConstraint('committed_idr <= budget_idr', name=op.f('ck_programs_committed_within_budget')),
    sa.CheckConstraint('committed_idr >= 0', name=op.f('ck_programs_committed_not_negative')),
    sa.CheckConstraint('coverage_start <= coverage_end', name=op.f('ck_programs_coverage_order')),
    sa.CheckConstraint('min_age <= max_age', name=op.f('ck_programs_age_order')),
    sa.ForeignKeyConstraint(['region_code'], ['regions.code'], name=op.f('fk_programs_region_code_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programs'))
    )
    with op.batch_alter_table('programs', schema=None) as batch_op:
        batch_op.create_index('ix_programs_region_code_id', ['region_code', 'id'], unique=False)

    op.create_table('workers',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('region_code', sa.String(length=4), nullable=False),
    sa.Column('nik', sa.String(length=16), nullable=False),
    sa.Column('full_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=False),
    sa.Column('sex', sqlmodel.sql.sqltypes.AutoString(length=6), nullable=False),
    sa.Column('occupation', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('address', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
    sa.Column('village', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('district', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('kk_number', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('monthly_income_idr', sa.BigInteger(), nullable=True),
    sa.Column('extreme_poor', sa.Boolean(), nullable=True),
    sa.Column('tobacco_sector', sa.Boolean(), nullable=True),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("sex IN ('male', 'female')", name=op.f('ck_workers_sex')),
    sa.ForeignKeyConstraint(['nik'], ['persons.nik'], name=op.f('fk_workers_nik_persons')),
    sa.ForeignKeyConstraint(['region_code'], ['regions.code'], name=op.f('fk_workers_region_code_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workers')),
    sa.UniqueConstraint('region_code', 'nik', name=op.f('uq_workers_region_code_nik'))
    )
    with op.batch_alter_table('workers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workers_nik'), ['nik'], unique=False)

    op.create_table('enrolments',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('program_id', sa.Uuid(), nullable=False),
    sa.Column('worker_id', sa.Uuid(), nullable=False),
    sa.Column('region_code', sa.String(length=4), nullable=False),
    sa.Column('nik', sa.String(length=16), nullable=False),
    sa.Column('occupation', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('start_month', sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
    sa.Column('end_month', sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
    sa.Column('monthly_contribution_idr', sa.BigInteger(), nullable=False),
    sa.Column('cost_idr', sa.BigInteger(), nullable=False),
    sa.Column('registered_on', sa.Date(), nullable=False),
    sa.Column('kpj_number', sqlmodel.sql.sqltypes.AutoString(length=11), nullable=True),
    sa.Column('activated_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('rejection_reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('termination_reason', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('terminated_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status = 'pending' OR status = 'rejected' OR kpj_number IS NOT NULL", name=op.f('ck_enrolments_kpj_when_verified')),
    sa.CheckConstraint("status IN ('pending', 'active', 'rejected', 'terminated')", name=op.f('ck_enrolments_status')),
    sa.CheckConstraint('start_month <= end_month', name=op.f('ck_enrolments_month_order')),
    sa.ForeignKeyConstraint(['nik'], ['persons.nik'], name=op.f('fk_enrolments_nik_persons')),
    sa.ForeignKeyConstraint(['program_id'], ['programs.id'], name=op.f('fk_enrolments_program_id_programs')),
    sa.ForeignKeyConstraint(['region_code'], ['regions.code'], name=op.f('fk_enrolments_region_code_regions')),
    sa.ForeignKeyConstraint(['worker_id'], ['workers.id'], name=op.f('fk_enrolments_worker_id_workers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enrolments')),
    sa.UniqueConstraint('kpj_number', name=op.f('uq_enrolments_kpj_number'))
    )
    with op.batch_alter_table('enrolments', schema=None) as batch_op:
        batch_op.create_index('ix_enrolments_nik_status', ['nik', 'status'], unique=False)
        batch_op.create_index('ix_enrolments_program_id_status', ['program_id', 'status'], unique=False)
        batch_op.create_index('ix_enrolments_region_code_id', ['region_code', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enrolments_worker_id'), ['worker_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('enrolments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enrolments_worker_id'))
        batch_op.drop_index('ix_enrolments_region_code_id')
        batch_op.drop_index('ix_enrolments_program_id_status')
        batch_op.drop_index('ix_enrolments_nik_status')

    op.drop_table('enrolments')
    with op.batch_alter_table('workers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_workers_nik'))

    op.drop_table('workers')
    with op.batch_alter_table('programs', schema=None) as batch_op:
        batch_op.drop_index('ix_programs_region_code_id')

    op.drop_table('programs')
    op.drop_table('persons')
    op.drop_table('idempotency_records')
