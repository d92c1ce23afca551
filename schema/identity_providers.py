"""Identity provider queries and mutations; the OIDC client secret can be set, never read."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from db.models.identity_providers import IdentityProviderProtocol
from resolvers import identity_providers, resources
from schema.connection import connection_from_keyset
from schema.context import request_context
from schema.directives import reads, writes
from schema.inputs import provided_fields
from schema.prefetch import prefetched
from schema.scalars import JSON
from schema.selection import page_relay
from schema.types import connections
from schema.types.deleted import DeletedNode
from schema.types.filters import filter_type, listing, order_type, search_description
from schema.types.identity_provider import IdentityProvider

if TYPE_CHECKING:
    IdentityProviderFilter = Any
    IdentityProviderOrderBy = Any
else:
    IdentityProviderFilter = filter_type(resources.IDENTITY_PROVIDER)
    IdentityProviderOrderBy = order_type(resources.IDENTITY_PROVIDER)
PROVIDER_SEARCH = search_description(resources.IDENTITY_PROVIDER)

_SECRET = "OIDC: write-only; null clears it. Responses only tell whether one is set."
_CERTIFICATE = (
    "SAML: PEM. Required, with the entity ID and SSO URL, unless a metadata URL is given."
)


@strawberry.input(
    description="OIDC needs an issuer and a client ID; SAML needs a metadata URL, or else "
    "the certificate, entity ID and SSO URL. A tenant admin may leave out the tenant."
)
class CreateIdentityProviderInput:
    protocol: IdentityProviderProtocol
    name: str
    tenant_id: strawberry.ID | None = strawberry.UNSET
    enabled: bool | None = strawberry.UNSET
    issuer: str | None = strawberry.UNSET
    client_id: str | None = strawberry.UNSET
    client_secret: str | None = strawberry.field(default=strawberry.UNSET, description=_SECRET)
    scopes: list[str] | None = strawberry.field(
        default=strawberry.UNSET, description="OIDC: default openid, profile, email."
    )
    discovery_url: str | None = strawberry.UNSET
    entity_id: str | None = strawberry.UNSET
    sso_url: str | None = strawberry.UNSET
    metadata_url: str | None = strawberry.UNSET
    x509_certificate: str | None = strawberry.field(
        default=strawberry.UNSET, description=_CERTIFICATE
    )
    attribute_mapping: JSON | None = strawberry.UNSET


@strawberry.input(
    description="Only the fields given are changed, and the result must still be complete "
    "for its protocol. Protocol and tenant are fixed at creation."
)
class UpdateIdentityProviderInput:
    name: str | None = strawberry.UNSET
    enabled: bool | None = strawberry.UNSET
    issuer: str | None = strawberry.UNSET
    client_id: str | None = strawberry.UNSET
    client_secret: str | None = strawberry.field(default=strawberry.UNSET, description=_SECRET)
    scopes: list[str] | None = strawberry.UNSET
    discovery_url: str | None = strawberry.UNSET
    entity_id: str | None = strawberry.UNSET
    sso_url: str | None = strawberry.UNSET
    metadata_url: str | None = strawberry.UNSET
    x509_certificate: str | None = strawberry.UNSET
    attribute_mapping: JSON | None = strawberry.UNSET


@strawberry.type
class IdentityProviderQuery:
    @strawberry.field(extensions=reads(), description="Identity providers of the caller's tenants.")
    async def identity_providers(
        self,
        info: strawberry.Info,
        first: int | None = None,
        after: str | None = None,
        tenant_id: strawberry.ID | None = None,
        protocol: IdentityProviderProtocol | None = None,
        filter: IdentityProviderFilter | None = None,
        order_by: list[IdentityProviderOrderBy] | None = None,
        search: Annotated[str | None, strawberry.argument(description=PROVIDER_SEARCH)] = None,
        last: int | None = None,
        before: str | None = None,
    ) -> connections.IdentityProviderConnection:
        page = await identity_providers.list_(
            request_context(info),
            page_relay(info, first, after, last, before),
            listing(filter, order_by, search),
            tenant_id=tenant_id,
            protocol=protocol,
        )
        return await prefetched(info, connection_from_keyset(page))

    @strawberry.field(extensions=reads())
    async def identity_provider(
        self, info: strawberry.Info, id: strawberry.ID
    ) -> IdentityProvider | None:
        row: Any = await identity_providers.get(request_context(info), id)
        return row


@strawberry.type
class IdentityProviderMutation:
    @strawberry.mutation(extensions=writes(audit="identity_provider.create"))
    async def create_identity_provider(
        self, info: strawberry.Info, input: CreateIdentityProviderInput
    ) -> IdentityProvider:
        row: Any = await identity_providers.create(request_context(info), provided_fields(input))
        return row

    @strawberry.mutation(extensions=writes(audit="identity_provider.update"))
    async def update_identity_provider(
        self, info: strawberry.Info, id: strawberry.ID, input: UpdateIdentityProviderInput
    ) -> IdentityProvider:
        row: Any = await identity_providers.update(
            request_context(info), id, provided_fields(input)
        )
        return row

    @strawberry.mutation(extensions=writes(audit="identity_provider.delete"))
    async def delete_identity_provider(
        self, info: strawberry.Info, id: strawberry.ID
    ) -> DeletedNode:
        row = await identity_providers.delete(request_context(info), id)
        assert row.deleted_at is not None
        return DeletedNode(id=strawberry.ID(row.id), deleted_at=row.deleted_at)
