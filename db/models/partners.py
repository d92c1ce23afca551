"""Partners: resellers that own tenants, with their resource limits."""

from __future__ import annotations

from sqlalchemy import Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, ResourceColumns
from db.enums import PartnerStatus


class Partner(ResourceColumns, Base):
    __tablename__ = "partners"

    name: Mapped[str] = mapped_column(String(200), nullable=False)
    slug: Mapped[str] = mapped_column(String(63), nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default=PartnerStatus.ACTIVE)
    contact_email: Mapped[str | None] = mapped_column(String(320), nullable=True)
    max_tenants: Mapped[int] = mapped_column(Integer, nullable=False, default=10)
    max_users_per_tenant: Mapped[int] = mapped_column(Integer, nullable=False, default=1000)
    max_applications_per_tenant: Mapped[int] = mapped_column(Integer, nullable=False, default=50)

    __table_args__ = (
        Index(
            "uq_partners_slug_live",
            "slug",
            unique=True,
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
    )
