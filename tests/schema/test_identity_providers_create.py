"""createIdentityProvider over GraphQL: an OIDC secret kept sealed, a SAML certificate parsed,
and an incomplete or malformed provider refused by field."""

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
    CERTIFICATE_NOT_AFTER,
    audit_events,
    certificate_fingerprint,
    certificate_pem,
    stored,
)
from tests.schema.identity_providers import (
    CREATE,
    SECRET,
    TYPE_FIELDS,
    Sessions,
    error,
    oidc,
    provider_count,
    saml,
)
from tests.tokens import Tokens


@pytest.fixture
async def tenant(db: None, sessions: Sessions) -> Tenant:
    return await create_tenant(sessions, partner=await create_partner(sessions))


class TestCreateIdentityProvider:
    async def test_an_oidc_provider_keeps_its_secret_sealed_and_never_shows_it(
        self,
        sessions: Sessions,
        gql: GraphQLClient,
        tokens: Tokens,
        settings: Settings,
        tenant: Tenant,
    ) -> None:
        # when
        result = await gql(
            CREATE, oidc(tenant.id, clientSecret=SECRET), token=tokens.tenant_admin(tenant.id)
        )

        # then the provider is there, with the default scopes and only a secret flag
        created = result["data"]["createIdentityProvider"]
        assert created["id"].startswith("idp_")
        assert (created["protocol"], created["tenantId"]) == ("OIDC", tenant.id)
        assert created["scopes"] == ["openid", "profile", "email"]
        assert created["hasClientSecret"] is True
        assert created["enabled"] is True
        assert SECRET not in json.dumps(result)
        # and the stored secret is sealed, not plain, and opens with the gateway's key
        row = await stored(sessions, IdentityProvider, created["id"])
        assert SECRET not in row.client_secret_sealed
        assert unseal(settings.sealing_key, row.client_secret_sealed) == SECRET
        # and one audit event names the written fields without the secret
        events = await audit_events(sessions, resource_id=created["id"])
        assert [(e.action, e.result) for e in events] == [("identity_provider.create", "success")]
        assert events[0].tenant_id == tenant.id
        assert events[0].event_metadata["issuer"] == "https://login.example.com/tenant-1/v2.0"
        assert events[0].event_metadata["client_secret"] == "[redacted]"
        assert SECRET not in json.dumps(events[0].event_metadata)

    async def test_no_field_of_the_type_can_return_the_secret(
        self, gql: GraphQLClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        result = await gql(TYPE_FIELDS, token=tokens.super_admin())

        names = {field["name"] for field in result["data"]["__type"]["fields"]}
        assert {name for name in names if "ecret" in name} == {"hasClientSecret"}

    async def test_a_saml_certificate_is_parsed_for_fingerprint_and_expiry(
        self, gql: GraphQLClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        pem = certificate_pem()

        result = await gql(CREATE, saml(tenant.id), token=tokens.super_admin())

        created = result["data"]["createIdentityProvider"]
        assert created["protocol"] == "SAML"
        assert created["x509Certificate"] == pem
        assert created["certificateFingerprint"] == certificate_fingerprint(pem)
        assert created["certificateExpiresAt"].startswith(CERTIFICATE_NOT_AFTER.date().isoformat())
        assert created["scopes"] == []
        assert (created["issuer"], created["clientId"], created["hasClientSecret"]) == (
            None,
            None,
            False,
        )

    async def test_a_saml_provider_may_rely_on_its_metadata_alone(
        self, gql: GraphQLClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        variables = {
            "input": {
                "protocol": "SAML",
                "name": "ADFS",
                "metadataUrl": "https://adfs.example/FederationMetadata.xml",
                "attributeMapping": {"email": "emailaddress", "first_name": "givenname"},
            }
        }

        result = await gql(CREATE, variables, token=tokens.tenant_admin(tenant.id))

        created = result["data"]["createIdentityProvider"]
        assert created["tenantId"] == tenant.id
        assert created["x509Certificate"] is None
        assert created["attributeMapping"] == {"email": "emailaddress", "first_name": "givenname"}

    @pytest.mark.parametrize(
        ("variables", "message"),
        [
            (
                saml("T", x509Certificate=None),
                "x509_certificate: is required for SAML identity providers without a metadata_url",
            ),
            (
                saml("T", entityId=None),
                "entity_id: is required for SAML identity providers without a metadata_url",
            ),
            (
                saml("T", x509Certificate="-----BEGIN CERTIFICATE-----\nnope\n"),
                "x509_certificate: is not a PEM-encoded X.509 certificate",
            ),
            (saml("T", entityId="okta"), "entity_id: must be a URI (a URL or a URN)"),
            (saml("T", ssoUrl="http://idp.example/sso"), "sso_url: must be an https URL"),
            (
                saml("T", clientSecret="s3cret-value"),
                "client_secret: applies only to OIDC identity providers",
            ),
            (oidc("T", issuer=None), "issuer: is required for OIDC identity providers"),
            (oidc("T", clientId=None), "client_id: is required for OIDC identity providers"),
            (oidc("T", issuer="http://login.example"), "issuer: must be an https URL"),
            (
                oidc("T", issuer="https://login.example/?tenant=1"),
                "issuer: must not contain a query or a fragment",
            ),
            (oidc("T", discoveryUrl="ftp://x.example"), "discovery_url: must be an https URL"),
            (oidc("T", discoveryUrl="https://[::1"), "discovery_url: 'https://[::1' is not a URL"),
            (
                oidc("T", metadataUrl="https://idp.example/md"),
                "metadata_url: applies only to SAML identity providers",
            ),
            (oidc("T", scopes=["openid", "bad scope"]), "scopes: 'bad scope' is not a valid scope"),
            (oidc("T", attributeMapping=["email"]), "attribute_mapping: must be a JSON object"),
            (
                oidc("T", attributeMapping={"email": 3}),
                "attribute_mapping: 'email' must map to an attribute name (1 to 500 characters)",
            ),
            (oidc("T", name="  "), "name: must not be empty"),
        ],
    )
    async def test_refuses_an_incomplete_or_malformed_provider_naming_the_field(
        self,
        sessions: Sessions,
        gql: GraphQLClient,
        tokens: Tokens,
        tenant: Tenant,
        variables: dict[str, Any],
        message: str,
    ) -> None:
        # given the input, aimed at the test's tenant
        given = {"input": {**variables["input"], "tenantId": tenant.id}}

        # when
        result = await gql(CREATE, given, token=tokens.super_admin())

        # then
        assert error(result) == ("BAD_USER_INPUT", message)
        assert await provider_count(sessions) == 0
        events = await audit_events(sessions)
        assert [(e.action, e.result) for e in events] == [("identity_provider.create", "failure")]

    async def test_a_sibling_tenant_is_not_found(
        self, sessions: Sessions, gql: GraphQLClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        sibling = await create_tenant(sessions, partner=await create_partner(sessions))

        result = await gql(CREATE, oidc(sibling.id), token=tokens.tenant_admin(tenant.id))

        assert error(result) == ("NOT_FOUND", f"Tenant {sibling.id} not found")
        assert await provider_count(sessions) == 0
