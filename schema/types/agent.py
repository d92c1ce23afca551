"""The Agent type: an AI agent identity for the MCP integration."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from db.ids import IdPrefix
from resolvers import resources
from schema.types.node import Node, is_row_of
from schema.types.to_one import to_one_field

if TYPE_CHECKING:
    from schema.types.tenant import Tenant


@strawberry.type(description="An AI agent identity of a tenant, for the MCP integration.")
class Agent(Node):
    tenant_id: strawberry.ID
    name: str
    description: str | None
    enabled: bool
    allowed_tools: list[str] = strawberry.field(description="MCP tools the agent may call.")
    allowed_scopes: list[str] = strawberry.field(description="Scopes the agent may be granted.")
    rate_limit_rpm: int | None = strawberry.field(
        description="Requests per minute the agent may make; null: no limit."
    )
    created_at: datetime
    updated_at: datetime

    is_type_of = is_row_of(IdPrefix.AGENT)

    tenant = to_one_field(
        resources.AGENT,
        "tenant",
        Annotated["Tenant", strawberry.lazy("schema.types.tenant")] | None,
    )
