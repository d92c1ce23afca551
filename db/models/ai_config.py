"""A tenant's AI settings: its models, prompt templates and how it authenticates to ScaiGrid.

One row per tenant that has changed the defaults (`resolvers.ai_config`). The tenant's
ScaiGrid API key is sealed (`resolvers.sealed_secrets`): it must be presented to ScaiGrid
later, so it cannot be hashed, and the API never returns it.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, JSONDocument, UTCDateTime, utcnow


class ScaiGridAuthMode(StrEnum):
    PER_USER_EXCHANGE = "per_user_exchange"  # each user's token is exchanged for a ScaiGrid one
    TENANT_API_KEY = "tenant_api_key"  # the tenant's own ScaiGrid API key, stored sealed
    DISABLED = "disabled"  # no ScaiGrid calls for this tenant


class TenantAiConfig(Base):
    __tablename__ = "tenant_ai_configs"

    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    default_model: Mapped[str | None] = mapped_column(String(200), nullable=True)
    # Catalog slugs, in the order they were enabled; `default_model` is one of them.
    enabled_models: Mapped[list[str]] = mapped_column(JSONDocument, nullable=False, default=list)
    system_prompt_templates: Mapped[list[dict[str, Any]]] = mapped_column(
        JSONDocument, nullable=False, default=list
    )
    scaigrid_auth_mode: Mapped[str] = mapped_column(
        String(30), nullable=False, default=ScaiGridAuthMode.PER_USER_EXCHANGE
    )
    scaigrid_api_key_sealed: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False
    )
