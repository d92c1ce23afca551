"""Fresh SSO sessions in tenant T (of a new tenant admin), and users and sessions reached
through their tenant or partner, for the authorization matrix."""

from __future__ import annotations

from tests.factories import create_user
from tests.factories_sessions import create_admin, create_session
from tests.security.principals import World
from tests.security.targets import Sessions, Targets


async def fresh_session(sessions: Sessions, world: World) -> Targets:
    user = await create_admin(sessions, tenant=world.tenant, password=None)
    session = await create_session(sessions, user=user, partner_id=world.partner.id)
    return {"id": session.id, "user": user.id, "tenant": world.tenant.id}


async def fresh_session_of_partner(sessions: Sessions, world: World) -> Targets:
    """A fresh session in tenant T, reached through partner P."""
    return {**await fresh_session(sessions, world), "partner": world.partner.id}


async def fresh_user_of_partner(sessions: Sessions, world: World) -> Targets:
    """A fresh user of tenant T, reached through partner P."""
    user = await create_user(sessions, tenant=world.tenant)
    return {"id": user.id, "partner": world.partner.id}
