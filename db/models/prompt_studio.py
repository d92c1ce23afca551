"""Prompt studio: a tenant's feature switch and the users it is opened to."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, UTCDateTime, utcnow


class PromptStudioSettings(Base):
    """One row per tenant that has changed the defaults (no row: off, nobody allowlisted)."""

    __tablename__ = "prompt_studio_settings"

    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False
    )


class PromptStudioAllowlistEntry(Base):
    """A user of the tenant allowed into the prompt studio.

    Rows reference live users when written; a user deleted later simply stops being listed
    (reads join the live users), so the allowlist never names someone who is gone.
    """

    __tablename__ = "prompt_studio_allowlist"

    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
