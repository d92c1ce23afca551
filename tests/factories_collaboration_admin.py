"""Keyword-only factories for the collaboration activity (rooms, participants, usage,
storage), and the audit events a test reads back."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.base import utcnow
from db.ids import IdPrefix, new_id
from db.models import (
    AiUsageRecord,
    AuditEvent,
    Room,
    RoomParticipant,
    StorageObject,
    Tenant,
    TenantAiConfig,
)
from db.models.rooms import ParticipantKind

Sessions = async_sessionmaker[AsyncSession]
_sequence = itertools.count(1)


async def _save(sessions: Sessions, *rows: Any) -> None:
    async with sessions() as session, session.begin():
        session.add_all(rows)


async def create_room(
    sessions: Sessions,
    *,
    tenant: Tenant,
    archived: bool = False,
    deleted: bool = False,
    people: Sequence[str] = (),
    models: Sequence[str] = (),
    **fields: Any,
) -> Room:
    """A room of `tenant` with `people` (user ids) and `models` (model participant ids) in it."""
    now = utcnow()
    room = Room(
        id=new_id(IdPrefix.ROOM),
        tenant_id=tenant.id,
        archived_at=now if archived else None,
        deleted_at=now if deleted else None,
        **{"name": f"Room {next(_sequence)}", **fields},
    )
    await _save(sessions, room)
    participants = [
        RoomParticipant(room_id=room.id, participant_id=pid, kind=kind.value)
        for kind, ids in ((ParticipantKind.PERSON, people), (ParticipantKind.MODEL, models))
        for pid in ids
    ]
    if participants:
        await _save(sessions, *participants)
    return room


async def record_ai_usage(
    sessions: Sessions,
    *,
    tenant: Tenant,
    model: str,
    prompt_tokens: int,
    completion_tokens: int,
    cost_micros: int,
    created_at: datetime | None = None,
    room: Room | None = None,
) -> AiUsageRecord:
    record = AiUsageRecord(
        id=new_id(IdPrefix.AI_USAGE),
        tenant_id=tenant.id,
        room_id=room.id if room else None,
        model_slug=model,
        prompt_tokens=prompt_tokens,
        completion_tokens=completion_tokens,
        cost_micros=cost_micros,
        created_at=created_at or utcnow(),
    )
    await _save(sessions, record)
    return record


async def store_object(
    sessions: Sessions,
    *,
    tenant: Tenant,
    kind: str,
    size: int,
    deleted: bool = False,
    room: Room | None = None,
) -> StorageObject:
    stored = StorageObject(
        id=new_id(IdPrefix.STORAGE_OBJECT),
        tenant_id=tenant.id,
        room_id=room.id if room else None,
        kind=kind,
        bytes=size,
        deleted_at=utcnow() if deleted else None,
    )
    await _save(sessions, stored)
    return stored


async def recorded_events(sessions: Sessions, *, action: str) -> list[AuditEvent]:
    """The audit events of `action`, oldest first."""
    async with sessions() as session:
        statement = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        return list((await session.execute(statement)).scalars())


async def enable_models(sessions: Sessions, *, tenant: Tenant, models: Sequence[str]) -> None:
    """The tenant's AI configuration with `models` enabled (the first one its default)."""
    await _save(
        sessions,
        TenantAiConfig(
            tenant_id=tenant.id,
            default_model=models[0] if models else None,
            enabled_models=list(models),
            system_prompt_templates=[],
        ),
    )
