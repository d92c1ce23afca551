"""Partner queries and mutations: super admins only (platform tokens are refused too)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from resolvers import partners, resources
from schema.connection import connection_from_keyset
from schema.context import request_context
from schema.directives import super_admin_only
from schema.inputs import provided_fields
from schema.prefetch import prefetched
from schema.selection import page_relay
from schema.types import connections
from schema.types.deleted import DeletedNode
from schema.types.enums import PartnerStatus
from schema.types.filters import filter_type, listing, order_type, search_description
from schema.types.partner import Partner

if TYPE_CHECKING:
    PartnerFilter = Any
    PartnerOrderBy = Any
else:
    PartnerFilter = filter_type(resources.PARTNER)
    PartnerOrderBy = order_type(resources.PARTNER)
PARTNER_SEARCH = search_description(resources.PARTNER)


@strawberry.input(description="Limits are top-level integers from 0 to 1000000.")
class CreatePartnerInput:
    name: str
    slug: str
    status: PartnerStatus | None = strawberry.UNSET
    contact_email: str | None = strawberry.UNSET
    max_tenants: int | None = strawberry.UNSET
    max_users_per_tenant: int | None = strawberry.UNSET
    max_applications_per_tenant: int | None = strawberry.UNSET


@strawberry.input(
    description="Only the fields given are changed. A limit lowered below current usage "
    "removes nothing; it only refuses new creates until usage falls under it."
)
class UpdatePartnerInput:
    name: str | None = strawberry.UNSET
    slug: str | None = strawberry.UNSET
    status: PartnerStatus | None = strawberry.UNSET
    contact_email: str | None = strawberry.UNSET
    max_tenants: int | None = strawberry.UNSET
    max_users_per_tenant: int | None = strawberry.UNSET
    max_applications_per_tenant: int | None = strawberry.UNSET


@strawberry.type
class PartnerQuery:
    @strawberry.field(extensions=super_admin_only(), description="All partners.")
    async def partners(
        self,
        info: strawberry.Info,
        first: int | None = None,
        after: str | None = None,
        status: PartnerStatus | None = None,
        filter: PartnerFilter | None = None,
        order_by: list[PartnerOrderBy] | None = None,
        search: Annotated[str | None, strawberry.argument(description=PARTNER_SEARCH)] = None,
        last: int | None = None,
        before: str | None = None,
    ) -> connections.PartnerConnection:
        page = await partners.list_(
            request_context(info),
            page_relay(info, first, after, last, before),
            listing(filter, order_by, search),
            status=status,
        )
        return await prefetched(info, connection_from_keyset(page))

    @strawberry.field(extensions=super_admin_only())
    async def partner(self, info: strawberry.Info, id: strawberry.ID) -> Partner | None:
        row: Any = await partners.get(request_context(info), id)
        return row


@strawberry.type
class PartnerMutation:
    @strawberry.mutation(extensions=super_admin_only(audit="partner.create"))
    async def create_partner(self, info: strawberry.Info, input: CreatePartnerInput) -> Partner:
        row: Any = await partners.create(request_context(info), provided_fields(input))
        return row

    @strawberry.mutation(extensions=super_admin_only(audit="partner.update"))
    async def update_partner(
        self, info: strawberry.Info, id: strawberry.ID, input: UpdatePartnerInput
    ) -> Partner:
        row: Any = await partners.update(request_context(info), id, provided_fields(input))
        return row

    @strawberry.mutation(
        extensions=super_admin_only(audit="partner.delete"),
        description="Soft-deletes the partner, its tenants and everything they own.",
    )
    async def delete_partner(self, info: strawberry.Info, id: strawberry.ID) -> DeletedNode:
        row = await partners.delete(request_context(info), id)
        assert row.deleted_at is not None
        return DeletedNode(id=strawberry.ID(row.id), deleted_at=row.deleted_at)
