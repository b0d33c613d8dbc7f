"""site_searches: the recent item asked for by its title, and whether the results held it

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 10:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("site_searches", schema=None) as batch_op:
        batch_op.add_column(sa.Column("expected_title", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("expected_url", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("expected_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("found_expected", sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("site_searches", schema=None) as batch_op:
        batch_op.drop_column("found_expected")
        batch_op.drop_column("expected_date")
        batch_op.drop_column("expected_url")
        batch_op.drop_column("expected_title")
