"""SCIM tokens: long-lived bearer secrets a provisioning client uses on one tenant's SCIM base.

Only the SHA-256 of the secret is stored (`token_hash`). The secret is 256 random bits, so
a fast hash loses nothing: a slow password hash (Argon2) exists to make guessing a
low-entropy password expensive, and no guess at 2^256 is cheap enough to matter; a fast one
lets every SCIM request find its token by an indexed equality lookup.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, UTCDateTime, utcnow


class ScimToken(Base):
    """A tenant's SCIM token (`stk_…`), accepted until `revoked_at`.

    Not soft-deleted: a token ends by being revoked, and the row stays as the record of it.
    `last_used_at` is kept to the minute; the audit log holds every use.
    """

    __tablename__ = "scim_tokens"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    # The secret's first characters, shown in lists so that a person can tell tokens apart.
    hint: Mapped[str] = mapped_column(String(16), nullable=False)
    created_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    __table_args__ = (Index("ix_scim_tokens_tenant_id_id", "tenant_id", "id"),)
