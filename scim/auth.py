"""Who calls a tenant's SCIM base, and whether it may: a SCIM token of that tenant, or an
admin or platform token that may manage that tenant's users.

- A SCIM token (`scim_…`): found by its hash in the process's cache (`ScimTokenCache`);
  unknown or revoked → 401 (and an `auth.token_rejected` event); another tenant's → 404.
  It acts as a tenant admin of its tenant (`Principal.scim_token_id` set, so its audit events
  say `actor_type` `scim`).
- Any other bearer token goes through the gateway's own authentication (`context_of`): it
  must hold `admin:write` (403 otherwise) and see the tenant (404 otherwise).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import Request
from sqlalchemy import select

from core.errors import AuthenticationFailed
from core.principals import Principal, Role, Scope
from db.models import Tenant
from resolvers import access, audit
from resolvers.audit import AuditResult
from resolvers.context import RequestContext
from resolvers.scim_token_cache import ScimTokenCache
from resolvers.scim_tokens import SECRET_PREFIX
from scim.errors import ScimError

ContextOf = Callable[[Request], Awaitable[RequestContext]]
AnonymousContextOf = Callable[[Request], RequestContext]

TOKEN_REJECTED = "auth.token_rejected"


async def scim_context(
    request: Request,
    tenant_id: str,
    context_of: ContextOf,
    anonymous_context_of: AnonymousContextOf,
) -> RequestContext:
    scheme, _, secret = (request.headers.get("authorization") or "").partition(" ")
    secret = secret.strip()
    if scheme.lower() == "bearer" and secret.startswith(SECRET_PREFIX):
        return await _scim_token_context(request, tenant_id, secret, anonymous_context_of)
    try:
        context = await context_of(request)
    except AuthenticationFailed as exc:
        raise ScimError(401, exc.message) from exc
    principal = context.principal
    if principal is None:
        raise ScimError(401, "Not authenticated: a bearer token is required")
    if not principal.holds(Scope.ADMIN_WRITE):
        raise ScimError(403, "Platform token requires admin:write scope")
    statement = select(Tenant.id).where(
        Tenant.id == tenant_id, Tenant.deleted_at.is_(None), access.visible_tenants(principal)
    )
    async with context.read() as session:
        if (await session.execute(statement)).first() is None:
            raise ScimError(404, f"Tenant {tenant_id} not found")
    return context


async def _scim_token_context(
    request: Request, tenant_id: str, secret: str, anonymous_context_of: AnonymousContextOf
) -> RequestContext:
    context = anonymous_context_of(request)
    cache: ScimTokenCache = request.app.state.scim_tokens
    state = await cache.state(secret)
    if state is None or state.revoked:
        reason = "scim_token_unknown" if state is None else "scim_token_revoked"
        message = "SCIM token is not valid" if state is None else "SCIM token has been revoked"
        await audit.record_alone(
            context,
            TOKEN_REJECTED,
            resource_type="scim_token" if state else None,
            resource_id=state.id if state else None,
            tenant_id=state.tenant_id if state else None,
            result=AuditResult.FAILURE,
            metadata={"reason": reason, "message": message},
            actor=None,
        )
        raise ScimError(401, message)
    if state.tenant_id != tenant_id:
        raise ScimError(404, f"Tenant {tenant_id} not found")
    context.principal = Principal(
        role=Role.TENANT_ADMIN,
        subject=state.id,
        partner_id=state.partner_id,
        tenant_id=state.tenant_id,
        scim_token_id=state.id,
    )
    await cache.used(state.id)
    return context
