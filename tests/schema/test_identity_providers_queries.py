"""The identityProviders list and the identityProvider, node and tenant relation reads over
GraphQL, scoped to the caller's tenants."""

from __future__ import annotations

from typing import Any

import pytest

from db.models import Tenant
from tests.conftest import GraphQLClient
from tests.factories import create_partner, create_tenant
from tests.factories_identity import create_identity_provider
from tests.schema.identity_providers import (
    DELETE,
    LIST,
    ONE,
    TENANT_RELATION,
    Sessions,
    error,
    stored_partner,
)
from tests.tokens import Tokens


@pytest.fixture
async def tenant(db: None, sessions: Sessions) -> Tenant:
    return await create_tenant(sessions, partner=await create_partner(sessions))


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

        assert error(result) == ("NOT_FOUND", f"IdentityProvider {provider.id} not found")
