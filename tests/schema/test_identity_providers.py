"""Identity provider queries and mutations over GraphQL."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.settings import Settings
from db.models import IdentityProvider, Partner, Tenant
from resolvers.sealed_secrets import unseal
from tests.conftest import GraphQLClient
from tests.factories import create_partner, create_tenant
from tests.factories_identity import (
    CERTIFICATE_NOT_AFTER,
    audit_events,
    certificate_fingerprint,
    certificate_pem,
    create_identity_provider,
    stored,
)
from tests.tokens import Tokens

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


def _error(result: dict[str, Any]) -> tuple[str, str]:
    error = result["errors"][0]
    return error["extensions"]["code"], error["message"]


async def _count(sessions: Sessions) -> int:
    async with sessions() as session:
        statement = select(func.count()).select_from(IdentityProvider)
        return int((await session.execute(statement)).scalar_one())


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
        assert _error(result) == ("BAD_USER_INPUT", message)
        assert await _count(sessions) == 0
        events = await audit_events(sessions)
        assert [(e.action, e.result) for e in events] == [("identity_provider.create", "failure")]

    async def test_a_sibling_tenant_is_not_found(
        self, sessions: Sessions, gql: GraphQLClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        sibling = await create_tenant(sessions, partner=await create_partner(sessions))

        result = await gql(CREATE, oidc(sibling.id), token=tokens.tenant_admin(tenant.id))

        assert _error(result) == ("NOT_FOUND", f"Tenant {sibling.id} not found")
        assert await _count(sessions) == 0


class TestIdentityProvidersQuery:
    async def test_lists_only_the_callers_tenants_filtered_by_tenant_and_protocol(
        self, sessions: Sessions, gql: GraphQLClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        # given two tenants of one partner and one of another
        sibling = await create_tenant(sessions, partner=await stored_partner(sessions, tenant))
        foreign = await create_tenant(sessions, partner=await create_partner(sessions))
        own_oidc = await create_identity_provider(sessions, tenant=tenant)
        own_saml = await create_identity_provider(sessions, tenant=tenant, protocol="saml")
        sibling_oidc = await create_identity_provider(sessions, tenant=sibling)
        await create_identity_provider(sessions, tenant=foreign)
        gone = await create_identity_provider(sessions, tenant=tenant)
        await gql(DELETE, {"id": gone.id}, token=tokens.super_admin())
        partner_admin = tokens.partner_admin(tenant.partner_id)

        # when
        everything = await gql(LIST, {}, token=partner_admin)
        of_tenant = await gql(LIST, {"tenantId": tenant.id}, token=partner_admin)
        saml_only = await gql(LIST, {"protocol": "SAML"}, token=partner_admin)
        tenant_admin = await gql(LIST, {}, token=tokens.tenant_admin(tenant.id))

        # then
        def ids(result: dict[str, Any]) -> list[str]:
            return [node["id"] for node in result["data"]["identityProviders"]["nodes"]]

        assert ids(everything) == [own_oidc.id, own_saml.id, sibling_oidc.id]
        assert everything["data"]["identityProviders"]["totalCount"] == 3
        assert ids(of_tenant) == [own_oidc.id, own_saml.id]
        assert ids(saml_only) == [own_saml.id]
        assert ids(tenant_admin) == [own_oidc.id, own_saml.id]

    async def test_pages_with_first_and_after(
        self, sessions: Sessions, gql: GraphQLClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        made = [await create_identity_provider(sessions, tenant=tenant) for _ in range(3)]

        first = await gql(LIST, {"first": 2}, token=tokens.super_admin())
        page = first["data"]["identityProviders"]
        second = await gql(
            LIST, {"first": 2, "after": page["pageInfo"]["endCursor"]}, token=tokens.super_admin()
        )

        assert [n["id"] for n in page["nodes"]] == [made[0].id, made[1].id]
        assert page["pageInfo"]["hasNextPage"] is True
        rest = second["data"]["identityProviders"]
        assert [n["id"] for n in rest["nodes"]] == [made[2].id]
        assert rest["pageInfo"]["hasNextPage"] is False
        assert rest["totalCount"] == 3


class TestIdentityProviderQuery:
    async def test_reads_one_by_id_by_node_and_from_its_tenant(
        self, sessions: Sessions, gql: GraphQLClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        provider = await create_identity_provider(sessions, tenant=tenant, protocol="saml")
        token = tokens.tenant_admin(tenant.id)

        one = await gql(ONE, {"id": provider.id}, token=token)
        related = await gql(TENANT_RELATION, {"id": tenant.id}, token=token)

        assert one["data"]["identityProvider"] == {
            "id": provider.id,
            "name": provider.name,
            "tenant": {"id": tenant.id},
        }
        assert one["data"]["node"] == {"id": provider.id, "protocol": "SAML"}
        assert related["data"]["tenant"]["identityProviders"]["nodes"] == [{"id": provider.id}]

    async def test_another_tenants_provider_is_not_found(
        self, sessions: Sessions, gql: GraphQLClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        sibling = await create_tenant(sessions, partner=await stored_partner(sessions, tenant))
        provider = await create_identity_provider(sessions, tenant=sibling)

        result = await gql(ONE, {"id": provider.id}, token=tokens.tenant_admin(tenant.id))

        assert _error(result) == ("NOT_FOUND", f"IdentityProvider {provider.id} not found")


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
        assert _error(result) == ("BAD_USER_INPUT", message)
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

        assert _error(result)[0] == "NOT_FOUND"
        assert (await stored(sessions, IdentityProvider, provider.id)).name == provider.name


class TestDeleteIdentityProvider:
    async def test_soft_deletes_and_records_one_event(
        self, sessions: Sessions, gql: GraphQLClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        provider = await create_identity_provider(sessions, tenant=tenant)
        token = tokens.tenant_admin(tenant.id)

        result = await gql(DELETE, {"id": provider.id}, token=token)
        read = await gql(ONE, {"id": provider.id}, token=token)
        again = await gql(DELETE, {"id": provider.id}, token=token)

        assert result["data"]["deleteIdentityProvider"]["id"] == provider.id
        assert (await stored(sessions, IdentityProvider, provider.id)).deleted_at is not None
        assert _error(read)[0] == "NOT_FOUND"
        assert _error(again)[0] == "NOT_FOUND"
        events = await audit_events(sessions, resource_id=provider.id)
        assert [(e.action, e.result) for e in events] == [
            ("identity_provider.delete", "success"),
            ("identity_provider.delete", "failure"),
        ]

    @pytest.mark.parametrize("owner", ["tenant", "partner"])
    async def test_deleting_the_tenant_or_its_partner_deletes_its_providers(
        self, sessions: Sessions, gql: GraphQLClient, tokens: Tokens, tenant: Tenant, owner: str
    ) -> None:
        provider = await create_identity_provider(sessions, tenant=tenant)
        if owner == "tenant":
            document, target = "mutation ($id: ID!) { deleteTenant(id: $id) { id } }", tenant.id
        else:
            document = "mutation ($id: ID!) { deletePartner(id: $id) { id } }"
            target = tenant.partner_id

        result = await gql(document, {"id": target}, token=tokens.super_admin())

        assert "errors" not in result, result
        assert (await stored(sessions, IdentityProvider, provider.id)).deleted_at is not None


async def stored_partner(sessions: Sessions, tenant: Tenant) -> Partner:
    partner: Partner = await stored(sessions, Partner, tenant.partner_id)
    return partner
