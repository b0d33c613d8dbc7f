"""list_items indexes for incremental nights (增量巡查)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 21:00:00.000000
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Carrying unchanged pages forward asks, for every page of the last run, whether tonight's
    # lists still show it, and reads an unchanged list page's entries.
    op.create_index("ix_list_items_run_url", "list_items", ["run_id", "url"], unique=False)
    op.create_index(
        "ix_list_items_run_list_page", "list_items", ["run_id", "list_page"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_list_items_run_list_page", table_name="list_items")
    op.drop_index("ix_list_items_run_url", table_name="list_items")
