"""collaboration activity: prompt studio, note processing, rooms, usage, storage

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 04:44:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from db.base import UTCDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _tenant_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["tenant_id"], ["tenants.id"], name=op.f(f"fk_{table}_tenant_id_tenants")
    )


def _room_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["room_id"], ["rooms.id"], name=op.f(f"fk_{table}_room_id_rooms")
    )


def upgrade() -> None:
    op.create_table(
        "prompt_studio_settings",
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        _tenant_fk("prompt_studio_settings"),
        sa.PrimaryKeyConstraint("tenant_id", name=op.f("pk_prompt_studio_settings")),
    )
    op.create_table(
        "prompt_studio_allowlist",
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("user_id", sa.String(length=40), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        _tenant_fk("prompt_studio_allowlist"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_prompt_studio_allowlist_user_id_users")
        ),
        sa.PrimaryKeyConstraint("tenant_id", "user_id", name=op.f("pk_prompt_studio_allowlist")),
    )
    op.create_index(
        op.f("ix_prompt_studio_allowlist_user_id"), "prompt_studio_allowlist", ["user_id"]
    )
    op.create_table(
        "note_processing_settings",
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("model", sa.String(length=200), nullable=True),
        sa.Column("auto_tag", sa.Boolean(), nullable=False),
        sa.Column("auto_summarize", sa.Boolean(), nullable=False),
        sa.Column("summary_length", sa.String(length=20), nullable=False),
        sa.Column("languages", _JSON, nullable=False),
        sa.Column("retention_days", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        _tenant_fk("note_processing_settings"),
        sa.PrimaryKeyConstraint("tenant_id", name=op.f("pk_note_processing_settings")),
    )
    op.create_table(
        "rooms",
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("archived_at", UTCDateTime(), nullable=True),
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("deleted_at", UTCDateTime(), nullable=True),
        _tenant_fk("rooms"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rooms")),
    )
    op.create_index(op.f("ix_rooms_tenant_id"), "rooms", ["tenant_id"])
    op.create_table(
        "room_participants",
        sa.Column("room_id", sa.String(length=40), nullable=False),
        sa.Column("participant_id", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("joined_at", UTCDateTime(), nullable=False),
        _room_fk("room_participants"),
        sa.PrimaryKeyConstraint("room_id", "participant_id", name=op.f("pk_room_participants")),
    )
    op.create_table(
        "ai_usage_records",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("room_id", sa.String(length=40), nullable=True),
        sa.Column("model_slug", sa.String(length=200), nullable=False),
        sa.Column("prompt_tokens", sa.Integer(), nullable=False),
        sa.Column("completion_tokens", sa.Integer(), nullable=False),
        sa.Column("cost_micros", sa.BigInteger(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        _tenant_fk("ai_usage_records"),
        _room_fk("ai_usage_records"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ai_usage_records")),
    )
    op.create_index(
        "ix_ai_usage_records_tenant_id_created_at",
        "ai_usage_records",
        ["tenant_id", "created_at"],
    )
    op.create_table(
        "storage_objects",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("tenant_id", sa.String(length=40), nullable=False),
        sa.Column("room_id", sa.String(length=40), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("bytes", sa.BigInteger(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("deleted_at", UTCDateTime(), nullable=True),
        _tenant_fk("storage_objects"),
        _room_fk("storage_objects"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_storage_objects")),
    )
    op.create_index(op.f("ix_storage_objects_tenant_id"), "storage_objects", ["tenant_id"])


def downgrade() -> None:
    for table in (
        "storage_objects",
        "ai_usage_records",
        "room_participants",
        "rooms",
        "note_processing_settings",
        "prompt_studio_allowlist",
        "prompt_studio_settings",
    ):
        op.drop_table(table)
