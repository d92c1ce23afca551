"""Test helpers for applications and partners: reading back exactly what was stored."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.base import ResourceColumns
from db.models import Application


async def stored_application(
    sessions: async_sessionmaker[AsyncSession], *, application_id: str
) -> Application:
    """The application row as the database holds it, soft-deleted or not."""
    async with sessions() as session:
        row = await session.get(Application, application_id)
    assert row is not None, f"no application {application_id} stored"
    return row


async def is_soft_deleted(
    sessions: async_sessionmaker[AsyncSession], *, row: ResourceColumns
) -> bool:
    model: Any = type(row)
    async with sessions() as session:
        stored = await session.get(model, row.id)
    assert stored is not None, f"no {type(row).__name__} {row.id} stored"
    return stored.deleted_at is not None
