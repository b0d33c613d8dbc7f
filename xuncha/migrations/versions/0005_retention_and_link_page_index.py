"""retention (runs.pruned_at) and the links (run_id, page) index

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 10:12:40.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# The crawler clips indexed URL columns to this many characters (PostgreSQL refuses btree
# entries over ~2.7 kB); links.page becomes indexed here, so older rows get the same clip.
INDEXED_TEXT_MAX = 2000


def upgrade() -> None:
    # Plain ALTER TABLE … ADD COLUMN and CREATE INDEX, not a batch copy: on SQLite a copy of
    # `runs` would drop the table every crawl table references, and `links` can be huge.
    op.add_column("runs", sa.Column("pruned_at", sa.DateTime(timezone=True), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        links = sa.table("links", sa.column("page", sa.Text()))
        op.execute(
            links.update()
            .where(sa.func.length(links.c.page) > INDEXED_TEXT_MAX)
            .values(page=sa.func.substr(links.c.page, 1, INDEXED_TEXT_MAX))
        )
    op.create_index("ix_links_run_page", "links", ["run_id", "page"], unique=False)


def downgrade() -> None:
    # Plain ALTER TABLE … DROP COLUMN (SQLite ≥ 3.35), not a batch copy, for the same reason.
    op.drop_index("ix_links_run_page", table_name="links")
    op.drop_column("runs", "pruned_at")
