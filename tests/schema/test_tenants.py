"""Tenant queries and mutations over GraphQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.conftest import GraphQLClient
from tests.factories import create_partner, create_tenant, create_user
from tests.tokens import Tokens

TENANTS = """
query ($first: Int, $after: String) {
  tenants(first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { id slug partner { id } users { totalCount nodes { email } } }
  }
}
"""

CREATE_TENANT = """
mutation ($input: CreateTenantInput!) {
  createTenant(input: $input) { id name slug status partnerId settings }
}
"""


class TestTenantsQuery:
    async def test_pages_through_tenants_in_creation_order(
        self,
        db: None,
        sessions: async_sessionmaker[AsyncSession],
        gql: GraphQLClient,
        tokens: Tokens,
    ) -> None:
        # given
        partner = await create_partner(sessions)
        created = [await create_tenant(sessions, partner=partner) for _ in range(3)]
        await create_user(sessions, tenant=created[0])

        # when
        first = await gql(TENANTS, {"first": 2}, token=tokens.super_admin())
        rest = await gql(
            TENANTS,
            {"first": 2, "after": first["data"]["tenants"]["pageInfo"]["endCursor"]},
            token=tokens.super_admin(),
        )

        # then
        page: dict[str, Any] = first["data"]["tenants"]
        assert page["totalCount"] == 3
        assert page["pageInfo"]["hasNextPage"] is True
        assert [n["id"] for n in page["nodes"]] == [t.id for t in created[:2]]
        assert page["nodes"][0]["partner"] == {"id": partner.id}
        assert page["nodes"][0]["users"]["totalCount"] == 1
        assert [n["id"] for n in rest["data"]["tenants"]["nodes"]] == [created[2].id]
        assert rest["data"]["tenants"]["pageInfo"]["hasNextPage"] is False

    async def test_tenant_admin_sees_only_its_tenant(
        self,
        db: None,
        sessions: async_sessionmaker[AsyncSession],
        gql: GraphQLClient,
        tokens: Tokens,
    ) -> None:
        partner = await create_partner(sessions)
        mine = await create_tenant(sessions, partner=partner)
        await create_tenant(sessions, partner=partner)

        result = await gql(TENANTS, token=tokens.tenant_admin(mine.id))

        assert [n["id"] for n in result["data"]["tenants"]["nodes"]] == [mine.id]
        assert result["data"]["tenants"]["nodes"][0]["partner"] is None


class TestCreateTenant:
    async def test_creates_within_the_partner_limit_and_refuses_past_it(
        self,
        db: None,
        sessions: async_sessionmaker[AsyncSession],
        gql: GraphQLClient,
        tokens: Tokens,
    ) -> None:
        partner = await create_partner(sessions, max_tenants=1)
        variables = {"input": {"partnerId": partner.id, "name": "Acme", "slug": "acme"}}

        created = await gql(CREATE_TENANT, variables, token=tokens.super_admin())
        refused = await gql(
            CREATE_TENANT,
            {"input": {"partnerId": partner.id, "name": "Beta", "slug": "beta"}},
            token=tokens.super_admin(),
        )

        assert created["data"]["createTenant"]["status"] == "ACTIVE"
        assert created["data"]["createTenant"]["partnerId"] == partner.id
        assert refused["errors"][0]["extensions"]["code"] == "LIMIT_EXCEEDED"
        assert "max_tenants" in refused["errors"][0]["message"]

    async def test_partner_admin_may_not_create(
        self,
        db: None,
        sessions: async_sessionmaker[AsyncSession],
        gql: GraphQLClient,
        tokens: Tokens,
    ) -> None:
        partner = await create_partner(sessions)
        variables = {"input": {"partnerId": partner.id, "name": "Acme", "slug": "acme"}}

        result = await gql(CREATE_TENANT, variables, token=tokens.partner_admin(partner.id))

        assert result["data"] is None
        assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        assert result["errors"][0]["message"] == "Access denied"
