"""identity providers and agents

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 04:41:00.000000
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from db.base import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _resource_columns() -> list[sa.Column[Any]]:
    return [
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("deleted_at", UTCDateTime(), nullable=True),
    ]


def upgrade() -> None:
    op.create_table(
        "identity_providers",
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("protocol", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("issuer", sa.String(length=500), nullable=True),
        sa.Column("client_id", sa.String(length=255), nullable=True),
        sa.Column("client_secret_sealed", sa.Text(), nullable=True),
        sa.Column("scopes", _json(), nullable=False),
        sa.Column("discovery_url", sa.String(length=500), nullable=True),
        sa.Column("entity_id", sa.String(length=1000), nullable=True),
        sa.Column("sso_url", sa.String(length=500), nullable=True),
        sa.Column("metadata_url", sa.String(length=500), nullable=True),
        sa.Column("x509_certificate", sa.Text(), nullable=True),
        sa.Column("certificate_fingerprint", sa.String(length=100), nullable=True),
        sa.Column("certificate_expires_at", UTCDateTime(), nullable=True),
        sa.Column("attribute_mapping", _json(), nullable=False),
        *_resource_columns(),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_identity_providers_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_providers")),
    )
    op.create_index(
        op.f("ix_identity_providers_tenant_id"), "identity_providers", ["tenant_id"], unique=False
    )

    op.create_table(
        "agents",
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.String(length=1000), nullable=True),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("allowed_tools", _json(), nullable=False),
        sa.Column("allowed_scopes", _json(), nullable=False),
        sa.Column("rate_limit_rpm", sa.Integer(), nullable=True),
        *_resource_columns(),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_agents_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agents")),
    )
    op.create_index(op.f("ix_agents_tenant_id"), "agents", ["tenant_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_agents_tenant_id"), table_name="agents")
    op.drop_table("agents")
    op.drop_index(op.f("ix_identity_providers_tenant_id"), table_name="identity_providers")
    op.drop_table("identity_providers")
