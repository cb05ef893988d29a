"""create foundation

Revision ID: 72741ad1fc83
Revises: 
Create Date: 2026-11-22 00:15:08.160087
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
import sqlmodel

import app.db


revision: str = '72741ad1fc83'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('audit_events',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('occurred_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('actor_region_code', sqlmodel.sql.sqltypes.AutoString(length=4), nullable=True),
    sa.Column('region_code', sqlmodel.sql.sqltypes.AutoString(length=4), nullable=True),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('entity_type', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('entity_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('request_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('details', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index('ix_audit_events_entity', ['entity_type', 'entity_id'], unique=False)
        batch_op.create_index('ix_audit_events_region_code_id', ['region_code', 'id'], unique=False)

    op.create_table('regions',
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=4), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('province', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('kabupaten', 'kota')", name=op.f('ck_regions_kind')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_regions'))
    )
    op.create_table('api_clients',
    sa.Column('client_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('secret_hash', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('region_code', sa.String(length=4), nullable=True),
    sa.Column('regions', sa.JSON(), nullable=True),
    sa.Column('scopes', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', app.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("role <> 'pemda' OR region_code IS NOT NULL", name=op.f('ck_api_clients_pemda_region')),
    sa.CheckConstraint("role IN ('pemda', 'bpjs', 'admin', 'service')", name=op.f('ck_api_clients_role')),
    sa.ForeignKeyConstraint(['region_code'], ['regions.code'], name=op.f('fk_api_clients_region_code_regions')),
    sa.PrimaryKeyConstraint('client_id', name=op.f('pk_api_clients'))
    )


def downgrade() -> None:
    op.drop_table('api_clients')
    op.drop_table('regions')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_events_region_code_id')
        batch_op.drop_index('ix_audit_events_entity')

    op.drop_table('audit_events')
