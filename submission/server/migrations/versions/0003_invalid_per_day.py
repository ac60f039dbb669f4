"""Per-phase daily cap on submissions that fail validation (they cost no quota, but fill the disk).

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Existing phases get the default cap (rules.DEFAULT_INVALID_PER_DAY); a plain ADD COLUMN, no rebuild.
    op.add_column("phases", sa.Column("invalid_per_day", sa.Integer, nullable=True, server_default=sa.text("20")))


def downgrade() -> None:
    op.drop_column("phases", "invalid_per_day")
