"""Application queries and mutations; the client secret appears only in the create payload."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from resolvers import applications, resources
from schema.connection import connection_from_keyset
from schema.context import request_context
from schema.directives import reads, writes
from schema.inputs import provided_fields
from schema.prefetch import prefetched
from schema.selection import page_relay
from schema.types import connections
from schema.types.application import Application
from schema.types.deleted import DeletedNode
from schema.types.enums import ApplicationLevel, ApplicationType
from schema.types.filters import filter_type, listing, order_type, search_description

if TYPE_CHECKING:
    ApplicationFilter = Any
    ApplicationOrderBy = Any
else:
    ApplicationFilter = filter_type(resources.APPLICATION)
    ApplicationOrderBy = order_type(resources.APPLICATION)
APPLICATION_SEARCH = search_description(resources.APPLICATION)


@strawberry.input
class CreateApplicationInput:
    level: ApplicationLevel
    app_type: ApplicationType
    name: str
    description: str | None = strawberry.UNSET
    tenant_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET,
        description="Required for TENANT applications (a tenant admin's defaults to its "
        "own tenant); must be absent for GLOBAL ones.",
    )
    enabled: bool | None = strawberry.UNSET
    allowed_scopes: list[str] | None = strawberry.UNSET
    redirect_uris: list[str] | None = strawberry.UNSET
    allowed_origins: list[str] | None = strawberry.UNSET
    token_lifetime: int | None = strawberry.field(
        default=strawberry.UNSET, description="Seconds, 60 to 86400 (default 3600)."
    )
    token_exchange_allowed: bool | None = strawberry.UNSET


@strawberry.input(
    description="Only the fields given are changed; level, type and tenant are fixed."
)
class UpdateApplicationInput:
    name: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    enabled: bool | None = strawberry.UNSET
    allowed_scopes: list[str] | None = strawberry.UNSET
    redirect_uris: list[str] | None = strawberry.UNSET
    allowed_origins: list[str] | None = strawberry.UNSET
    token_lifetime: int | None = strawberry.UNSET
    token_exchange_allowed: bool | None = strawberry.UNSET


@strawberry.type
class CreateApplicationPayload:
    application: Application
    client_secret: str | None = strawberry.field(
        description="The client secret of a confidential client (SERVICE, WEB), shown only "
        "in this response; null for public clients."
    )


@strawberry.type
class ApplicationQuery:
    @strawberry.field(
        extensions=reads(), description="Global applications and those of the caller's tenants."
    )
    async def applications(
        self,
        info: strawberry.Info,
        first: int | None = None,
        after: str | None = None,
        tenant_id: strawberry.ID | None = None,
        level: ApplicationLevel | None = None,
        filter: ApplicationFilter | None = None,
        order_by: list[ApplicationOrderBy] | None = None,
        search: Annotated[str | None, strawberry.argument(description=APPLICATION_SEARCH)] = None,
        last: int | None = None,
        before: str | None = None,
    ) -> connections.ApplicationConnection:
        page = await applications.list_(
            request_context(info),
            page_relay(info, first, after, last, before),
            listing(filter, order_by, search),
            tenant_id=tenant_id,
            level=level,
        )
        return await prefetched(info, connection_from_keyset(page))

    @strawberry.field(extensions=reads())
    async def application(self, info: strawberry.Info, id: strawberry.ID) -> Application | None:
        row: Any = await applications.get(request_context(info), id)
        return row


@strawberry.type
class ApplicationMutation:
    @strawberry.mutation(extensions=writes(audit="application.create"))
    async def create_application(
        self, info: strawberry.Info, input: CreateApplicationInput
    ) -> CreateApplicationPayload:
        created = await applications.create(request_context(info), provided_fields(input))
        row: Any = created.application
        return CreateApplicationPayload(application=row, client_secret=created.client_secret)

    @strawberry.mutation(extensions=writes(audit="application.update"))
    async def update_application(
        self, info: strawberry.Info, id: strawberry.ID, input: UpdateApplicationInput
    ) -> Application:
        row: Any = await applications.update(request_context(info), id, provided_fields(input))
        return row

    @strawberry.mutation(extensions=writes(audit="application.delete"))
    async def delete_application(self, info: strawberry.Info, id: strawberry.ID) -> DeletedNode:
        row = await applications.delete(request_context(info), id)
        assert row.deleted_at is not None
        return DeletedNode(id=strawberry.ID(row.id), deleted_at=row.deleted_at)
