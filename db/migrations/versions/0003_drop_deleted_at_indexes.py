"""drop the deleted_at indexes

Live rows are nearly all rows, so these indexes never narrowed a read; without statistics
SQLite preferred them over the relation indexes (a group-membership batch read went from
~135 ms to ~13 ms on the benchmark data set once they were gone).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 03:20:00.000000
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TABLES = ("partners", "tenants", "users", "groups", "applications")


def upgrade() -> None:
    for table in TABLES:
        op.drop_index(f"ix_{table}_deleted_at", table_name=table)


def downgrade() -> None:
    for table in TABLES:
        op.create_index(f"ix_{table}_deleted_at", table, ["deleted_at"], unique=False)
