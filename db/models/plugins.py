"""The plugin registry (what ScaiWave offers) and which plugins each tenant has turned on.

The registry's rows ship with the product: migration 0007 inserts them, later migrations
add new ones. A tenant without a `tenant_plugins` row for a plugin has it off.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, UTCDateTime, utcnow


class Plugin(Base):
    __tablename__ = "plugins"

    id: Mapped[str] = mapped_column(String(63), primary_key=True)  # a stable key: `web-search`
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    description: Mapped[str] = mapped_column(String(1000), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False
    )


class TenantPlugin(Base):
    __tablename__ = "tenant_plugins"

    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    plugin_id: Mapped[str] = mapped_column(ForeignKey("plugins.id"), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False
    )
