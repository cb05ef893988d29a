"""client revocation and idempotency retention: operators disable clients and rotate secrets,
and purge idempotency records past their retention (issue 11)

Revision ID: 56cc1aafb309
Revises: b6c2f0d1e8a4
Create Date: 2026-11-23 16:11:34.095879

`api_clients.tokens_revoked_at`: a client's tokens issued before it are refused (set by
`clients rotate-secret` and `clients disable`); existing clients have none. The index on
`idempotency_records.created_at` serves `python -m app purge`'s range delete.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db


revision: str = '56cc1aafb309'
down_revision: str | None = 'b6c2f0d1e8a4'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('api_clients', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tokens_revoked_at', app.db.UTCDateTime(timezone=True), nullable=True))

    with op.batch_alter_table('idempotency_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_idempotency_records_created_at'), ['created_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('idempotency_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_idempotency_records_created_at'))

    with op.batch_alter_table('api_clients', schema=None) as batch_op:
        batch_op.drop_column('tokens_revoked_at')
