"""Fresh target objects for one call of the authorization matrix (writes consume them)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.factories import (
    create_application,
    create_group,
    create_partner,
    create_tenant,
    create_user,
    nest_group,
)
from tests.security.principals import World

Sessions = async_sessionmaker[AsyncSession]
Targets = dict[str, str]
Setup = Callable[[Sessions, World], Awaitable[Targets]]


async def world_targets(sessions: Sessions, world: World) -> Targets:
    return {"partner": world.partner.id, "tenant": world.tenant.id}


async def fresh_partner(sessions: Sessions, world: World) -> Targets:
    return {"id": (await create_partner(sessions)).id}


async def fresh_tenant(sessions: Sessions, world: World) -> Targets:
    return {"id": (await create_tenant(sessions, partner=world.partner)).id}


async def tenant_t(sessions: Sessions, world: World) -> Targets:
    return {"id": world.tenant.id, "partner": world.partner.id}


async def fresh_user(sessions: Sessions, world: World) -> Targets:
    return {"id": (await create_user(sessions, tenant=world.tenant)).id, "tenant": world.tenant.id}


async def fresh_group(sessions: Sessions, world: World) -> Targets:
    return {"id": (await create_group(sessions, tenant=world.tenant)).id, "tenant": world.tenant.id}


async def group_and_user(sessions: Sessions, world: World) -> Targets:
    user = await create_user(sessions, tenant=world.tenant)
    group = await create_group(sessions, tenant=world.tenant)
    return {"id": group.id, "user": user.id}


async def group_with_member(sessions: Sessions, world: World) -> Targets:
    user = await create_user(sessions, tenant=world.tenant)
    group = await create_group(sessions, tenant=world.tenant, members=(user,))
    return {"id": group.id, "user": user.id}


async def two_groups(sessions: Sessions, world: World) -> Targets:
    parent = await create_group(sessions, tenant=world.tenant)
    child = await create_group(sessions, tenant=world.tenant)
    return {"id": parent.id, "child": child.id}


async def nested_groups(sessions: Sessions, world: World) -> Targets:
    parent = await create_group(sessions, tenant=world.tenant)
    child = await create_group(sessions, tenant=world.tenant)
    await nest_group(sessions, parent=parent, child=child)
    return {"id": parent.id, "child": child.id}


async def tenant_app(sessions: Sessions, world: World) -> Targets:
    app = await create_application(sessions, tenant=world.tenant)
    return {"id": app.id, "tenant": world.tenant.id}


async def global_app(sessions: Sessions, world: World) -> Targets:
    return {"id": (await create_application(sessions, tenant=None)).id}
