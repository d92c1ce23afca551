"""Fresh identity providers and agents in tenant T, for the authorization matrix."""

from __future__ import annotations

from tests.factories_identity import create_agent, create_identity_provider
from tests.security.principals import World
from tests.security.targets import Sessions, Targets


async def fresh_identity_provider(sessions: Sessions, world: World) -> Targets:
    provider = await create_identity_provider(sessions, tenant=world.tenant)
    return {"id": provider.id, "tenant": world.tenant.id}


async def fresh_agent(sessions: Sessions, world: World) -> Targets:
    agent = await create_agent(sessions, tenant=world.tenant, allowed_scopes=["admin:read"])
    return {"id": agent.id, "tenant": world.tenant.id}
