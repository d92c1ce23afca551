"""Keyword-only factories for the ScaiWave settings: catalog models, plugins, participants."""

from __future__ import annotations

import itertools
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.base import utcnow
from db.ids import IdPrefix, new_id
from db.models import (
    AuditEvent,
    ModelCatalogEntry,
    ModelParticipant,
    Plugin,
    Tenant,
    TenantAiConfig,
)
from db.models.participants import ParticipantOrigin, ResponseMode
from db.seed_collaboration import catalog_rows

Sessions = async_sessionmaker[AsyncSession]
VOXTRAL = "mistralai/voxtral-small-latest"
SONNET = "anthropic/claude-sonnet-4-6"

_sequence = itertools.count(1)


async def _save(sessions: Sessions, *rows: Any) -> None:
    async with sessions() as session, session.begin():
        session.add_all(rows)


async def create_catalog_model(
    sessions: Sessions, *, slug: str | None = None, **fields: Any
) -> ModelCatalogEntry:
    n = next(_sequence)
    slug = slug or f"acme/model-{n}"
    row = ModelCatalogEntry(
        slug=slug,
        **{
            "name": f"Model {n}",
            "provider": slug.split("/", 1)[0],
            "context_window": 8192,
            "capabilities": ["chat"],
            "description": None,
            **fields,
        },
    )
    await _save(sessions, row)
    return row


async def create_built_in_catalog(sessions: Sessions) -> list[str]:
    """The demo seed's catalog (voxtral, claude, gpt, …); returns its slugs."""
    rows = catalog_rows(utcnow())
    await _save(sessions, *(ModelCatalogEntry(**row) for row in rows))
    return [row["slug"] for row in rows]


async def create_plugin(
    sessions: Sessions, *, plugin_id: str | None = None, **fields: Any
) -> Plugin:
    n = next(_sequence)
    row = Plugin(
        id=plugin_id or f"plugin-{n}",
        **{"name": f"Plugin {n}", "description": f"Does thing {n}.", **fields},
    )
    await _save(sessions, row)
    return row


async def create_model_participant(
    sessions: Sessions,
    *,
    tenant: Tenant,
    model_slug: str = SONNET,
    origin: ParticipantOrigin = ParticipantOrigin.MANUAL,
    **fields: Any,
) -> ModelParticipant:
    n = next(_sequence)
    row = ModelParticipant(
        id=new_id(IdPrefix.MODEL_PARTICIPANT),
        tenant_id=tenant.id,
        model_slug=model_slug,
        origin=origin.value,
        **{
            "local_id": f"helper-{n}",
            "display_name": f"Helper {n}",
            "system_prompt": None,
            "default_response_mode": ResponseMode.CONVERSATIONAL.value,
            "enabled": True,
            **fields,
        },
    )
    await _save(sessions, row)
    return row


async def stored_ai_config(sessions: Sessions, *, tenant_id: str) -> TenantAiConfig | None:
    async with sessions() as session:
        return await session.get(TenantAiConfig, tenant_id)


async def audit_events(sessions: Sessions, *, action: str | None = None) -> list[AuditEvent]:
    """Every stored audit event (of one action), oldest first."""
    statement = select(AuditEvent).order_by(AuditEvent.id)
    if action is not None:
        statement = statement.where(AuditEvent.action == action)
    async with sessions() as session:
        return list((await session.execute(statement)).scalars())
