"""scim: tokens, and external ids of users and groups

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-24 09:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from db.base import UTCDateTime

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_LIVE_WITH_EXTERNAL_ID = "deleted_at IS NULL AND external_id IS NOT NULL"


def upgrade() -> None:
    op.create_table(
        "scim_tokens",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("hint", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("last_used_at", UTCDateTime(), nullable=True),
        sa.Column("revoked_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_scim_tokens_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scim_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_scim_tokens_token_hash")),
    )
    op.create_index("ix_scim_tokens_tenant_id_id", "scim_tokens", ["tenant_id", "id"])
    for table in ("users", "groups"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("external_id", sa.String(length=200), nullable=True))
        op.create_index(
            f"uq_{table}_tenant_external_id_live",
            table,
            ["tenant_id", "external_id"],
            unique=True,
            sqlite_where=sa.text(_LIVE_WITH_EXTERNAL_ID),
            postgresql_where=sa.text(_LIVE_WITH_EXTERNAL_ID),
        )


def downgrade() -> None:
    for table in ("groups", "users"):
        op.drop_index(f"uq_{table}_tenant_external_id_live", table_name=table)
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("external_id")
    op.drop_index("ix_scim_tokens_tenant_id_id", table_name="scim_tokens")
    op.drop_table("scim_tokens")
