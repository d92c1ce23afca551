"""Partners and new tenants for partner admins too (the ScaiWave admin API's rules).

The ScaiKey fields (`partners`, `updatePartner`, `createTenant`, …) stay as they are; these
fields let a partner admin read and update its own partner and create tenants under it.
The rules are in `resolvers.managed_partners`.
"""

from __future__ import annotations

from typing import Any

import strawberry

from core.principals import Role
from resolvers import managed_partners
from resolvers.listing import Relay
from schema.connection import connection_from_keyset
from schema.context import request_context
from schema.directives import reads, writes
from schema.inputs import provided_fields
from schema.partners import UpdatePartnerInput
from schema.prefetch import prefetched
from schema.scalars import JSON
from schema.types import connections
from schema.types.enums import TenantStatus
from schema.types.partner import Partner
from schema.types.tenant import Tenant

PARTNER_FLEET = (Role.SUPER_ADMIN, Role.PARTNER_ADMIN)


@strawberry.input(
    description="A new tenant. A partner admin's goes under its own partner (`partnerId` may "
    "be left out); a super admin names the partner."
)
class CreatePartnerTenantInput:
    name: str
    slug: str
    partner_id: strawberry.ID | None = strawberry.UNSET
    status: TenantStatus | None = strawberry.UNSET
    contact_email: str | None = strawberry.UNSET
    settings: JSON | None = strawberry.UNSET
    branding: JSON | None = strawberry.UNSET


@strawberry.type
class ManagedPartnerQuery:
    @strawberry.field(
        extensions=reads(*PARTNER_FLEET),
        description="Partners the caller manages: all for a super admin, its own for a "
        "partner admin.",
    )
    async def managed_partners(
        self, info: strawberry.Info, first: int | None = None, after: str | None = None
    ) -> connections.PartnerConnection:
        page = await managed_partners.list_(request_context(info), Relay(first, after))
        return await prefetched(info, connection_from_keyset(page))

    @strawberry.field(
        extensions=reads(*PARTNER_FLEET),
        description="A partner the caller manages (another one is not found).",
    )
    async def managed_partner(self, info: strawberry.Info, id: strawberry.ID) -> Partner | None:
        row: Any = await managed_partners.get(request_context(info), id)
        return row


@strawberry.type
class ManagedPartnerMutation:
    @strawberry.mutation(
        extensions=writes(*PARTNER_FLEET, audit="partner.update"),
        description="Only the fields given are changed. A partner admin may change the name "
        "and contact e-mail of its own partner; every other field is a super admin's.",
    )
    async def update_managed_partner(
        self, info: strawberry.Info, id: strawberry.ID, input: UpdatePartnerInput
    ) -> Partner:
        row: Any = await managed_partners.update(request_context(info), id, provided_fields(input))
        return row

    @strawberry.mutation(
        extensions=writes(*PARTNER_FLEET, audit="tenant.create"),
        description="Creates a tenant under a partner, within the partner's limits.",
    )
    async def create_partner_tenant(
        self, info: strawberry.Info, input: CreatePartnerTenantInput
    ) -> Tenant:
        row: Any = await managed_partners.create_tenant(
            request_context(info), provided_fields(input)
        )
        return row
