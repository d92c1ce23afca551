"""What the identity provider GraphQL tests share: their documents, inputs for a complete
OIDC or SAML provider, and how they read an error and the stored rows. The tests live beside
this module, one per operation (`test_identity_providers_*.py`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import IdentityProvider, Partner, Tenant
from tests.factories_identity import certificate_pem, stored

Sessions = async_sessionmaker[AsyncSession]
SECRET = "upstream-client-secret-0123456789"

FIELDS = """
id tenantId protocol name enabled issuer clientId hasClientSecret scopes discoveryUrl
entityId ssoUrl metadataUrl x509Certificate certificateFingerprint certificateExpiresAt
attributeMapping
"""

CREATE = f"""
mutation ($input: CreateIdentityProviderInput!) {{
  createIdentityProvider(input: $input) {{ {FIELDS} }}
}}
"""

UPDATE = f"""
mutation ($id: ID!, $input: UpdateIdentityProviderInput!) {{
  updateIdentityProvider(id: $id, input: $input) {{ {FIELDS} }}
}}
"""

DELETE = """
mutation ($id: ID!) { deleteIdentityProvider(id: $id) { id deletedAt } }
"""

LIST = """
query ($first: Int, $after: String, $tenantId: ID, $protocol: IdentityProviderProtocol) {
  identityProviders(first: $first, after: $after, tenantId: $tenantId, protocol: $protocol) {
    totalCount
    nodes { id protocol tenantId }
    pageInfo { hasNextPage endCursor }
  }
}
"""

ONE = """
query ($id: ID!) {
  identityProvider(id: $id) { id name tenant { id } }
  node(id: $id) { id ... on IdentityProvider { protocol } }
}
"""

TYPE_FIELDS = """
query { __type(name: "IdentityProvider") { fields { name } } }
"""

TENANT_RELATION = """
query ($id: ID!) { tenant(id: $id) { identityProviders { nodes { id } } } }
"""


def oidc(tenant_id: str, **fields: Any) -> dict[str, Any]:
    return {
        "input": {
            "protocol": "OIDC",
            "name": "Corporate Entra ID",
            "tenantId": tenant_id,
            "issuer": "https://login.example.com/tenant-1/v2.0",
            "clientId": "scaikey-client",
            **fields,
        }
    }


def saml(tenant_id: str, **fields: Any) -> dict[str, Any]:
    return {
        "input": {
            "protocol": "SAML",
            "name": "Okta",
            "tenantId": tenant_id,
            "entityId": "http://www.okta.com/exk1",
            "ssoUrl": "https://example.okta.com/app/sso/saml",
            "x509Certificate": certificate_pem(),
            **fields,
        }
    }


def error(result: dict[str, Any]) -> tuple[str, str]:
    """The code and message of a result's first error."""
    first = result["errors"][0]
    return first["extensions"]["code"], first["message"]


async def provider_count(sessions: Sessions) -> int:
    """Identity providers stored, deleted ones included."""
    async with sessions() as session:
        statement = select(func.count()).select_from(IdentityProvider)
        return int((await session.execute(statement)).scalar_one())


async def stored_partner(sessions: Sessions, tenant: Tenant) -> Partner:
    partner: Partner = await stored(sessions, Partner, tenant.partner_id)
    return partner
