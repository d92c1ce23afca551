"""MCP agent queries and mutations."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from resolvers import agents, resources
from schema.connection import connection_from_keyset
from schema.context import request_context
from schema.directives import reads, writes
from schema.inputs import provided_fields
from schema.prefetch import prefetched
from schema.selection import page_relay
from schema.types import connections
from schema.types.agent import Agent
from schema.types.deleted import DeletedNode
from schema.types.filters import filter_type, listing, order_type, search_description

if TYPE_CHECKING:
    AgentFilter = Any
    AgentOrderBy = Any
else:
    AgentFilter = filter_type(resources.AGENT)
    AgentOrderBy = order_type(resources.AGENT)
AGENT_SEARCH = search_description(resources.AGENT)

_SCOPES = "Only scopes the caller holds itself can be added (403 otherwise)."
_TOOLS = "Unique MCP tool names: letters, digits, '_', '.', ':', '-'."
_RATE = "Requests per minute, 1 to 100000; null: no limit."


@strawberry.input(description="`tenantId` may be left out by a tenant admin: its own tenant.")
class CreateAgentInput:
    name: str
    tenant_id: strawberry.ID | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    enabled: bool | None = strawberry.UNSET
    allowed_tools: list[str] | None = strawberry.field(default=strawberry.UNSET, description=_TOOLS)
    allowed_scopes: list[str] | None = strawberry.field(
        default=strawberry.UNSET, description=_SCOPES
    )
    rate_limit_rpm: int | None = strawberry.field(default=strawberry.UNSET, description=_RATE)


@strawberry.input(description="Only the fields given are changed; the tenant is fixed.")
class UpdateAgentInput:
    name: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    enabled: bool | None = strawberry.UNSET
    allowed_tools: list[str] | None = strawberry.field(default=strawberry.UNSET, description=_TOOLS)
    allowed_scopes: list[str] | None = strawberry.field(
        default=strawberry.UNSET, description=_SCOPES
    )
    rate_limit_rpm: int | None = strawberry.field(default=strawberry.UNSET, description=_RATE)


@strawberry.type
class AgentQuery:
    @strawberry.field(extensions=reads(), description="MCP agents of the caller's tenants.")
    async def agents(
        self,
        info: strawberry.Info,
        first: int | None = None,
        after: str | None = None,
        tenant_id: strawberry.ID | None = None,
        filter: AgentFilter | None = None,
        order_by: list[AgentOrderBy] | None = None,
        search: Annotated[str | None, strawberry.argument(description=AGENT_SEARCH)] = None,
        last: int | None = None,
        before: str | None = None,
    ) -> connections.AgentConnection:
        page = await agents.list_(
            request_context(info),
            page_relay(info, first, after, last, before),
            listing(filter, order_by, search),
            tenant_id=tenant_id,
        )
        return await prefetched(info, connection_from_keyset(page))

    @strawberry.field(extensions=reads())
    async def agent(self, info: strawberry.Info, id: strawberry.ID) -> Agent | None:
        row: Any = await agents.get(request_context(info), id)
        return row


@strawberry.type
class AgentMutation:
    @strawberry.mutation(extensions=writes(audit="agent.create"))
    async def create_agent(self, info: strawberry.Info, input: CreateAgentInput) -> Agent:
        row: Any = await agents.create(request_context(info), provided_fields(input))
        return row

    @strawberry.mutation(extensions=writes(audit="agent.update"))
    async def update_agent(
        self, info: strawberry.Info, id: strawberry.ID, input: UpdateAgentInput
    ) -> Agent:
        row: Any = await agents.update(request_context(info), id, provided_fields(input))
        return row

    @strawberry.mutation(extensions=writes(audit="agent.delete"))
    async def delete_agent(self, info: strawberry.Info, id: strawberry.ID) -> DeletedNode:
        row = await agents.delete(request_context(info), id)
        assert row.deleted_at is not None
        return DeletedNode(id=strawberry.ID(row.id), deleted_at=row.deleted_at)
