"""Types of a tenant's collaboration statistics: rooms, participants, AI usage, storage."""

from __future__ import annotations

from datetime import datetime

import strawberry

from schema.scalars import BigInt


@strawberry.type(description="Live rooms: active ones and archived ones.")
class RoomStats:
    total: int
    active: int
    archived: int


@strawberry.type(description="Distinct participants across the tenant's rooms.")
class ParticipantStats:
    people: int
    models: int


@strawberry.type(description="AI requests of one model in the usage window.")
class ModelUsage:
    model: str
    requests: int
    prompt_tokens: BigInt
    completion_tokens: BigInt
    cost_micros: BigInt = strawberry.field(description="Cost in millionths of the currency.")


@strawberry.type(description="AI requests in the last `windowDays` days.")
class AiUsageStats:
    window_days: int
    since: datetime
    requests: int
    prompt_tokens: BigInt
    completion_tokens: BigInt
    cost_micros: BigInt = strawberry.field(description="Cost in millionths of the currency.")
    by_model: list[ModelUsage] = strawberry.field(
        description="Per model, most requests first (ties by model)."
    )


@strawberry.type(description="Stored objects of one kind.")
class StorageKindUsage:
    kind: str = strawberry.field(description="`file`, `image`, `audio`, `video` or `note`.")
    objects: int
    bytes: BigInt


@strawberry.type(description="Stored objects that have not been deleted.")
class StorageStats:
    objects: int
    bytes: BigInt
    by_kind: list[StorageKindUsage]


@strawberry.type(description="A tenant's collaboration statistics, computed when asked.")
class CollaborationStats:
    tenant_id: strawberry.ID
    generated_at: datetime
    rooms: RoomStats
    participants: ParticipantStats
    ai_usage: AiUsageStats
    storage: StorageStats
