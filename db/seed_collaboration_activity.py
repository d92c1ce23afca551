"""Seed data of the ScaiWave activity: rooms and who is in them, AI usage, stored objects,
and some tenants' prompt-studio and note-processing settings.

`seed` calls `write_collaboration_activity` after the tenants, their users, AI settings and
model participants are written. The figures are made by a seeded random generator, so a
demo data set looks lived-in (usage spread over the last weeks, rooms of different sizes)
and is the same on every run.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from db.ids import IdPrefix, new_id
from db.models import (
    AiUsageRecord,
    ModelParticipant,
    NoteProcessingSettings,
    PromptStudioAllowlistEntry,
    PromptStudioSettings,
    Room,
    RoomParticipant,
    StorageObject,
    TenantAiConfig,
    User,
)
from db.models.note_processing import SummaryLength
from db.models.rooms import ParticipantKind
from db.models.usage import StorageKind

Write = Callable[[type[Any], list[dict[str, Any]]], Awaitable[None]]

_ROOM_NAMES = (
    "Weekly planning", "Design review", "Customer onboarding", "Release 3.2", "Incident 2041",
    "Hiring loop", "Quarterly goals", "Support escalations", "Data platform", "Brand refresh",
)  # fmt: skip
_ROOMS_PER_TENANT = 6
_USAGE_PER_TENANT = 40
_OBJECTS_PER_TENANT = 12
# (kind, smallest, largest) in bytes
_OBJECT_SIZES = (
    (StorageKind.FILE, 20_000, 40_000_000),
    (StorageKind.IMAGE, 50_000, 8_000_000),
    (StorageKind.AUDIO, 500_000, 90_000_000),
    (StorageKind.VIDEO, 5_000_000, 900_000_000),
    (StorageKind.NOTE, 500, 60_000),
)
_FALLBACK_MODEL = "anthropic/claude-sonnet-4-6"


async def _ids_by_tenant(connection: AsyncConnection, statement: Any) -> dict[str, list[Any]]:
    grouped: dict[str, list[Any]] = defaultdict(list)
    for row in await connection.execute(statement):
        grouped[row.tenant_id].append(row)
    return grouped


class _Activity:
    def __init__(self, now: datetime) -> None:
        self.now = now
        self.random = random.Random(20_261_123)
        self.rows: dict[type[Any], list[dict[str, Any]]] = defaultdict(list)

    def ago(self, *, days: float) -> datetime:
        return self.now - timedelta(days=days)

    def tenant(
        self, index: int, tenant_id: str, users: list[str], models: list[Any], enabled: list[str]
    ) -> None:
        rooms = [self.room(tenant_id, index, n, users, models) for n in range(_ROOMS_PER_TENANT)]
        for _ in range(_USAGE_PER_TENANT):
            self.usage(tenant_id, rooms, enabled or [_FALLBACK_MODEL])
        for n in range(_OBJECTS_PER_TENANT):
            self.stored_object(tenant_id, rooms, deleted=n == 0)
        self.settings(index, tenant_id, users, enabled)

    def room(self, tenant_id: str, index: int, n: int, users: list[str], models: list[Any]) -> str:
        room_id = new_id(IdPrefix.ROOM)
        created = self.ago(days=self.random.uniform(5, 90))
        self.rows[Room].append(
            {
                "id": room_id,
                "tenant_id": tenant_id,
                "name": _ROOM_NAMES[(index + n) % len(_ROOM_NAMES)],
                # The last two rooms of each tenant are archived.
                "archived_at": created + timedelta(days=3) if n >= _ROOMS_PER_TENANT - 2 else None,
                "created_at": created,
                "updated_at": created,
                "deleted_at": None,
            }
        )
        people = self.random.sample(users, min(len(users), self.random.randint(2, 6)))
        chosen = self.random.sample(models, min(len(models), self.random.randint(0, 2)))
        for pid, kind in [(p, ParticipantKind.PERSON) for p in people] + [
            (m.id, ParticipantKind.MODEL) for m in chosen
        ]:
            self.rows[RoomParticipant].append(
                {
                    "room_id": room_id,
                    "participant_id": pid,
                    "kind": kind.value,
                    "joined_at": created,
                }
            )
        return room_id

    def usage(self, tenant_id: str, rooms: list[str], models: list[str]) -> None:
        prompt = self.random.randint(200, 6_000)
        completion = self.random.randint(50, 1_500)
        self.rows[AiUsageRecord].append(
            {
                "id": new_id(IdPrefix.AI_USAGE),
                "tenant_id": tenant_id,
                "room_id": self.random.choice(rooms),
                "model_slug": self.random.choice(models),
                "prompt_tokens": prompt,
                "completion_tokens": completion,
                # About $3 per million prompt tokens and $15 per million completion tokens.
                "cost_micros": prompt * 3 + completion * 15,
                "created_at": self.ago(days=self.random.uniform(0, 45)),
            }
        )

    def stored_object(self, tenant_id: str, rooms: list[str], *, deleted: bool) -> None:
        kind, smallest, largest = self.random.choice(_OBJECT_SIZES)
        created = self.ago(days=self.random.uniform(0, 60))
        self.rows[StorageObject].append(
            {
                "id": new_id(IdPrefix.STORAGE_OBJECT),
                "tenant_id": tenant_id,
                "room_id": self.random.choice(rooms),
                "kind": kind.value,
                "bytes": self.random.randint(smallest, largest),
                "created_at": created,
                "deleted_at": created + timedelta(days=1) if deleted else None,
            }
        )

    def settings(self, index: int, tenant_id: str, users: list[str], enabled: list[str]) -> None:
        stamps = {"created_at": self.now, "updated_at": self.now}
        if index % 2 == 0:
            self.rows[PromptStudioSettings].append(
                {"tenant_id": tenant_id, "enabled": True, **stamps}
            )
            self.rows[PromptStudioAllowlistEntry].extend(
                {"tenant_id": tenant_id, "user_id": user_id, "created_at": self.now}
                for user_id in users[:3]
            )
        if index % 3 == 0:
            self.rows[NoteProcessingSettings].append(
                {
                    "tenant_id": tenant_id,
                    "enabled": True,
                    "model": enabled[0] if enabled else None,
                    "auto_tag": True,
                    "auto_summarize": True,
                    "summary_length": SummaryLength.SHORT.value,
                    "languages": ["en", "de"],
                    "retention_days": 180,
                    **stamps,
                }
            )


async def write_collaboration_activity(
    connection: AsyncConnection, write: Write, tenants: Sequence[dict[str, Any]], now: datetime
) -> None:
    users = await _ids_by_tenant(
        connection, select(User.id, User.tenant_id).where(User.deleted_at.is_(None))
    )
    models = await _ids_by_tenant(
        connection,
        select(ModelParticipant.id, ModelParticipant.tenant_id).where(
            ModelParticipant.deleted_at.is_(None)
        ),
    )
    configs = {
        row.tenant_id: list(row.enabled_models)
        for row in await connection.execute(
            select(TenantAiConfig.tenant_id, TenantAiConfig.enabled_models)
        )
    }
    activity = _Activity(now)
    for index, tenant in enumerate(tenants):
        tenant_id = tenant["id"]
        activity.tenant(
            index,
            tenant_id,
            sorted(row.id for row in users.get(tenant_id, [])),
            models.get(tenant_id, []),
            configs.get(tenant_id, []),
        )
    # Parents before children (rooms before the rows that name them).
    for model in (
        Room,
        RoomParticipant,
        AiUsageRecord,
        StorageObject,
        PromptStudioSettings,
        PromptStudioAllowlistEntry,
        NoteProcessingSettings,
    ):
        await write(model, activity.rows[model])
