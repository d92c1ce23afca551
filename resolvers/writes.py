"""What every write shares: loading a row to change, patching, soft delete, conflicts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.base import utcnow
from resolvers.errors import NotFound

M = TypeVar("M")


async def load_for_update(
    session: AsyncSession,
    model: type[M],
    resource_id: str,
    scope: ColumnElement[bool],
    *,
    kind: str,
) -> M:
    """The live row, locked for this transaction; invisible rows are simply not found."""
    statement = (
        select(model)
        .where(model.id == resource_id, model.deleted_at.is_(None), scope)  # type: ignore[attr-defined]
        .with_for_update()
    )
    row = (await session.execute(statement)).scalar_one_or_none()
    if row is None:
        raise NotFound.resource(kind, resource_id)
    return row


def apply_patch(
    row: Any, changes: dict[str, Any], validators: dict[str, Callable[[Any], Any]]
) -> None:
    for name, value in changes.items():
        setattr(row, name, validators[name](value) if name in validators else value)


async def count_live(session: AsyncSession, model: Any, *conditions: ColumnElement[bool]) -> int:
    statement = (
        select(func.count()).select_from(model).where(model.deleted_at.is_(None), *conditions)
    )
    return int((await session.execute(statement)).scalar_one())


async def soft_delete_where(
    session: AsyncSession, model: Any, *conditions: ColumnElement[bool]
) -> None:
    await session.execute(
        update(model)
        .where(model.deleted_at.is_(None), *conditions)
        .values(deleted_at=utcnow(), updated_at=utcnow())
    )


async def exists_live(session: AsyncSession, model: Any, *conditions: ColumnElement[bool]) -> bool:
    return await count_live(session, model, *conditions) > 0
