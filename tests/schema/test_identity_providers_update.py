"""updateIdentityProvider over GraphQL: only the given fields change, the secret stays sealed,
and the merged provider must still be complete."""

from __future__ import annotations

import json
from typing import Any

import pytest

from core.settings import Settings
from db.models import IdentityProvider, Tenant
from resolvers.sealed_secrets import unseal
from tests.conftest import GraphQLClient
from tests.factories import create_partner, create_tenant
from tests.factories_identity import (
    audit_events,
    certificate_fingerprint,
    certificate_pem,
    create_identity_provider,
    stored,
)
from tests.schema.identity_providers import SECRET, UPDATE, Sessions, error
from tests.tokens import Tokens


@pytest.fixture
async def tenant(db: None, sessions: Sessions) -> Tenant:
    return await create_tenant(sessions, partner=await create_partner(sessions))


class TestUpdateIdentityProvider:
    async def test_changes_only_the_given_fields_and_records_them(
        self,
        sessions: Sessions,
        gql: GraphQLClient,
        tokens: Tokens,
        settings: Settings,
        tenant: Tenant,
    ) -> None:
        provider = await create_identity_provider(sessions, tenant=tenant)

        result = await gql(
            UPDATE,
            {"id": provider.id, "input": {"name": "Renamed", "clientSecret": SECRET}},
            token=tokens.partner_admin(tenant.partner_id),
        )

        updated = result["data"]["updateIdentityProvider"]
        assert (updated["name"], updated["hasClientSecret"]) == ("Renamed", True)
        assert updated["issuer"] == provider.issuer
        assert SECRET not in json.dumps(result)
        row = await stored(sessions, IdentityProvider, provider.id)
        assert unseal(settings.sealing_key, row.client_secret_sealed) == SECRET
        events = await audit_events(sessions, resource_id=provider.id)
        assert [(e.action, e.event_metadata) for e in events] == [
            ("identity_provider.update", {"name": "Renamed", "client_secret": "[redacted]"})
        ]

    async def test_null_clears_the_client_secret(
        self, sessions: Sessions, gql: GraphQLClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        provider = await create_identity_provider(
            sessions, tenant=tenant, client_secret_sealed="sealed"
        )

        result = await gql(
            UPDATE, {"id": provider.id, "input": {"clientSecret": None}}, token=tokens.super_admin()
        )

        assert result["data"]["updateIdentityProvider"]["hasClientSecret"] is False

    async def test_a_new_certificate_replaces_fingerprint_and_expiry(
        self, sessions: Sessions, gql: GraphQLClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        provider = await create_identity_provider(sessions, tenant=tenant, protocol="saml")
        pem = certificate_pem("rotated.example")

        result = await gql(
            UPDATE,
            {"id": provider.id, "input": {"x509Certificate": pem}},
            token=tokens.super_admin(),
        )

        updated = result["data"]["updateIdentityProvider"]
        assert updated["certificateFingerprint"] == certificate_fingerprint(pem)
        events = await audit_events(sessions, resource_id=provider.id)
        assert events[0].event_metadata == {"x509_certificate": certificate_fingerprint(pem)}

    @pytest.mark.parametrize(
        ("protocol", "changes", "message"),
        [
            (
                "saml",
                {"metadataUrl": None},
                "x509_certificate: is required for SAML identity providers without a metadata_url",
            ),
            ("oidc", {"issuer": None}, "issuer: is required for OIDC identity providers"),
            ("oidc", {"clientId": ""}, "client_id: is required for OIDC identity providers"),
            ("oidc", {"entityId": "urn:x"}, "entity_id: applies only to SAML identity providers"),
        ],
    )
    async def test_the_merged_result_must_still_be_complete(
        self,
        sessions: Sessions,
        gql: GraphQLClient,
        tokens: Tokens,
        tenant: Tenant,
        protocol: str,
        changes: dict[str, Any],
        message: str,
    ) -> None:
        # given a complete provider
        provider = await create_identity_provider(sessions, tenant=tenant, protocol=protocol)

        # when a patch would leave it incomplete
        result = await gql(
            UPDATE, {"id": provider.id, "input": changes}, token=tokens.super_admin()
        )

        # then it is refused by name and nothing changed
        assert error(result) == ("BAD_USER_INPUT", message)
        row = await stored(sessions, IdentityProvider, provider.id)
        assert (row.issuer, row.metadata_url, row.updated_at) == (
            provider.issuer,
            provider.metadata_url,
            provider.updated_at,
        )

    async def test_another_tenants_provider_is_not_found(
        self, sessions: Sessions, gql: GraphQLClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        foreign = await create_tenant(sessions, partner=await create_partner(sessions))
        provider = await create_identity_provider(sessions, tenant=foreign)

        result = await gql(
            UPDATE,
            {"id": provider.id, "input": {"name": "Mine"}},
            token=tokens.partner_admin(tenant.partner_id),
        )

        assert error(result)[0] == "NOT_FOUND"
        assert (await stored(sessions, IdentityProvider, provider.id)).name == provider.name
