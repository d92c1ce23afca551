"""Tenants: reads within the caller's scope; writes at platform tier, within partner limits."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession

from core.principals import Principal
from db.base import utcnow
from db.enums import TenantStatus
from db.ids import IdPrefix, new_id
from db.models import (
    Partner,
    Tenant,
)
from resolvers import access, audit, resources, validation
from resolvers import sessions as sso_sessions
from resolvers.context import RequestContext
from resolvers.declared_relations import declared
from resolvers.errors import BadInput, LimitExceeded, NotFound
from resolvers.listing import Listing, Page, Relay, list_page
from resolvers.sessions import RevokedReason
from resolvers.uniqueness import LiveUnique
from resolvers.writes import (
    apply_patch,
    count_live,
    load_for_update,
    soft_delete_where,
)

KIND = "Tenant"
_TABLE = Tenant.__table__


TENANTS_BY_PARTNER_ID = declared(resources.PARTNER, "tenants")


async def get(context: RequestContext, tenant_id: str) -> Any:
    row = await context.loaders.by_id(resources.TENANT).load(tenant_id)
    if row is None:
        raise NotFound.resource(KIND, tenant_id)
    return row


async def list_(
    context: RequestContext,
    relay: Relay,
    listing: Listing = Listing(),
    *,
    partner_id: str | None = None,
    status: TenantStatus | None = None,
) -> Page:
    """A page of the tenants the caller may see; `partner_id` and `status` are the list's
    original filters, ANDed with `listing`'s."""
    conditions = []
    if partner_id is not None:
        conditions.append(_TABLE.c.partner_id == partner_id)
    if status is not None:
        conditions.append(_TABLE.c.status == status.value)
    return await list_page(context, resources.TENANT, listing, relay, *conditions)


_VALIDATORS = {
    "name": lambda v: validation.required_text("name", v, max_length=200),
    "slug": lambda v: validation.slug("slug", v),
    "status": lambda v: validation.choice("status", v, TenantStatus),
    "contact_email": lambda v: validation.email("contact_email", v, required=False),
    "settings": lambda v: validation.json_object("settings", v),
    "branding": lambda v: validation.json_object("branding", v),
}


async def _lock_partner_with_room(session: Any, principal: Principal, partner_id: str) -> Partner:
    partner = await load_for_update(
        session, Partner, partner_id, access.visible_partners(principal), kind="Partner"
    )
    in_use = await count_live(session, Tenant, Tenant.partner_id == partner.id)
    if in_use >= partner.max_tenants:
        raise LimitExceeded("max_tenants", partner.max_tenants)
    return partner


SLUG = LiveUnique(Tenant, "slug", lambda slug: f"A tenant with slug '{slug}' already exists")


async def create(context: RequestContext, fields: dict[str, Any]) -> Tenant:
    principal = context.actor
    partner_id = validation.required_text("partner_id", fields.get("partner_id"), max_length=40)
    tenant = Tenant(id=new_id(IdPrefix.TENANT), settings={}, branding={})
    apply_patch(tenant, {k: v for k, v in fields.items() if k != "partner_id"}, _VALIDATORS)
    if not tenant.name or not tenant.slug:
        raise BadInput("name" if not tenant.name else "slug", "is required")
    with SLUG.violations(tenant.slug):
        async with context.transaction() as session:
            partner = await _lock_partner_with_room(session, principal, partner_id)
            await SLUG.ensure_free(session, tenant.slug)
            tenant.partner_id = partner.id
            tenant.status = tenant.status or TenantStatus.ACTIVE.value
            session.add(tenant)
            await audit.record_row(session, context, "tenant.create", tenant, metadata=fields)
    return tenant


async def update(context: RequestContext, tenant_id: str, changes: dict[str, Any]) -> Tenant:
    principal = context.actor
    requested = dict(changes)
    slug = changes.get("slug")
    with SLUG.violations(slug if isinstance(slug, str) else None):
        async with context.transaction() as session:
            tenant = await load_for_update(
                session, Tenant, tenant_id, access.visible_tenants(principal), kind=KIND
            )
            new_partner = changes.pop("partner_id", None)
            apply_patch(tenant, changes, _VALIDATORS)
            if "slug" in changes:
                await SLUG.ensure_free(session, tenant.slug, except_id=tenant.id)
            if new_partner is not None and new_partner != tenant.partner_id:
                partner = await _lock_partner_with_room(session, principal, new_partner)
                tenant.partner_id = partner.id
            tenant.updated_at = utcnow()
            await audit.record_row(session, context, "tenant.update", tenant, metadata=requested)
    return tenant


async def delete_owned(
    session: AsyncSession,
    owned_by: Callable[[Any], ColumnElement[bool]],
    reason: str,
) -> int:
    """Soft-deletes what the tenants matched by `owned_by(<tenant_id column>)` own (every
    tenant-owned, soft-deletable resource) and ends their live SSO sessions, in the caller's
    transaction; returns how many sessions ended."""
    for resource in resources.TENANT_CASCADE:
        assert resource.owner is not None  # TENANT_CASCADE holds tenant-owned resources only
        await soft_delete_where(
            session, resource.model, owned_by(resource.column(resource.owner.column))
        )
    owner = resources.SSO_SESSION.column("tenant_id")
    return await sso_sessions.revoke_live_where(session, owned_by(owner), reason)


async def delete(context: RequestContext, tenant_id: str) -> Tenant:
    """Soft-deletes the tenant and, in the same transaction, everything it owns."""
    principal = context.actor
    async with context.transaction() as session:
        tenant = await load_for_update(
            session, Tenant, tenant_id, access.visible_tenants(principal), kind=KIND
        )
        ended = await delete_owned(
            session, lambda tenant_id: tenant_id == tenant.id, RevokedReason.TENANT_DELETED
        )
        tenant.deleted_at = utcnow()
        await audit.record_row(
            session, context, "tenant.delete", tenant, metadata={"sessions_revoked": ended}
        )
    return tenant
