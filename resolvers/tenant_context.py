"""The tenant a ScaiWave admin call acts on, resolved once for every field.

ScaiWave's admin API (`/v1/admin/...`) configures one tenant at a time. Who names it:

- a tenant admin acts on its own tenant; naming it is optional, naming any other tenant
  answers 404, exactly as if that tenant did not exist (invisible → 404);
- a partner admin names one of its partner's tenants; any other answers 404;
- a super admin or a platform token names any live tenant; an unknown one answers 404;
- a caller that is not a tenant admin and names none gets BAD_USER_INPUT (422) on the
  field `tenant_id`.

GraphQL fields take the tenant as the argument `tenantId: ID`; the REST routes map the
`X-Scai-Tenant` header onto it (`rest_compat.scaiwave_router`), and a refusal of the value
names the header there. Visibility is the tenants' own rule (`access.visible_tenants`), so
a deleted tenant is unknown to everyone.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from core.principals import Principal, Role
from db.models import Tenant
from resolvers import access, resources
from resolvers.context import RequestContext
from resolvers.errors import BadInput, NotFound
from resolvers.writes import load_for_update

FIELD = "tenant_id"
MISSING = "is required: name the tenant to act on (only a tenant admin has a default, its own)"


def requested_tenant_id(principal: Principal, tenant_id: str | None) -> str:
    """The tenant named, or a tenant admin's own one when none is."""
    if tenant_id:
        return tenant_id
    if principal.role is Role.TENANT_ADMIN and principal.tenant_id:
        return principal.tenant_id
    raise BadInput(FIELD, MISSING)


async def resolve(context: RequestContext, tenant_id: str | None) -> str:
    """The id of the tenant in context, checked to be live and visible to the caller."""
    wanted = requested_tenant_id(context.actor, tenant_id)
    tenant = await context.loaders.by_id(resources.TENANT).load(wanted)
    if tenant is None:
        raise NotFound.resource("Tenant", wanted)
    return str(tenant.id)


async def lock(session: AsyncSession, context: RequestContext, tenant_id: str | None) -> Tenant:
    """For a write: the tenant in context, locked in the write's transaction.

    The lock orders concurrent writers of one tenant's settings (read-modify-write of a
    settings row, or creating it the first time) without a lock table of our own.
    """
    wanted = requested_tenant_id(context.actor, tenant_id)
    return await load_for_update(
        session, Tenant, wanted, access.visible_tenants(context.actor), kind="Tenant"
    )
