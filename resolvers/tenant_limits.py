"""Where a new tenant resource goes, and the partner limit on how many a tenant may hold."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from core.principals import Principal, Role
from db.models import Partner, Tenant
from resolvers import access, validation
from resolvers.errors import BadInput, LimitExceeded
from resolvers.writes import count_live, load_for_update


def owning_tenant_id(principal: Principal, tenant_id: Any, *, missing: str = "is required") -> str:
    """The tenant a new tenant resource goes to: a tenant admin's own one when none is named."""
    if tenant_id is None:
        if principal.role is Role.TENANT_ADMIN and principal.tenant_id:
            return principal.tenant_id
        raise BadInput("tenant_id", missing)
    return validation.required_text("tenant_id", tenant_id, max_length=40)


async def lock_tenant_with_room(
    session: AsyncSession,
    principal: Principal,
    tenant_id: str,
    *,
    model: Any,
    limit: InstrumentedAttribute[int],
) -> Tenant:
    """Locks the (visible) tenant row, so concurrent creates count one after another, and
    refuses when the tenant already holds its partner's `limit` of live `model` rows."""
    tenant = await load_for_update(
        session, Tenant, tenant_id, access.visible_tenants(principal), kind="Tenant"
    )
    allowed = int(
        (await session.execute(select(limit).where(Partner.id == tenant.partner_id))).scalar_one()
    )
    if await count_live(session, model, model.tenant_id == tenant.id) >= allowed:
        raise LimitExceeded(limit.key, allowed)
    return tenant
