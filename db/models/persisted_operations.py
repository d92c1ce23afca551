"""Persisted operations: GraphQL documents stored under their SHA-256, shared by every
gateway process (automatic persisted queries and the allow-list; `gateway.persisted_operations`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, UTCDateTime, utcnow


class PersistedOperation(Base):
    __tablename__ = "persisted_operations"

    # Lowercase hex SHA-256 of `document`'s UTF-8 text.
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    document: Mapped[str] = mapped_column(Text, nullable=False)
    operation_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    # Registered by an operator (`scaigate operations register`): runs in allow-list mode.
    # Documents stored by clients' automatic persisted queries are not.
    allowlisted: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
