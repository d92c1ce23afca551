"""Fresh SSO sessions in tenant T (of a new tenant admin), and users and sessions reached
through their tenant or partner, for the authorization matrix.

A relation read lists its first 100 rows, in creation order, and the matrix's calls keep
adding rows to tenant T: the relation targets are set up so the target is among them."""

from __future__ import annotations

from sqlalchemy import delete

from db.models import SsoSession
from tests.factories import create_partner, create_tenant, create_user
from tests.factories_sessions import create_admin, create_session
from tests.security.principals import World
from tests.security.targets import Sessions, Targets


async def fresh_session(sessions: Sessions, world: World) -> Targets:
    user = await create_admin(sessions, tenant=world.tenant, password=None)
    session = await create_session(sessions, user=user, partner_id=world.partner.id)
    return {"id": session.id, "user": user.id, "tenant": world.tenant.id}


async def only_session_of_tenant_t(sessions: Sessions, world: World) -> Targets:
    """A fresh session in tenant T, the earlier ones of T (from other calls) removed."""
    async with sessions() as session, session.begin():
        await session.execute(delete(SsoSession).where(SsoSession.tenant_id == world.tenant.id))
    return await fresh_session(sessions, world)


async def session_of_a_fresh_partner(sessions: Sessions, world: World) -> Targets:
    """A session in a new partner's tenant (partners are read by super admins only)."""
    partner = await create_partner(sessions)
    user = await create_admin(
        sessions, tenant=await create_tenant(sessions, partner=partner), password=None
    )
    session = await create_session(sessions, user=user, partner_id=partner.id)
    return {"id": session.id, "partner": partner.id}


async def user_of_a_fresh_partner(sessions: Sessions, world: World) -> Targets:
    """A user in a new partner's tenant (partners are read by super admins only)."""
    partner = await create_partner(sessions)
    user = await create_user(sessions, tenant=await create_tenant(sessions, partner=partner))
    return {"id": user.id, "partner": partner.id}
