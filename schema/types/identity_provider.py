"""The IdentityProvider type. The OIDC client secret is write-only: only whether one is set
is readable."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from db.ids import IdPrefix
from db.models.identity_providers import IdentityProviderProtocol
from resolvers import resources
from schema.scalars import JSON
from schema.types.node import Node, is_row_of
from schema.types.to_one import to_one_field

if TYPE_CHECKING:
    from schema.types.tenant import Tenant

strawberry.enum(IdentityProviderProtocol)


@strawberry.type(
    description="A tenant's OIDC or SAML identity provider for federated sign-in. "
    "OIDC fields are null on SAML providers and the other way round."
)
class IdentityProvider(Node):
    tenant_id: strawberry.ID
    protocol: IdentityProviderProtocol
    name: str
    enabled: bool
    issuer: str | None = strawberry.field(description="OIDC: the issuer (https).")
    client_id: str | None = strawberry.field(description="OIDC: ScaiKey's client id there.")
    scopes: list[str] = strawberry.field(description="OIDC: scopes requested at sign-in.")
    discovery_url: str | None = strawberry.field(
        description="OIDC: the discovery document, when not at the issuer's well-known path."
    )
    entity_id: str | None = strawberry.field(description="SAML: the IdP's entity ID.")
    sso_url: str | None = strawberry.field(description="SAML: the IdP's sign-in endpoint.")
    metadata_url: str | None = strawberry.field(description="SAML: the IdP's metadata.")
    x509_certificate: str | None = strawberry.field(
        description="SAML: the IdP's signing certificate (PEM)."
    )
    certificate_fingerprint: str | None = strawberry.field(
        description="SAML: SHA-256 fingerprint of the certificate."
    )
    certificate_expires_at: datetime | None = strawberry.field(
        description="SAML: when the certificate stops being valid."
    )
    attribute_mapping: JSON = strawberry.field(
        description="User attribute → the provider's claim or attribute name."
    )
    created_at: datetime
    updated_at: datetime

    is_type_of = is_row_of(IdPrefix.IDENTITY_PROVIDER)

    @strawberry.field(description="OIDC: whether a client secret is set (it is never shown).")
    def has_client_secret(self, root: strawberry.Parent[Any]) -> bool:
        return root.client_secret_sealed is not None

    tenant = to_one_field(
        resources.IDENTITY_PROVIDER,
        "tenant",
        Annotated["Tenant", strawberry.lazy("schema.types.tenant")] | None,
    )
