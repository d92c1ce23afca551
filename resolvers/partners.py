"""Partners: resellers with their resource limits, managed by super admins only."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.base import utcnow
from db.enums import PartnerStatus
from db.ids import IdPrefix, new_id
from db.models import Partner
from resolvers import access, audit, resources, validation
from resolvers.context import RequestContext
from resolvers.errors import BadInput, NotFound
from resolvers.listing import Listing, Page, Relay, list_page
from resolvers.sessions import RevokedReason
from resolvers.tenants import delete_owned
from resolvers.uniqueness import LiveUnique
from resolvers.writes import apply_patch, load_for_update, soft_delete_where

KIND = "Partner"
_TABLE = Partner.__table__
MAX_LIMIT = 1_000_000
LIMIT_FIELDS = ("max_tenants", "max_users_per_tenant", "max_applications_per_tenant")


async def get(context: RequestContext, partner_id: str) -> Any:
    row = await context.loaders.by_id(resources.PARTNER).load(partner_id)
    if row is None:
        raise NotFound.resource(KIND, partner_id)
    return row


async def list_(
    context: RequestContext,
    relay: Relay,
    listing: Listing = Listing(),
    *,
    status: PartnerStatus | None = None,
) -> Page:
    """A page of the partners the caller may see; `status` ANDed with `listing`."""
    conditions = [] if status is None else [_TABLE.c.status == status.value]
    return await list_page(context, resources.PARTNER, listing, relay, *conditions)


def _limit(field: str) -> Callable[[Any], int]:
    return lambda value: validation.positive_int(field, value, maximum=MAX_LIMIT)


_VALIDATORS: dict[str, Callable[[Any], Any]] = {
    "name": lambda v: validation.required_text("name", v, max_length=200),
    "slug": lambda v: validation.slug("slug", v),
    "status": lambda v: validation.choice("status", v, PartnerStatus),
    "contact_email": lambda v: validation.email("contact_email", v, required=False),
    **{field: _limit(field) for field in LIMIT_FIELDS},
}


SLUG = LiveUnique(Partner, "slug", lambda slug: f"A partner with slug '{slug}' already exists")


@asynccontextmanager
async def _write(context: RequestContext, slug: Any) -> AsyncIterator[AsyncSession]:
    """A write transaction; a concurrent writer taking the same slug first is a Conflict too."""
    with SLUG.violations(slug if isinstance(slug, str) else None):
        async with context.transaction() as session:
            yield session


async def create(context: RequestContext, fields: dict[str, Any]) -> Partner:
    partner = Partner(id=new_id(IdPrefix.PARTNER), status=PartnerStatus.ACTIVE.value)
    apply_patch(partner, fields, _VALIDATORS)
    if not partner.name or not partner.slug:
        raise BadInput("name" if not partner.name else "slug", "is required")
    async with _write(context, partner.slug) as session:
        await SLUG.ensure_free(session, partner.slug)
        session.add(partner)
        await audit.record_row(session, context, "partner.create", partner, metadata=fields)
    return partner


async def update(context: RequestContext, partner_id: str, changes: dict[str, Any]) -> Partner:
    """Changes only the given fields.

    A limit may be lowered below what the partner already uses: nothing existing is removed
    or disabled, the lower limit only refuses new tenants, users or applications until usage
    falls under it again.
    """
    principal = context.actor
    async with _write(context, changes.get("slug")) as session:
        partner = await load_for_update(
            session, Partner, partner_id, access.visible_partners(principal), kind=KIND
        )
        apply_patch(partner, changes, _VALIDATORS)
        if "slug" in changes:
            await SLUG.ensure_free(session, partner.slug, except_id=partner.id)
        partner.updated_at = utcnow()
        await audit.record_row(session, context, "partner.update", partner, metadata=changes)
    return partner


def _owned_by_partner(resource: resources.Resource, partner_id: str) -> ColumnElement[bool]:
    assert resource.owner is not None  # PARTNER_CASCADE holds partner-owned resources only
    return resource.column(resource.owner.column) == partner_id


async def delete(context: RequestContext, partner_id: str) -> Partner:
    """Soft-deletes the partner, what it owns (`resources.PARTNER_CASCADE`: its tenants) and
    what its tenants own (`resources.TENANT_CASCADE`), in one transaction."""
    principal = context.actor
    async with context.transaction() as session:
        partner = await load_for_update(
            session, Partner, partner_id, access.visible_partners(principal), kind=KIND
        )
        tenant = resources.TENANT
        tenant_ids = select(tenant.column("id")).where(
            _owned_by_partner(tenant, partner.id), tenant.column("deleted_at").is_(None)
        )
        # Children first: once the tenants are marked deleted the subquery no longer finds them.
        ended = await delete_owned(
            session, lambda tenant_id: tenant_id.in_(tenant_ids), RevokedReason.PARTNER_DELETED
        )
        for resource in resources.PARTNER_CASCADE:
            await soft_delete_where(
                session, resource.model, _owned_by_partner(resource, partner.id)
            )
        partner.deleted_at = utcnow()
        await audit.record_row(
            session, context, "partner.delete", partner, metadata={"sessions_revoked": ended}
        )
    return partner
