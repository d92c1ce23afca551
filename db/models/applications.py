"""OAuth applications: platform-wide (`global`) or owned by one tenant."""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, JSONDocument, ResourceColumns


class Application(ResourceColumns, Base):
    __tablename__ = "applications"

    tenant_id: Mapped[str | None] = mapped_column(
        ForeignKey("tenants.id"), nullable=True, index=True
    )
    level: Mapped[str] = mapped_column(String(20), nullable=False)
    app_type: Mapped[str] = mapped_column(String(20), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    description: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    enabled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    client_id: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    client_secret_hash: Mapped[str | None] = mapped_column(String(200), nullable=True)
    allowed_scopes: Mapped[list[str]] = mapped_column(JSONDocument, nullable=False, default=list)
    redirect_uris: Mapped[list[str]] = mapped_column(JSONDocument, nullable=False, default=list)
    allowed_origins: Mapped[list[str]] = mapped_column(JSONDocument, nullable=False, default=list)
    token_lifetime: Mapped[int] = mapped_column(Integer, nullable=False, default=3600)
    token_exchange_allowed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
