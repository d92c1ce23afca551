"""A fresh SSO session in tenant T (of a new tenant admin), for the authorization matrix."""

from __future__ import annotations

from tests.factories_sessions import create_admin, create_session
from tests.security.principals import World
from tests.security.targets import Sessions, Targets


async def fresh_session(sessions: Sessions, world: World) -> Targets:
    user = await create_admin(sessions, tenant=world.tenant, password=None)
    session = await create_session(sessions, user=user, partner_id=world.partner.id)
    return {"id": session.id, "user": user.id, "tenant": world.tenant.id}
