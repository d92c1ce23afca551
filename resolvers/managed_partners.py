"""Partners and new tenants as the ScaiWave admin API manages them.

The ScaiKey partner fields are for super admins only. Here a partner admin runs its own
partner too:

- reading: a super admin sees every partner, a partner admin only its own (another one
  is not found);
- updating: a super admin may change every field; a partner admin only the name and
  contact e-mail of its own partner (its limits, status and slug are the platform's);
- creating partners stays with super admins (the schema's directive);
- creating a tenant: a partner admin creates it under its own partner, within that
  partner's limits; a super admin names the partner.

Everything else (validation, limits, locks, audit events) is `resolvers.partners` and
`resolvers.tenants`, called as they are.
"""

from __future__ import annotations

from typing import Any

from core.principals import Role
from db.models import Partner, Tenant
from resolvers import partners, tenants
from resolvers.context import RequestContext
from resolvers.errors import AccessDenied, BadInput, NotFound
from resolvers.listing import Page, Relay

PARTNER_ADMIN_FIELDS = frozenset({"name", "contact_email"})


async def list_(context: RequestContext, relay: Relay) -> Page:
    """Row scoping does it: a partner admin's list holds its own partner only."""
    return await partners.list_(context, relay)


async def get(context: RequestContext, partner_id: str) -> Any:
    return await partners.get(context, partner_id)


async def update(context: RequestContext, partner_id: str, changes: dict[str, Any]) -> Partner:
    principal = context.actor
    if principal.role is Role.PARTNER_ADMIN:
        # Another partner is invisible: not found, before anything is said about fields.
        if partner_id != principal.partner_id:
            raise NotFound.resource(partners.KIND, partner_id)
        for field in changes:
            if field not in PARTNER_ADMIN_FIELDS:
                raise AccessDenied(
                    f"Access denied: {field} can be changed only by a super admin", field=field
                )
    return await partners.update(context, partner_id, changes)


async def create_tenant(context: RequestContext, fields: dict[str, Any]) -> Tenant:
    """A new tenant under the caller's partner (a super admin names it)."""
    principal = context.actor
    partner_id = fields.get("partner_id")
    if partner_id is None:
        if principal.role is not Role.PARTNER_ADMIN or principal.partner_id is None:
            raise BadInput("partner_id", "is required")
        partner_id = principal.partner_id
    # A partner admin naming another partner finds it invisible: not found.
    return await tenants.create(context, {**fields, "partner_id": partner_id})
