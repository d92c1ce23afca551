"""`/api/v1/admin/identity-providers` over HTTP."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from graphql import GraphQLInputObjectType
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import IdentityProvider, Tenant
from rest_compat.documents import snake
from schema.schema import schema
from schema.strawberry_private import graphql_core_schema
from tests.factories import create_partner, create_tenant
from tests.factories_identity import (
    certificate_pem,
    create_identity_provider,
    stored,
)
from tests.rest_compat.test_wrong_types import _wrong_value
from tests.tokens import Tokens, bearer

Sessions = async_sessionmaker[AsyncSession]
IDPS = "/api/v1/admin/identity-providers"
SECRET = "upstream-client-secret-0123456789"
KEYS = {
    "id",
    "tenant_id",
    "protocol",
    "name",
    "enabled",
    "issuer",
    "client_id",
    "has_client_secret",
    "scopes",
    "discovery_url",
    "entity_id",
    "sso_url",
    "metadata_url",
    "x509_certificate",
    "certificate_fingerprint",
    "certificate_expires_at",
    "attribute_mapping",
    "created_at",
    "updated_at",
}
OIDC_BODY = {
    "protocol": "OIDC",
    "name": "Google Workspace",
    "issuer": "https://accounts.google.com",
    "client_id": "scaikey.apps.googleusercontent.com",
}
# What GraphQL reads back of a provider: the REST API has no GET for one.
READ_BACK = """
query ($id: ID!) { identityProvider(id: $id) {
  name enabled issuer clientId hasClientSecret scopes discoveryUrl entityId ssoUrl metadataUrl
  x509Certificate attributeMapping updatedAt } }
"""


@pytest.fixture
async def tenant(db: None, sessions: Sessions) -> Tenant:
    return await create_tenant(sessions, partner=await create_partner(sessions))


async def _count(sessions: Sessions) -> int:
    async with sessions() as session:
        statement = select(func.count()).select_from(IdentityProvider)
        return int((await session.execute(statement)).scalar_one())


async def _read_back(http: httpx.AsyncClient, token: str, provider_id: str) -> Any:
    response = await http.post(
        "/graphql",
        json={"query": READ_BACK, "variables": {"id": provider_id}},
        headers=bearer(token),
    )
    assert "data" in response.json(), response.text
    return response.json()["data"]["identityProvider"]


class TestCreateIdentityProvider:
    async def test_answers_201_with_the_provider_and_never_the_secret(
        self, http: httpx.AsyncClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        headers = bearer(tokens.tenant_admin(tenant.id))

        created = await http.post(
            IDPS, json={**OIDC_BODY, "client_secret": SECRET}, headers=headers
        )
        provider_id = created.json()["id"]
        patched = await http.patch(
            f"{IDPS}/{provider_id}", json={"client_secret": SECRET + "-2"}, headers=headers
        )
        listed = await http.get(IDPS, headers=headers)

        assert created.status_code == 201, created.text
        body = created.json()
        assert set(body) == KEYS
        assert (body["protocol"], body["tenant_id"]) == ("OIDC", tenant.id)
        assert body["has_client_secret"] is True
        assert patched.status_code == 200
        assert listed.json()["data"] == [patched.json()]
        for response in (created, patched, listed):
            assert SECRET not in response.text
            assert '"client_secret"' not in response.text

    async def test_a_saml_provider_without_certificate_or_metadata_is_422(
        self, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        response = await http.post(
            IDPS,
            json={
                "protocol": "SAML",
                "name": "Okta",
                "tenant_id": tenant.id,
                "entity_id": "http://www.okta.com/exk1",
                "sso_url": "https://example.okta.com/sso",
            },
            headers=bearer(tokens.super_admin()),
        )

        assert response.status_code == 422
        assert response.json() == {
            "detail": "x509_certificate: is required for SAML identity providers without a "
            "metadata_url",
            "code": "BAD_USER_INPUT",
        }
        assert await _count(sessions) == 0

    async def test_an_oidc_provider_without_an_issuer_is_422(
        self, http: httpx.AsyncClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        body = {**OIDC_BODY, "issuer": None}

        response = await http.post(IDPS, json=body, headers=bearer(tokens.tenant_admin(tenant.id)))

        assert response.status_code == 422
        assert response.json()["detail"] == "issuer: is required for OIDC identity providers"

    async def test_an_unknown_protocol_is_422(
        self, http: httpx.AsyncClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        body = {**OIDC_BODY, "protocol": "LDAP"}

        response = await http.post(IDPS, json=body, headers=bearer(tokens.tenant_admin(tenant.id)))

        assert response.status_code == 422
        assert response.json()["detail"].startswith("protocol:")


class TestListIdentityProviders:
    async def test_pages_and_filters_by_tenant_and_protocol(
        self, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        other = await create_tenant(sessions, partner=await create_partner(sessions))
        oidc = [await create_identity_provider(sessions, tenant=tenant) for _ in range(3)]
        saml = await create_identity_provider(sessions, tenant=tenant, protocol="saml")
        elsewhere = await create_identity_provider(sessions, tenant=other, protocol="saml")
        headers = bearer(tokens.super_admin())

        second = await http.get(f"{IDPS}?page=2&per_page=2", headers=headers)
        of_tenant_saml = await http.get(
            f"{IDPS}?tenant_id={tenant.id}&protocol=SAML", headers=headers
        )
        all_saml = await http.get(f"{IDPS}?protocol=SAML", headers=headers)
        bad = await http.get(f"{IDPS}?protocol=LDAP", headers=headers)

        assert second.status_code == 200
        assert [item["id"] for item in second.json()["data"]] == [oidc[2].id, saml.id]
        assert second.json()["pagination"] == {
            "page": 2,
            "per_page": 2,
            "total": 5,
            "total_pages": 3,
        }
        assert [item["id"] for item in of_tenant_saml.json()["data"]] == [saml.id]
        assert [item["id"] for item in all_saml.json()["data"]] == [saml.id, elsewhere.id]
        assert bad.status_code == 422

    async def test_a_tenant_admin_sees_only_its_tenants_providers(
        self, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        sibling = await create_tenant(sessions, partner=await create_partner(sessions))
        own = await create_identity_provider(sessions, tenant=tenant)
        await create_identity_provider(sessions, tenant=sibling)

        response = await http.get(IDPS, headers=bearer(tokens.tenant_admin(tenant.id)))

        assert [item["id"] for item in response.json()["data"]] == [own.id]
        assert response.json()["pagination"]["total"] == 1


class TestPatchIdentityProvider:
    async def test_answers_the_updated_provider(
        self, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        provider = await create_identity_provider(sessions, tenant=tenant, protocol="saml")
        pem = certificate_pem()

        response = await http.patch(
            f"{IDPS}/{provider.id}",
            json={
                "x509_certificate": pem,
                "entity_id": "urn:example:idp",
                "sso_url": "https://idp.example/sso",
                "metadata_url": None,
                "enabled": False,
            },
            headers=bearer(tokens.partner_admin(tenant.partner_id)),
        )

        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["x509_certificate"], body["metadata_url"], body["enabled"]) == (
            pem,
            None,
            False,
        )

    @pytest.mark.parametrize("field", ["protocol", "tenant_id"])
    async def test_protocol_and_tenant_are_fixed(
        self,
        sessions: Sessions,
        http: httpx.AsyncClient,
        tokens: Tokens,
        tenant: Tenant,
        field: str,
    ) -> None:
        provider = await create_identity_provider(sessions, tenant=tenant)

        response = await http.patch(
            f"{IDPS}/{provider.id}", json={field: "SAML"}, headers=bearer(tokens.super_admin())
        )

        assert response.status_code == 422
        assert response.json()["detail"] == f"Unknown field '{field}'"
        assert (await stored(sessions, IdentityProvider, provider.id)).protocol == "oidc"

    async def test_another_tenants_provider_is_404(
        self, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        sibling = await create_tenant(sessions, partner=await create_partner(sessions))
        provider = await create_identity_provider(sessions, tenant=sibling)

        response = await http.patch(
            f"{IDPS}/{provider.id}",
            json={"name": "x"},
            headers=bearer(tokens.tenant_admin(tenant.id)),
        )

        assert response.status_code == 404
        assert response.json() == {
            "detail": f"IdentityProvider {provider.id} not found",
            "code": "NOT_FOUND",
        }


class TestDeleteIdentityProvider:
    async def test_answers_204_and_the_provider_is_gone(
        self, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        provider = await create_identity_provider(sessions, tenant=tenant)
        headers = bearer(tokens.tenant_admin(tenant.id))

        deleted = await http.delete(f"{IDPS}/{provider.id}", headers=headers)
        listed = await http.get(IDPS, headers=headers)
        patched = await http.patch(f"{IDPS}/{provider.id}", json={"name": "x"}, headers=headers)

        assert (deleted.status_code, deleted.content) == (204, b"")
        assert listed.json()["data"] == []
        assert patched.status_code == 404

    async def test_there_is_no_get_for_one_provider(
        self, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        provider = await create_identity_provider(sessions, tenant=tenant)

        response = await http.get(f"{IDPS}/{provider.id}", headers=bearer(tokens.super_admin()))

        assert response.status_code == 405


def _fields(input_name: str) -> list[tuple[str, Any]]:
    input_type = graphql_core_schema(schema).get_type(input_name)
    assert isinstance(input_type, GraphQLInputObjectType)
    return [(snake(name), _wrong_value(field.type)) for name, field in input_type.fields.items()]


CREATE_CASES = _fields("CreateIdentityProviderInput")
UPDATE_CASES = _fields("UpdateIdentityProviderInput")


class TestWrongTypesAndNulls:
    """The create/update bodies' every field, as the shared body tests do for other routes."""

    @pytest.mark.parametrize(("field", "value"), CREATE_CASES, ids=[f for f, _ in CREATE_CASES])
    async def test_a_create_with_a_wrong_type_is_422_naming_the_field(
        self,
        sessions: Sessions,
        http: httpx.AsyncClient,
        tokens: Tokens,
        tenant: Tenant,
        field: str,
        value: Any,
    ) -> None:
        body = {**OIDC_BODY, "tenant_id": tenant.id, field: value}

        response = await http.post(IDPS, json=body, headers=bearer(tokens.super_admin()))

        assert response.status_code == 422, response.text
        assert response.json()["detail"].startswith(f"{field}:"), response.json()["detail"]
        assert await _count(sessions) == 0

    @pytest.mark.parametrize(("field", "value"), UPDATE_CASES, ids=[f for f, _ in UPDATE_CASES])
    async def test_a_patch_with_a_wrong_type_is_422_naming_the_field(
        self,
        sessions: Sessions,
        http: httpx.AsyncClient,
        tokens: Tokens,
        tenant: Tenant,
        field: str,
        value: Any,
    ) -> None:
        provider = await create_identity_provider(sessions, tenant=tenant, protocol="saml")
        token = tokens.super_admin()
        before = await _read_back(http, token, provider.id)

        response = await http.patch(
            f"{IDPS}/{provider.id}", json={field: value}, headers=bearer(token)
        )

        assert response.status_code == 422, response.text
        assert response.json()["detail"].startswith(f"{field}:"), response.json()["detail"]
        assert await _read_back(http, token, provider.id) == before

    @pytest.mark.parametrize("protocol", ["oidc", "saml"])
    @pytest.mark.parametrize(("field", "_value"), UPDATE_CASES, ids=[f for f, _ in UPDATE_CASES])
    async def test_a_patch_null_is_accepted_or_refused_by_name(
        self,
        sessions: Sessions,
        http: httpx.AsyncClient,
        tokens: Tokens,
        tenant: Tenant,
        field: str,
        _value: Any,
        protocol: str,
    ) -> None:
        provider = await create_identity_provider(sessions, tenant=tenant, protocol=protocol)
        token = tokens.super_admin()
        before = await _read_back(http, token, provider.id)

        response = await http.patch(
            f"{IDPS}/{provider.id}", json={field: None}, headers=bearer(token)
        )

        # then a refusal names the field sent, or the one the provider would then lack
        assert response.status_code in (200, 422), response.text
        if response.status_code == 422:
            named = response.json()["detail"].split(":")[0]
            assert named in {field, *(f for f, _ in UPDATE_CASES)}
            assert await _read_back(http, token, provider.id) == before
