"""The built-in model catalog: the models a gateway without ScaiGrid offers its tenants.

With `SCAIGATE_SCAIGRID_URL` set, the catalog is ScaiGrid's model list and this table is
not read (`resolvers.model_catalog`). Rows are keyed by the ScaiGrid slug
(`mistralai/voxtral-small-latest`); `seed --demo` fills it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, JSONDocument, UTCDateTime, utcnow


class ModelCatalogEntry(Base):
    __tablename__ = "model_catalog"

    slug: Mapped[str] = mapped_column(String(200), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    provider: Mapped[str] = mapped_column(String(100), nullable=False)
    context_window: Mapped[int | None] = mapped_column(Integer, nullable=True)
    capabilities: Mapped[list[str]] = mapped_column(JSONDocument, nullable=False, default=list)
    description: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False
    )
