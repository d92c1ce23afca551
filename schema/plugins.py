"""Plugins with the tenant's state; turning them on and off."""

from __future__ import annotations

from typing import Any

import strawberry

from resolvers import plugins
from resolvers.pagination import Window
from schema.connection import Connection, connection_from_slice
from schema.context import request_context
from schema.directives import reads, writes
from schema.types.plugin import TenantPlugin
from schema.types.tenant_context import TenantArgument


@strawberry.type
class PluginQuery:
    @strawberry.field(
        extensions=reads(), description="The plugin registry, with the tenant's state."
    )
    async def plugins(
        self,
        info: strawberry.Info,
        tenant_id: TenantArgument = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[TenantPlugin]:
        window = Window.from_relay(first, after)
        return connection_from_slice(await plugins.list_(request_context(info), tenant_id, window))


@strawberry.type
class PluginMutation:
    @strawberry.mutation(extensions=writes(audit="plugin.enable"), description="Idempotent.")
    async def enable_plugin(
        self, info: strawberry.Info, plugin_id: strawberry.ID, tenant_id: TenantArgument = None
    ) -> TenantPlugin:
        row: Any = await plugins.enable(request_context(info), tenant_id, plugin_id)
        return row

    @strawberry.mutation(extensions=writes(audit="plugin.disable"), description="Idempotent.")
    async def disable_plugin(
        self, info: strawberry.Info, plugin_id: strawberry.ID, tenant_id: TenantArgument = None
    ) -> TenantPlugin:
        row: Any = await plugins.disable(request_context(info), tenant_id, plugin_id)
        return row
