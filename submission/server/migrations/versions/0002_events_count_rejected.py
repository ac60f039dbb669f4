"""Audit log of admin actions, and the per-phase policy whether rejected submissions count.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("action", sa.String(50), nullable=False),
        sa.Column("submission_id", sa.Integer, sa.ForeignKey("submissions.id"), nullable=True),
        sa.Column("detail", sa.Text, nullable=False),
    )
    # Existing phases keep the documented default: rejected submissions do not count.
    # A plain ADD COLUMN (no table rebuild): SQLite supports it for a NOT NULL column with a default.
    op.add_column("phases", sa.Column("count_rejected", sa.Boolean, nullable=False, server_default=sa.false()))


def downgrade() -> None:
    op.drop_column("phases", "count_rejected")
    op.drop_table("events")
