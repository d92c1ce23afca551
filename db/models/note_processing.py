"""Note processing: how a tenant's notes are organised by AI (tagging, summaries, retention)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, JSONDocument, UTCDateTime, utcnow


class SummaryLength(StrEnum):
    SHORT = "short"
    MEDIUM = "medium"
    LONG = "long"


class NoteProcessingSettings(Base):
    """One row per tenant that has changed the defaults (see `resolvers.note_processing`)."""

    __tablename__ = "note_processing_settings"

    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean, nullable=False)
    model: Mapped[str | None] = mapped_column(String(200), nullable=True)
    auto_tag: Mapped[bool] = mapped_column(Boolean, nullable=False)
    auto_summarize: Mapped[bool] = mapped_column(Boolean, nullable=False)
    summary_length: Mapped[str] = mapped_column(String(20), nullable=False)
    languages: Mapped[list[str]] = mapped_column(JSONDocument, nullable=False, default=list)
    retention_days: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False
    )
