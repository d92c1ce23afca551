"""statistics on the UTC day of created_at, for counts by day

`countBy(field: CREATED_DAY)` groups by `CAST(created_at AT TIME ZONE 'UTC' AS DATE)`.
Without statistics on that expression PostgreSQL takes every row for its own group: it
sorts instead of hashing (spilling to disk over a week of audit events) and crosses the
JIT threshold. Extended statistics on the expression (PostgreSQL 14+) give it the number of
days. PostgreSQL only; SQLite has no such statistics and needs none.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 08:45:00.000000
"""

from __future__ import annotations

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

# Tables counted by day on dashboards, the audit log first.
_TABLES = ("audit_events", "users", "sessions")


def _postgresql() -> bool:
    return bool(op.get_bind().dialect.name == "postgresql")


def upgrade() -> None:
    if not _postgresql():
        return
    for table in _TABLES:
        op.execute(
            f"CREATE STATISTICS IF NOT EXISTS {table}_created_day "
            f"ON ((created_at AT TIME ZONE 'UTC')::date) FROM {table}"
        )
        op.execute(f"ANALYZE {table}")


def downgrade() -> None:
    if not _postgresql():
        return
    for table in _TABLES:
        op.execute(f"DROP STATISTICS IF EXISTS {table}_created_day")
