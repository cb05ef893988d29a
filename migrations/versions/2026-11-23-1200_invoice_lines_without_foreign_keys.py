"""invoice lines without foreign keys: a line is a frozen snapshot written by one statement

Revision ID: b6c2f0d1e8a4
Revises: aa7cd1aa3da7
Create Date: 2026-11-23 12:00:00

Each line's invoice and enrolment are valid by construction: lines are written only by the
INSERT … SELECT that issues an invoice, which reads the enrolment ids from `enrolments` and
names the invoice inserted in the same transaction, and neither invoices nor enrolments are
ever deleted. The two per-line foreign-key checks were most of the cost of issuing an invoice
(6.5 of 10.8 s for Kab. Pasuruan's 341,376 lines on PostgreSQL).
"""

from collections.abc import Sequence

from alembic import op


revision: str = 'b6c2f0d1e8a4'
down_revision: str | None = 'aa7cd1aa3da7'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('invoice_lines', schema=None) as batch_op:
        batch_op.drop_constraint('fk_invoice_lines_enrolment_id_enrolments', type_='foreignkey')
        batch_op.drop_constraint('fk_invoice_lines_invoice_id_invoices', type_='foreignkey')


def downgrade() -> None:
    with op.batch_alter_table('invoice_lines', schema=None) as batch_op:
        batch_op.create_foreign_key('fk_invoice_lines_invoice_id_invoices', 'invoices', ['invoice_id'], ['id'])
        batch_op.create_foreign_key('fk_invoice_lines_enrolment_id_enrolments', 'enrolments', ['enrolment_id'], ['id'])
