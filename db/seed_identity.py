"""Seed data of identity federation and MCP agents: one identity provider and one agent per
tenant, alternating OIDC (Microsoft Entra ID) and SAML (Okta, by its metadata).

No client secret is seeded: a sealed one needs the running gateway's key, and an admin sets
it through the API like any secret.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any

from db.ids import IdPrefix, new_id
from db.models import Agent, IdentityProvider
from db.models.identity_providers import IdentityProviderProtocol

Write = Callable[[type[Any], list[dict[str, Any]]], Awaitable[None]]

_AGENT_TOOLS = ["tickets.search", "tickets.reply", "kb.search", "calendar:read"]
_OIDC_MAPPING = {"email": "email", "first_name": "given_name", "last_name": "family_name"}
_SAML_MAPPING = {"email": "email", "first_name": "firstName", "last_name": "lastName"}


def _identity_provider(tenant: dict[str, Any], index: int) -> dict[str, Any]:
    common = {
        "id": new_id(IdPrefix.IDENTITY_PROVIDER),
        "tenant_id": tenant["id"],
        "enabled": True,
        "client_secret_sealed": None,
        "discovery_url": None,
        "entity_id": None,
        "sso_url": None,
        "x509_certificate": None,
        "certificate_fingerprint": None,
        "certificate_expires_at": None,
    }
    if index % 2 == 0:
        directory = uuid.uuid5(uuid.NAMESPACE_DNS, tenant["slug"])
        return {
            **common,
            "protocol": IdentityProviderProtocol.OIDC.value,
            "name": "Microsoft Entra ID",
            "issuer": f"https://login.microsoftonline.com/{directory}/v2.0",
            "client_id": str(uuid.uuid5(directory, "scaikey")),
            "scopes": ["openid", "profile", "email"],
            "metadata_url": None,
            "attribute_mapping": _OIDC_MAPPING,
        }
    return {
        **common,
        "protocol": IdentityProviderProtocol.SAML.value,
        "name": "Okta",
        "issuer": None,
        "client_id": None,
        "scopes": [],
        "metadata_url": f"https://{tenant['slug']}.okta.com/app/scaikey/sso/saml/metadata",
        "attribute_mapping": _SAML_MAPPING,
    }


async def write_identity(write: Write, tenants: Sequence[dict[str, Any]], now: datetime) -> None:
    stamps = {"created_at": now, "updated_at": now, "deleted_at": None}
    providers = [
        {**_identity_provider(tenant, index), **stamps} for index, tenant in enumerate(tenants)
    ]
    agents = [
        {
            "id": new_id(IdPrefix.AGENT),
            "tenant_id": tenant["id"],
            "name": "Support assistant",
            "description": f"Answers {tenant['name']} support tickets from the knowledge base.",
            "enabled": True,
            "allowed_tools": _AGENT_TOOLS,
            "allowed_scopes": ["openid"],
            "rate_limit_rpm": 60,
            **stamps,
        }
        for tenant in tenants
    ]
    await write(IdentityProvider, providers)
    await write(Agent, agents)
