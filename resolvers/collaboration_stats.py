"""Statistics of one tenant's collaboration activity: rooms, participants, AI usage, storage.

Every figure is an aggregate computed by the database, in three statements whatever the
data size: rooms and participants together, AI usage grouped by model, storage grouped by
kind (the totals are the sums of those groups). The tables are written by the
collaboration service; this API only reads them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, distinct, func, select

from db.base import utcnow
from db.models import AiUsageRecord, Room, RoomParticipant, StorageObject
from db.models.rooms import ParticipantKind
from resolvers import tenant_context
from resolvers.context import RequestContext

USAGE_WINDOW_DAYS = 30


@dataclass(frozen=True, slots=True)
class RoomStats:
    total: int
    active: int
    archived: int


@dataclass(frozen=True, slots=True)
class ParticipantStats:
    people: int
    models: int


@dataclass(frozen=True, slots=True)
class ModelUsage:
    model: str
    requests: int
    prompt_tokens: int
    completion_tokens: int
    cost_micros: int


@dataclass(frozen=True, slots=True)
class AiUsageStats:
    window_days: int
    since: datetime
    requests: int
    prompt_tokens: int
    completion_tokens: int
    cost_micros: int
    by_model: list[ModelUsage]


@dataclass(frozen=True, slots=True)
class StorageKindUsage:
    kind: str
    objects: int
    bytes: int


@dataclass(frozen=True, slots=True)
class StorageStats:
    objects: int
    bytes: int
    by_kind: list[StorageKindUsage]


@dataclass(frozen=True, slots=True)
class CollaborationStats:
    tenant_id: str
    generated_at: datetime
    rooms: RoomStats
    participants: ParticipantStats
    ai_usage: AiUsageStats
    storage: StorageStats


def _rooms_and_participants(tenant_id: str) -> Any:
    live_room = and_(Room.tenant_id == tenant_id, Room.deleted_at.is_(None))

    def rooms(*conditions: Any) -> Any:
        return select(func.count()).select_from(Room).where(live_room, *conditions)

    def participants(kind: ParticipantKind) -> Any:
        # A person in three rooms is one person: distinct ids across the tenant's rooms.
        return (
            select(func.count(distinct(RoomParticipant.participant_id)))
            .join(Room, Room.id == RoomParticipant.room_id)
            .where(live_room, RoomParticipant.kind == kind.value)
        )

    return select(
        rooms().scalar_subquery().label("total"),
        rooms(Room.archived_at.is_not(None)).scalar_subquery().label("archived"),
        participants(ParticipantKind.PERSON).scalar_subquery().label("people"),
        participants(ParticipantKind.MODEL).scalar_subquery().label("models"),
    )


def _usage_by_model(tenant_id: str, since: datetime) -> Any:
    requests = func.count().label("requests")
    return (
        select(
            AiUsageRecord.model_slug.label("model"),
            requests,
            func.coalesce(func.sum(AiUsageRecord.prompt_tokens), 0).label("prompt_tokens"),
            func.coalesce(func.sum(AiUsageRecord.completion_tokens), 0).label("completion_tokens"),
            func.coalesce(func.sum(AiUsageRecord.cost_micros), 0).label("cost_micros"),
        )
        .where(AiUsageRecord.tenant_id == tenant_id, AiUsageRecord.created_at >= since)
        .group_by(AiUsageRecord.model_slug)
        .order_by(requests.desc(), AiUsageRecord.model_slug)
    )


def _storage_by_kind(tenant_id: str) -> Any:
    return (
        select(
            StorageObject.kind,
            func.count().label("objects"),
            func.coalesce(func.sum(StorageObject.bytes), 0).label("bytes"),
        )
        .where(StorageObject.tenant_id == tenant_id, StorageObject.deleted_at.is_(None))
        .group_by(StorageObject.kind)
        .order_by(StorageObject.kind)
    )


async def get(context: RequestContext, tenant_id: str | None) -> CollaborationStats:
    """The statistics of the tenant in context; AI usage covers the last 30 days."""
    tenant = await tenant_context.resolve(context, tenant_id)
    now = utcnow()
    since = now - timedelta(days=USAGE_WINDOW_DAYS)
    async with context.read() as session:
        counts = (await session.execute(_rooms_and_participants(tenant))).one()
        models = [
            # PostgreSQL sums BIGINT as NUMERIC: back to int, exactly.
            ModelUsage(
                model=row.model,
                requests=int(row.requests),
                prompt_tokens=int(row.prompt_tokens),
                completion_tokens=int(row.completion_tokens),
                cost_micros=int(row.cost_micros),
            )
            for row in await session.execute(_usage_by_model(tenant, since))
        ]
        kinds = [
            StorageKindUsage(kind=row.kind, objects=int(row.objects), bytes=int(row.bytes))
            for row in await session.execute(_storage_by_kind(tenant))
        ]
    return CollaborationStats(
        tenant_id=tenant,
        generated_at=now,
        rooms=RoomStats(
            total=int(counts.total),
            active=int(counts.total) - int(counts.archived),
            archived=int(counts.archived),
        ),
        participants=ParticipantStats(people=int(counts.people), models=int(counts.models)),
        ai_usage=AiUsageStats(
            window_days=USAGE_WINDOW_DAYS,
            since=since,
            requests=sum(m.requests for m in models),
            prompt_tokens=sum(m.prompt_tokens for m in models),
            completion_tokens=sum(m.completion_tokens for m in models),
            cost_micros=sum(m.cost_micros for m in models),
            by_model=models,
        ),
        storage=StorageStats(
            objects=sum(k.objects for k in kinds),
            bytes=sum(k.bytes for k in kinds),
            by_kind=kinds,
        ),
    )
