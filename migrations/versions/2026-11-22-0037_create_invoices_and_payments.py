"""create invoices and payments

Revision ID: ca8ed0046930
Revises: a3d798cd5493
Create Date: 2026-11-22 00:37:43.345224
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
import sqlmodel

import app.db


revision: str = 'ca8ed0046930'
down_revision: str | None = 'a3d798cd5493'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('invoices',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('program_id', sa.Uuid(), nullable=False),
    sa.Column('region_code', sa.String(length=4), nullable=False),
    sa.Column('from_month', sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
    sa.Column('to_month', sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('total_idr', sa.BigInteger(), nullable=False),
    sa.Column('paid_idr', sa.BigInteger(), nullable=False),
    sa.Column('line_count', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('issued_by', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('issued_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('paid_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('cancelled_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('issued', 'paid', 'cancelled')", name=op.f('ck_invoices_status')),
    sa.CheckConstraint('from_month <= to_month', name=op.f('ck_invoices_month_order')),
    sa.CheckConstraint('paid_idr <= total_idr', name=op.f('ck_invoices_paid_within_total')),
    sa.ForeignKeyConstraint(['program_id'], ['programs.id'], name=op.f('fk_invoices_program_id_programs')),
    sa.ForeignKeyConstraint(['region_code'], ['regions.code'], name=op.f('fk_invoices_region_code_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invoices'))
    )
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.create_index('ix_invoices_program_id_status', ['program_id', 'status'], unique=False)
        batch_op.create_index('ix_invoices_region_code_id', ['region_code', 'id'], unique=False)

    op.create_table('invoice_lines',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('invoice_id', sa.Uuid(), nullable=False),
    sa.Column('enrolment_id', sa.Uuid(), nullable=False),
    sa.Column('month', sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
    sa.Column('nik', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('full_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('kpj_number', sqlmodel.sql.sqltypes.AutoString(length=11), nullable=False),
    sa.Column('amount_idr', sa.BigInteger(), nullable=False),
    sa.Column('live', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['enrolment_id'], ['enrolments.id'], name=op.f('fk_invoice_lines_enrolment_id_enrolments')),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], name=op.f('fk_invoice_lines_invoice_id_invoices')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invoice_lines'))
    )
    with op.batch_alter_table('invoice_lines', schema=None) as batch_op:
        batch_op.create_index('ix_invoice_lines_invoice_id_id', ['invoice_id', 'id'], unique=False)
        batch_op.create_index('uq_invoice_lines_enrolment_id_month_live', ['enrolment_id', 'month'], unique=True, postgresql_where=sa.text('live'), sqlite_where=sa.text('live'))

    op.create_table('payments',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('invoice_id', sa.Uuid(), nullable=False),
    sa.Column('region_code', sa.String(length=4), nullable=False),
    sa.Column('amount_idr', sa.BigInteger(), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('reference', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('reported_by', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('reported_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_by', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('decided_at', app.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('rejection_reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.CheckConstraint("status IN ('reported', 'confirmed', 'rejected')", name=op.f('ck_payments_status')),
    sa.CheckConstraint('amount_idr > 0', name=op.f('ck_payments_amount_positive')),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], name=op.f('fk_payments_invoice_id_invoices')),
    sa.ForeignKeyConstraint(['region_code'], ['regions.code'], name=op.f('fk_payments_region_code_regions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payments')),
    sa.UniqueConstraint('invoice_id', 'reference', name=op.f('uq_payments_invoice_id_reference'))
    )
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payments_invoice_id'), ['invoice_id'], unique=False)
        batch_op.create_index('ix_payments_region_code_id', ['region_code', 'id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_index('ix_payments_region_code_id')
        batch_op.drop_index(batch_op.f('ix_payments_invoice_id'))

    op.drop_table('payments')
    with op.batch_alter_table('invoice_lines', schema=None) as batch_op:
        batch_op.drop_index('uq_invoice_lines_enrolment_id_month_live', postgresql_where=sa.text('live'), sqlite_where=sa.text('live'))
        batch_op.drop_index('ix_invoice_lines_invoice_id_id')

    op.drop_table('invoice_lines')
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.drop_index('ix_invoices_region_code_id')
        batch_op.drop_index('ix_invoices_program_id_status')

    op.drop_table('invoices')
