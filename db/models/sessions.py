"""SSO sessions: one row per admin sign-in, which every token it issued is bound to."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, UTCDateTime, utcnow


class SsoSession(Base):
    """A sign-in of an admin user (`ses_…`), live until `expires_at` or `revoked_at`.

    Not a soft-deleted resource: a session ends by being revoked (`revoked_at`,
    `revoked_reason`) or by expiring, and the row stays as the record of it. A token
    carrying the session's id (`sid`) is accepted only while the row is live, checked on
    every request by primary key. `partner_id` and `admin_role` are those at sign-in.
    """

    __tablename__ = "sessions"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), nullable=False)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), nullable=False)
    partner_id: Mapped[str] = mapped_column(ForeignKey("partners.id"), nullable=False)
    admin_role: Mapped[str] = mapped_column(String(20), nullable=False)
    ip: Mapped[str | None] = mapped_column(String(64), nullable=True)
    user_agent: Mapped[str | None] = mapped_column(String(500), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    revoked_reason: Mapped[str | None] = mapped_column(String(40), nullable=True)

    # IDs are time-ordered: (owner, id) serves "this user's / tenant's / partner's sessions"
    # in list order; revoking a user's live sessions finds them by user_id.
    __table_args__ = (
        Index("ix_sessions_user_id_id", "user_id", "id"),
        Index("ix_sessions_tenant_id_id", "tenant_id", "id"),
        Index("ix_sessions_partner_id_id", "partner_id", "id"),
    )
