"""Tenant queries and mutations."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from resolvers import resources, tenants
from schema.connection import connection_from_keyset
from schema.context import request_context
from schema.directives import PLATFORM_TIER, reads, writes
from schema.inputs import provided_fields
from schema.prefetch import prefetched
from schema.scalars import JSON
from schema.selection import page_relay
from schema.types import connections
from schema.types.deleted import DeletedNode
from schema.types.enums import TenantStatus
from schema.types.filters import filter_type, listing, order_type, search_description
from schema.types.tenant import Tenant

if TYPE_CHECKING:
    TenantFilter = Any
    TenantOrderBy = Any
else:
    TenantFilter = filter_type(resources.TENANT)
    TenantOrderBy = order_type(resources.TENANT)
TENANT_SEARCH = search_description(resources.TENANT)


@strawberry.input
class CreateTenantInput:
    partner_id: strawberry.ID
    name: str
    slug: str
    status: TenantStatus | None = strawberry.UNSET
    contact_email: str | None = strawberry.UNSET
    settings: JSON | None = strawberry.UNSET
    branding: JSON | None = strawberry.UNSET


@strawberry.input(description="Only the fields given are changed; `partnerId` moves the tenant.")
class UpdateTenantInput:
    name: str | None = strawberry.UNSET
    slug: str | None = strawberry.UNSET
    status: TenantStatus | None = strawberry.UNSET
    contact_email: str | None = strawberry.UNSET
    partner_id: strawberry.ID | None = strawberry.UNSET
    settings: JSON | None = strawberry.UNSET
    branding: JSON | None = strawberry.UNSET


@strawberry.type
class TenantQuery:
    @strawberry.field(extensions=reads(), description="Tenants the caller may see.")
    async def tenants(
        self,
        info: strawberry.Info,
        first: int | None = None,
        after: str | None = None,
        partner_id: strawberry.ID | None = None,
        status: TenantStatus | None = None,
        filter: TenantFilter | None = None,
        order_by: list[TenantOrderBy] | None = None,
        search: Annotated[str | None, strawberry.argument(description=TENANT_SEARCH)] = None,
        last: int | None = None,
        before: str | None = None,
    ) -> connections.TenantConnection:
        page = await tenants.list_(
            request_context(info),
            page_relay(info, first, after, last, before),
            listing(filter, order_by, search),
            partner_id=partner_id,
            status=status,
        )
        return await prefetched(info, connection_from_keyset(page))

    @strawberry.field(extensions=reads())
    async def tenant(self, info: strawberry.Info, id: strawberry.ID) -> Tenant | None:
        row: Any = await tenants.get(request_context(info), id)
        return row


@strawberry.type
class TenantMutation:
    @strawberry.mutation(extensions=writes(*PLATFORM_TIER, audit="tenant.create"))
    async def create_tenant(self, info: strawberry.Info, input: CreateTenantInput) -> Tenant:
        row: Any = await tenants.create(request_context(info), provided_fields(input))
        return row

    @strawberry.mutation(extensions=writes(*PLATFORM_TIER, audit="tenant.update"))
    async def update_tenant(
        self, info: strawberry.Info, id: strawberry.ID, input: UpdateTenantInput
    ) -> Tenant:
        row: Any = await tenants.update(request_context(info), id, provided_fields(input))
        return row

    @strawberry.mutation(extensions=writes(*PLATFORM_TIER, audit="tenant.delete"))
    async def delete_tenant(self, info: strawberry.Info, id: strawberry.ID) -> DeletedNode:
        row = await tenants.delete(request_context(info), id)
        assert row.deleted_at is not None
        return DeletedNode(id=strawberry.ID(row.id), deleted_at=row.deleted_at)
