"""The audit log: one append-only row per admin write and per authentication event."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, JSONDocument, UTCDateTime, utcnow


class AuditEvent(Base):
    """No `updated_at`, no `deleted_at`: nothing in the gateway changes or removes an event.

    `partner_id` and `tenant_id` are the scope the event belongs to when it was written (a
    tenant moved to another partner keeps its history under the old one); they carry no
    foreign keys so that an event outlives anything it names.
    """

    __tablename__ = "audit_events"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    actor_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    actor_type: Mapped[str] = mapped_column(String(20), nullable=False)
    actor_role: Mapped[str | None] = mapped_column(String(20), nullable=True)
    partner_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    tenant_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    action: Mapped[str] = mapped_column(String(80), nullable=False)
    resource_type: Mapped[str | None] = mapped_column(String(40), nullable=True)
    resource_id: Mapped[str | None] = mapped_column(String(300), nullable=True)
    result: Mapped[str] = mapped_column(String(20), nullable=False)
    event_metadata: Mapped[dict[str, Any]] = mapped_column(
        "metadata", JSONDocument, nullable=False, default=dict
    )
    ip: Mapped[str | None] = mapped_column(String(64), nullable=True)
    user_agent: Mapped[str | None] = mapped_column(String(500), nullable=True)
    request_id: Mapped[str | None] = mapped_column(String(64), nullable=True)

    # IDs are time-ordered, so (scope, id) serves "newest first within my scope".
    __table_args__ = (
        Index("ix_audit_events_tenant_id_id", "tenant_id", "id"),
        Index("ix_audit_events_partner_id_id", "partner_id", "id"),
        Index("ix_audit_events_action_created_at", "action", "created_at"),
        Index("ix_audit_events_resource", "resource_type", "resource_id"),
        Index("ix_audit_events_actor_id", "actor_id"),
        # A time range, counted by day and result, from the index alone.
        Index("ix_audit_events_created_at_result", "created_at", "result"),
    )
