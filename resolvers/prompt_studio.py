"""Prompt studio: whether a tenant has the feature on, and which of its users may use it.

A tenant without a stored row has the defaults: off, nobody allowlisted. The allowlist
holds live users of that tenant only: a write naming anyone else (unknown, deleted, or a
user of another tenant, which are told apart by nobody) is refused naming the id, and a
user deleted later drops out of what reads return.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.base import utcnow
from db.models import PromptStudioAllowlistEntry, PromptStudioSettings, User
from resolvers import audit, tenant_context, validation
from resolvers.context import RequestContext
from resolvers.errors import BadInput
from resolvers.rows import lean

MAX_ALLOWLIST = 1000
ACTION = "prompt_studio.update"
RESOURCE_TYPE = "prompt_studio"
_USERS = User.__table__


@dataclass(frozen=True, slots=True)
class PromptStudioState:
    tenant_id: str
    enabled: bool
    allowlist_users: Sequence[Any]  # live user rows, in ID (creation) order
    updated_at: datetime | None  # None while the tenant has the defaults
    allowlist: list[str] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "allowlist", [user.id for user in self.allowlist_users])


async def _read(session: AsyncSession, tenant_id: str) -> PromptStudioState:
    settings = (
        await session.execute(
            select(PromptStudioSettings.enabled, PromptStudioSettings.updated_at).where(
                PromptStudioSettings.tenant_id == tenant_id
            )
        )
    ).one_or_none()
    users = lean(
        await session.execute(
            select(_USERS)
            .join(PromptStudioAllowlistEntry, PromptStudioAllowlistEntry.user_id == _USERS.c.id)
            .where(
                PromptStudioAllowlistEntry.tenant_id == tenant_id,
                _USERS.c.tenant_id == tenant_id,
                _USERS.c.deleted_at.is_(None),
            )
            .order_by(_USERS.c.id)
        )
    )
    return PromptStudioState(
        tenant_id=tenant_id,
        enabled=bool(settings.enabled) if settings else False,
        allowlist_users=users,
        updated_at=settings.updated_at if settings else None,
    )


async def get(context: RequestContext, tenant_id: str | None) -> PromptStudioState:
    tenant = await tenant_context.resolve(context, tenant_id)
    async with context.read() as session:
        return await _read(session, tenant)


def _allowlist(value: Any) -> list[str]:
    """Distinct ids in the order given; `null` is refused rather than read as empty."""
    if value is None:
        raise BadInput("allowlist", "must not be null (send [] to empty it)")
    return validation.string_list("allowlist", value, max_items=MAX_ALLOWLIST)


async def _ensure_live_users(session: AsyncSession, tenant_id: str, user_ids: list[str]) -> None:
    if not user_ids:
        return
    found = set(
        (
            await session.execute(
                select(User.id).where(
                    User.id.in_(user_ids), User.tenant_id == tenant_id, User.deleted_at.is_(None)
                )
            )
        ).scalars()
    )
    for user_id in user_ids:
        if user_id not in found:
            raise BadInput("allowlist", f"{user_id} is not a user of this tenant")


async def update(
    context: RequestContext, tenant_id: str | None, changes: dict[str, Any]
) -> PromptStudioState:
    """Changes the fields given; `allowlist` replaces the whole list."""
    enabled = validation.flag("enabled", changes["enabled"]) if "enabled" in changes else None
    allowlist = _allowlist(changes["allowlist"]) if "allowlist" in changes else None
    async with context.transaction() as session:
        tenant = (await tenant_context.lock(session, context, tenant_id)).id
        settings = await session.get(PromptStudioSettings, tenant)
        if settings is None:
            settings = PromptStudioSettings(tenant_id=tenant, enabled=False)
            session.add(settings)
        metadata: dict[str, Any] = {}
        if enabled is not None:
            settings.enabled = enabled
            metadata["enabled"] = enabled
        if allowlist is not None:
            await _ensure_live_users(session, tenant, allowlist)
            metadata.update(await _replace_allowlist(session, tenant, allowlist))
        settings.updated_at = utcnow()
        await audit.record(
            session,
            context,
            ACTION,
            resource_type=RESOURCE_TYPE,
            resource_id=tenant,
            tenant_id=tenant,
            metadata=metadata,
        )
        await session.flush()
        return await _read(session, tenant)


async def _replace_allowlist(
    session: AsyncSession, tenant_id: str, user_ids: list[str]
) -> dict[str, list[str]]:
    """Stores exactly `user_ids`; returns what changed, for the audit event."""
    entries = PromptStudioAllowlistEntry
    before = set(
        (await session.execute(select(entries.user_id).where(entries.tenant_id == tenant_id)))
        .scalars()
        .all()
    )
    wanted = set(user_ids)
    removed = sorted(before - wanted)
    added = [user_id for user_id in user_ids if user_id not in before]
    if removed:
        await session.execute(
            delete(entries).where(entries.tenant_id == tenant_id, entries.user_id.in_(removed))
        )
    if added:
        now = utcnow()
        await session.execute(
            insert(entries),
            [{"tenant_id": tenant_id, "user_id": user_id, "created_at": now} for user_id in added],
        )
    return {"allowlist_added": added, "allowlist_removed": removed}
