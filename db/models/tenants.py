"""Tenants: one customer organisation under a partner."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, JSONDocument, ResourceColumns
from db.enums import TenantStatus


class Tenant(ResourceColumns, Base):
    __tablename__ = "tenants"

    partner_id: Mapped[str] = mapped_column(ForeignKey("partners.id"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    slug: Mapped[str] = mapped_column(String(63), nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default=TenantStatus.ACTIVE)
    contact_email: Mapped[str | None] = mapped_column(String(320), nullable=True)
    settings: Mapped[dict[str, Any]] = mapped_column(JSONDocument, nullable=False, default=dict)
    branding: Mapped[dict[str, Any]] = mapped_column(JSONDocument, nullable=False, default=dict)

    __table_args__ = (
        Index(
            "uq_tenants_slug_live",
            "slug",
            unique=True,
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
    )
