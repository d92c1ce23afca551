"""Plugins: the registry of what ScaiWave offers, each with the tenant's on/off state.

A plugin is off for a tenant until enabled. Enabling and disabling are idempotent: calling
either again changes nothing, answers the same, and is still recorded as one audit event.
An id the registry does not have is 404.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, false, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.base import utcnow
from db.models import Plugin, TenantPlugin
from resolvers import audit, tenant_context
from resolvers.context import RequestContext
from resolvers.errors import NotFound
from resolvers.pagination import Slice, Window, fetch_slice
from resolvers.rows import lean

RESOURCE_TYPE = "plugin"
_PLUGINS = Plugin.__table__
_STATES = TenantPlugin.__table__


def _with_state(tenant_id: str) -> Any:
    """Every registry plugin with this tenant's state (`updated_at`: of the state, if any)."""
    return select(
        _PLUGINS.c.id,
        _PLUGINS.c.name,
        _PLUGINS.c.description,
        func.coalesce(_STATES.c.enabled, false()).label("enabled"),
        _STATES.c.updated_at,
    ).select_from(
        _PLUGINS.outerjoin(
            _STATES,
            and_(_STATES.c.plugin_id == _PLUGINS.c.id, _STATES.c.tenant_id == tenant_id),
        )
    )


async def list_(context: RequestContext, tenant_id: str | None, window: Window) -> Slice:
    tenant = await tenant_context.resolve(context, tenant_id)
    return await fetch_slice(context.read, _with_state(tenant), _PLUGINS.c.id, window)


async def _one(session: AsyncSession, tenant_id: str, plugin_id: str) -> Any:
    statement = _with_state(tenant_id).where(_PLUGINS.c.id == plugin_id)
    return lean(await session.execute(statement))[0]


async def _set_enabled(
    context: RequestContext, tenant_id: str | None, plugin_id: str, enabled: bool
) -> Any:
    tenant = await tenant_context.resolve(context, tenant_id)
    async with context.transaction() as session:
        await tenant_context.lock(session, context, tenant)
        if await session.get(Plugin, plugin_id) is None:
            raise NotFound.resource("Plugin", plugin_id)
        state = await session.get(TenantPlugin, (tenant, plugin_id))
        changed = (state.enabled if state else False) != enabled
        if state is None and enabled:
            session.add(TenantPlugin(tenant_id=tenant, plugin_id=plugin_id, enabled=True))
        elif state is not None and changed:
            state.enabled = enabled
            state.updated_at = utcnow()
        await session.flush()
        await audit.record(
            session,
            context,
            "plugin.enable" if enabled else "plugin.disable",
            resource_type=RESOURCE_TYPE,
            resource_id=plugin_id,
            tenant_id=tenant,
            metadata={"changed": changed},
        )
        return await _one(session, tenant, plugin_id)


async def enable(context: RequestContext, tenant_id: str | None, plugin_id: str) -> Any:
    return await _set_enabled(context, tenant_id, plugin_id, True)


async def disable(context: RequestContext, tenant_id: str | None, plugin_id: str) -> Any:
    return await _set_enabled(context, tenant_id, plugin_id, False)
