"""collaboration settings: AI config, model catalog, plugins, participants

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 04:43:00.000000
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from db.base import UTCDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")

# The plugin registry as this release ships it (frozen here: a later release adds plugins
# with a migration of its own).
_PLUGINS = (
    ("web-search", "Web search",
     "Lets AI participants search the web and cite their sources in the room."),
    ("code-interpreter", "Code interpreter",
     "Runs Python in an isolated sandbox for calculations, data analysis and charts."),
    ("file-analysis", "File analysis",
     "Reads documents shared in a room (PDF, Word, spreadsheets, slides) so that AI "
     "participants can answer from them."),
    ("image-generation", "Image generation",
     "Creates images from a description, on request in a room."),
    ("meeting-transcription", "Meeting transcription",
     "Transcribes calls and voice notes and keeps the transcript with the room's notes."),
    ("calendar", "Calendar",
     "Proposes meeting times and sends invitations through the members' connected calendars."),
    ("issue-tracker", "Issue tracker",
     "Turns action items agreed in a room into issues in Jira, Linear or GitHub."),
)  # fmt: skip


def _stamps() -> list[sa.Column[object]]:
    return [
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    ]


def _tenant_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["tenant_id"], ["tenants.id"], name=op.f(f"fk_{table}_tenant_id_tenants")
    )


def upgrade() -> None:
    op.create_table(
        "model_catalog",
        sa.Column("slug", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("provider", sa.String(length=100), nullable=False),
        sa.Column("context_window", sa.Integer(), nullable=True),
        sa.Column("capabilities", _JSON, nullable=False),
        sa.Column("description", sa.String(length=1000), nullable=True),
        *_stamps(),
        sa.PrimaryKeyConstraint("slug", name=op.f("pk_model_catalog")),
    )
    op.create_table(
        "tenant_ai_configs",
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("default_model", sa.String(length=200), nullable=True),
        sa.Column("enabled_models", _JSON, nullable=False),
        sa.Column("system_prompt_templates", _JSON, nullable=False),
        sa.Column("scaigrid_auth_mode", sa.String(length=30), nullable=False),
        sa.Column("scaigrid_api_key_sealed", sa.Text(), nullable=True),
        *_stamps(),
        _tenant_fk("tenant_ai_configs"),
        sa.PrimaryKeyConstraint("tenant_id", name=op.f("pk_tenant_ai_configs")),
    )
    plugins = op.create_table(
        "plugins",
        sa.Column("id", sa.String(length=63), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.String(length=1000), nullable=False),
        *_stamps(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plugins")),
    )
    op.create_table(
        "tenant_plugins",
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("plugin_id", sa.String(length=63), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        *_stamps(),
        _tenant_fk("tenant_plugins"),
        sa.ForeignKeyConstraint(
            ["plugin_id"], ["plugins.id"], name=op.f("fk_tenant_plugins_plugin_id_plugins")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "plugin_id", name=op.f("pk_tenant_plugins")),
    )
    op.create_table(
        "model_participants",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("deleted_at", UTCDateTime(), nullable=True),
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("model_slug", sa.String(length=200), nullable=False),
        sa.Column("origin", sa.String(length=20), nullable=False),
        sa.Column("local_id", sa.String(length=63), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("system_prompt", sa.Text(), nullable=True),
        sa.Column("default_response_mode", sa.String(length=20), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        _tenant_fk("model_participants"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_model_participants")),
    )
    op.create_index(op.f("ix_model_participants_tenant_id"), "model_participants", ["tenant_id"])
    op.create_index(
        "uq_model_participants_tenant_local_id_live",
        "model_participants",
        ["tenant_id", "local_id"],
        unique=True,
        sqlite_where=sa.text("deleted_at IS NULL"),
        postgresql_where=sa.text("deleted_at IS NULL"),
    )
    op.create_index(
        "uq_model_participants_catalog_model_live",
        "model_participants",
        ["tenant_id", "model_slug"],
        unique=True,
        sqlite_where=sa.text("origin = 'catalog' AND deleted_at IS NULL"),
        postgresql_where=sa.text("origin = 'catalog' AND deleted_at IS NULL"),
    )
    now = datetime.now(UTC)
    op.bulk_insert(
        plugins,
        [
            {"id": key, "name": name, "description": text, "created_at": now, "updated_at": now}
            for key, name, text in _PLUGINS
        ],
    )


def downgrade() -> None:
    op.drop_table("model_participants")
    op.drop_table("tenant_plugins")
    op.drop_table("plugins")
    op.drop_table("tenant_ai_configs")
    op.drop_table("model_catalog")
