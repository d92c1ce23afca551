"""Identity providers: the OIDC and SAML federation configurations of the caller's tenants.

The protocol and owning tenant are fixed at creation. Every write is checked as it would be
stored (`identity_provider_fields.ensure_complete`), so a PATCH cannot leave a provider that
could not federate. The OIDC client secret is write-only: sealed on the way in, never read.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement

from core.principals import Principal
from db.base import utcnow
from db.ids import IdPrefix, new_id
from db.models import IdentityProvider, Tenant
from db.models.identity_providers import IdentityProviderProtocol
from resolvers import access, audit, resources, validation
from resolvers import identity_provider_fields as fields_
from resolvers.context import RequestContext
from resolvers.declared_relations import declared
from resolvers.errors import BadInput, NotFound
from resolvers.listing import Listing, Page, Relay, list_page
from resolvers.sealed_secrets import seal
from resolvers.tenant_limits import owning_tenant_id
from resolvers.writes import apply_patch, load_for_update

KIND = "IdentityProvider"
_TABLE = IdentityProvider.__table__
_FIXED_AT_CREATION = ("protocol", "tenant_id")


def _scope(principal: Principal) -> ColumnElement[bool]:
    return resources.IDENTITY_PROVIDER.visible(principal)


IDENTITY_PROVIDERS_BY_TENANT_ID = declared(resources.TENANT, "identity_providers")


async def get(context: RequestContext, identity_provider_id: str) -> Any:
    row = await context.loaders.by_id(resources.IDENTITY_PROVIDER).load(identity_provider_id)
    if row is None:
        raise NotFound.resource(KIND, identity_provider_id)
    return row


async def list_(
    context: RequestContext,
    relay: Relay,
    listing: Listing = Listing(),
    *,
    tenant_id: str | None = None,
    protocol: IdentityProviderProtocol | None = None,
) -> Page:
    conditions = []
    if tenant_id is not None:
        conditions.append(_TABLE.c.tenant_id == tenant_id)
    if protocol is not None:
        conditions.append(_TABLE.c.protocol == protocol.value)
    return await list_page(context, resources.IDENTITY_PROVIDER, listing, relay, *conditions)


def _write(context: RequestContext, provider: IdentityProvider, changes: dict[str, Any]) -> None:
    """Applies validated `changes`, then checks the provider as it now stands."""
    changes = dict(changes)
    if "client_secret" in changes:
        secret = fields_.client_secret(changes.pop("client_secret"))
        provider.client_secret_sealed = seal(context.sealing_key, secret) if secret else None
    if "x509_certificate" in changes:
        certificate = fields_.certificate(changes.pop("x509_certificate"))
        provider.x509_certificate = certificate.pem if certificate else None
        provider.certificate_fingerprint = certificate.fingerprint if certificate else None
        provider.certificate_expires_at = certificate.expires_at if certificate else None
    apply_patch(provider, changes, fields_.VALIDATORS)
    fields_.ensure_complete(provider)


async def create(context: RequestContext, fields: dict[str, Any]) -> IdentityProvider:
    principal = context.actor
    fields = dict(fields)
    protocol = IdentityProviderProtocol(
        validation.choice("protocol", fields.pop("protocol", None), IdentityProviderProtocol)
    )
    tenant_id = owning_tenant_id(principal, fields.pop("tenant_id", None))
    if fields.get("name") is None:
        raise BadInput("name", "is required")
    provider = IdentityProvider(
        id=new_id(IdPrefix.IDENTITY_PROVIDER),
        protocol=protocol.value,
        enabled=True,
        scopes=list(fields_.DEFAULT_OIDC_SCOPES) if protocol is fields_.OIDC else [],
        attribute_mapping={},
    )
    _write(context, provider, fields)
    async with context.transaction() as session:
        tenant = await load_for_update(
            session, Tenant, tenant_id, access.visible_tenants(principal), kind="Tenant"
        )
        provider.tenant_id = tenant.id
        session.add(provider)
        await audit.record_row(
            session,
            context,
            "identity_provider.create",
            provider,
            metadata=fields_.audit_metadata(provider, ["protocol", *fields]),
        )
    return provider


async def update(
    context: RequestContext, identity_provider_id: str, changes: dict[str, Any]
) -> IdentityProvider:
    for field in _FIXED_AT_CREATION:
        if field in changes:
            raise BadInput(field, "cannot be changed after creation")
    async with context.transaction() as session:
        provider = await load_for_update(
            session, IdentityProvider, identity_provider_id, _scope(context.actor), kind=KIND
        )
        _write(context, provider, changes)
        provider.updated_at = utcnow()
        await audit.record_row(
            session,
            context,
            "identity_provider.update",
            provider,
            metadata=fields_.audit_metadata(provider, changes),
        )
    return provider


async def delete(context: RequestContext, identity_provider_id: str) -> IdentityProvider:
    async with context.transaction() as session:
        provider = await load_for_update(
            session, IdentityProvider, identity_provider_id, _scope(context.actor), kind=KIND
        )
        provider.deleted_at = utcnow()
        await audit.record_row(session, context, "identity_provider.delete", provider)
    return provider
