"""Collaboration rooms of a tenant and who takes part in them (people and AI models)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, ResourceColumns, UTCDateTime, utcnow


class ParticipantKind(StrEnum):
    PERSON = "person"  # a user of the tenant (`usr_…`)
    MODEL = "model"  # an AI model participant


class Room(ResourceColumns, Base):
    """A room is active until archived (`archived_at`); a deleted room no longer counts."""

    __tablename__ = "rooms"

    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class RoomParticipant(Base):
    """One participant of a room: a person (a user id) or a model participant.

    `participant_id` has no foreign key: it names a row of `users` or of the model
    participants, depending on `kind`.
    """

    __tablename__ = "room_participants"

    room_id: Mapped[str] = mapped_column(ForeignKey("rooms.id"), primary_key=True)
    participant_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
