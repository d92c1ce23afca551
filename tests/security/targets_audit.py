"""A fresh audit event filed under tenant T (and so partner P), for the authorization matrix."""

from __future__ import annotations

from tests.factories_audit import create_audit_event
from tests.security.principals import World
from tests.security.targets import Sessions, Targets


async def event_of_tenant_t(sessions: Sessions, world: World) -> Targets:
    event = await create_audit_event(sessions, tenant=world.tenant, action="user.update")
    return {"id": event.id, "tenant": world.tenant.id}
