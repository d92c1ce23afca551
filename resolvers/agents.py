"""MCP agents: AI agent identities of the caller's tenants, with their tools and scopes.

An agent's `allowed_scopes` may only gain scopes the caller itself holds
(`resolvers.scope_grants`); scopes already on the agent may stay when someone who could not
have granted them edits it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import ColumnElement

from core.principals import Principal
from db.base import utcnow
from db.ids import IdPrefix, new_id
from db.models import Agent, Tenant
from resolvers import access, audit, resources, scope_grants, validation
from resolvers.context import RequestContext
from resolvers.declared_relations import declared
from resolvers.errors import BadInput, NotFound
from resolvers.listing import Listing, Page, Relay, list_page
from resolvers.tenant_limits import owning_tenant_id
from resolvers.writes import apply_patch, load_for_update

KIND = "Agent"
_TABLE = Agent.__table__
_TOOL = re.compile(r"^[A-Za-z0-9_.:\-]{1,128}$")
MAX_TOOLS = 200
MAX_RATE_LIMIT_RPM = 100_000


def _scope(principal: Principal) -> ColumnElement[bool]:
    return resources.AGENT.visible(principal)


AGENTS_BY_TENANT_ID = declared(resources.TENANT, "agents")


async def get(context: RequestContext, agent_id: str) -> Any:
    row = await context.loaders.by_id(resources.AGENT).load(agent_id)
    if row is None:
        raise NotFound.resource(KIND, agent_id)
    return row


async def list_(
    context: RequestContext,
    relay: Relay,
    listing: Listing = Listing(),
    *,
    tenant_id: str | None = None,
) -> Page:
    conditions = [] if tenant_id is None else [_TABLE.c.tenant_id == tenant_id]
    return await list_page(context, resources.AGENT, listing, relay, *conditions)


def tools(value: Any) -> list[str]:
    """MCP tool names, each once: letters, digits and `_ . : -`, at most 128 characters."""
    field = "allowed_tools"
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise BadInput(field, "must be a list of strings")
    if len(value) > MAX_TOOLS:
        raise BadInput(field, f"must have at most {MAX_TOOLS} items")
    names: list[str] = []
    for item in value:
        name = item.strip()
        if not name:
            raise BadInput(field, "must not contain an empty tool name")
        if not _TOOL.match(name):
            raise BadInput(
                field,
                f"'{name}' is not a valid tool name (letters, digits, '_', '.', ':', '-'; "
                "at most 128 characters)",
            )
        if name in names:
            raise BadInput(field, f"'{name}' is listed more than once")
        names.append(name)
    return names


def rate_limit_rpm(value: Any) -> int | None:
    """Requests per minute; null means no limit."""
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise BadInput("rate_limit_rpm", "must be an integer")
    if not 1 <= value <= MAX_RATE_LIMIT_RPM:
        raise BadInput("rate_limit_rpm", f"must be between 1 and {MAX_RATE_LIMIT_RPM}")
    return value


_VALIDATORS: dict[str, Callable[[Any], Any]] = {
    "name": lambda v: validation.required_text("name", v, max_length=200),
    "description": lambda v: validation.text("description", v, max_length=1000, required=False),
    "enabled": lambda v: validation.flag("enabled", v),
    "allowed_tools": tools,
    "allowed_scopes": lambda v: validation.scopes("allowed_scopes", v),
    "rate_limit_rpm": rate_limit_rpm,
}


def _metadata(agent: Agent, fields: Sequence[str]) -> dict[str, Any]:
    return {field: getattr(agent, field) for field in fields}


async def create(context: RequestContext, fields: dict[str, Any]) -> Agent:
    principal = context.actor
    fields = dict(fields)
    tenant_id = owning_tenant_id(principal, fields.pop("tenant_id", None))
    if fields.get("name") is None:
        raise BadInput("name", "is required")
    agent = Agent(
        id=new_id(IdPrefix.AGENT),
        enabled=True,
        allowed_tools=[],
        allowed_scopes=[],
        rate_limit_rpm=None,
    )
    apply_patch(agent, fields, _VALIDATORS)
    scope_grants.ensure_can_grant(principal, agent.allowed_scopes)
    async with context.transaction() as session:
        tenant = await load_for_update(
            session, Tenant, tenant_id, access.visible_tenants(principal), kind="Tenant"
        )
        agent.tenant_id = tenant.id
        session.add(agent)
        await audit.record_row(
            session, context, "agent.create", agent, metadata=_metadata(agent, list(fields))
        )
    return agent


async def update(context: RequestContext, agent_id: str, changes: dict[str, Any]) -> Agent:
    """Changes only the given fields; the owning tenant is fixed at creation."""
    principal = context.actor
    if "tenant_id" in changes:
        raise BadInput("tenant_id", "cannot be changed after creation")
    async with context.transaction() as session:
        agent = await load_for_update(session, Agent, agent_id, _scope(principal), kind=KIND)
        granted_before = set(agent.allowed_scopes)
        apply_patch(agent, changes, _VALIDATORS)
        scope_grants.ensure_can_grant(
            principal, [scope for scope in agent.allowed_scopes if scope not in granted_before]
        )
        agent.updated_at = utcnow()
        await audit.record_row(
            session, context, "agent.update", agent, metadata=_metadata(agent, list(changes))
        )
    return agent


async def delete(context: RequestContext, agent_id: str) -> Agent:
    async with context.transaction() as session:
        agent = await load_for_update(session, Agent, agent_id, _scope(context.actor), kind=KIND)
        agent.deleted_at = utcnow()
        await audit.record_row(session, context, "agent.delete", agent)
    return agent
