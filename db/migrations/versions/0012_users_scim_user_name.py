"""scim: a user's userName where it is not its e-mail

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 08:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

_LIVE_WITH_USER_NAME = "deleted_at IS NULL AND user_name IS NOT NULL"


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("user_name", sa.String(length=320), nullable=True))
    op.create_index(
        "uq_users_tenant_user_name_live",
        "users",
        ["tenant_id", "user_name"],
        unique=True,
        sqlite_where=sa.text(_LIVE_WITH_USER_NAME),
        postgresql_where=sa.text(_LIVE_WITH_USER_NAME),
    )


def downgrade() -> None:
    op.drop_index("uq_users_tenant_user_name_live", table_name="users")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("user_name")
