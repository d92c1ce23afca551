"""AI model participants of a tenant: a catalog model with a name, a prompt and a manner.

People take part as themselves (the tenant's users); models take part through these rows.
A model's *catalog* participant is the one `PUT /models/{slug}/participant` configures (at
most one per model and tenant); *manual* ones are created with `POST /participants/model`,
any number per model. `local_id` names a participant within its tenant (`@code-helper`).
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, ResourceColumns


class ResponseMode(StrEnum):
    CONVERSATIONAL = "conversational"  # answers every message in its rooms
    ON_MENTION = "on_mention"  # answers when mentioned (`@local_id`)
    SILENT = "silent"  # listens, never answers unless asked directly by a tool


class ParticipantOrigin(StrEnum):
    CATALOG = "catalog"  # configured from the model catalog, one per model
    MANUAL = "manual"  # created on its own


class ModelParticipant(ResourceColumns, Base):
    __tablename__ = "model_participants"

    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), nullable=False, index=True)
    model_slug: Mapped[str] = mapped_column(String(200), nullable=False)
    origin: Mapped[str] = mapped_column(String(20), nullable=False)
    local_id: Mapped[str] = mapped_column(String(63), nullable=False)
    display_name: Mapped[str] = mapped_column(String(200), nullable=False)
    system_prompt: Mapped[str | None] = mapped_column(Text, nullable=True)
    default_response_mode: Mapped[str] = mapped_column(String(20), nullable=False)
    enabled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)

    __table_args__ = (
        Index(
            "uq_model_participants_tenant_local_id_live",
            "tenant_id",
            "local_id",
            unique=True,
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
        Index(
            "uq_model_participants_catalog_model_live",
            "tenant_id",
            "model_slug",
            unique=True,
            sqlite_where=text("origin = 'catalog' AND deleted_at IS NULL"),
            postgresql_where=text("origin = 'catalog' AND deleted_at IS NULL"),
        ),
    )
