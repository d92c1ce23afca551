"""search and dashboard indexes

Trigram indexes (pg_trgm, GIN) for case-insensitive search (ILIKE) on PostgreSQL;
btree indexes for users of a tenant by last sign-in and audit events over a time range, on
both databases (the descending users index on PostgreSQL only, as SQLite cannot order NULLs
last in an index).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 09:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

_TRIGRAM_COLUMNS = (
    ("users", ("email", "display_name", "first_name", "last_name")),
    ("groups", ("name",)),
    ("tenants", ("name", "slug")),
    ("partners", ("name", "slug")),
    ("applications", ("name",)),
)


def _postgresql() -> bool:
    return bool(op.get_bind().dialect.name == "postgresql")


def upgrade() -> None:
    op.create_index(
        "ix_users_tenant_id_last_sign_in_at", "users", ["tenant_id", "last_sign_in_at", "id"]
    )
    op.create_index("ix_audit_events_created_at_result", "audit_events", ["created_at", "result"])
    if not _postgresql():
        return
    op.create_index(
        "ix_users_tenant_id_last_sign_in_at_desc",
        "users",
        ["tenant_id", sa.text("last_sign_in_at DESC NULLS LAST"), sa.text("id DESC")],
    )
    # pg_trgm ships with PostgreSQL (contrib); creating it needs the CREATE privilege on the
    # database, which the migrating role has as the owner of its tables.
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table, columns in _TRIGRAM_COLUMNS:
        for column in columns:
            op.create_index(
                f"ix_{table}_{column}_trgm",
                table,
                [column],
                postgresql_using="gin",
                postgresql_ops={column: "gin_trgm_ops"},
            )


def downgrade() -> None:
    if _postgresql():
        for table, columns in _TRIGRAM_COLUMNS:
            for column in columns:
                op.drop_index(f"ix_{table}_{column}_trgm", table_name=table)
        op.drop_index("ix_users_tenant_id_last_sign_in_at_desc", table_name="users")
        # The extension stays: other databases' objects, or the operator's, may use it.
    op.drop_index("ix_audit_events_created_at_result", table_name="audit_events")
    op.drop_index("ix_users_tenant_id_last_sign_in_at", table_name="users")
