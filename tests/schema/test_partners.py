"""Partner queries and mutations over GraphQL (super admins only)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.base import ResourceColumns
from resolvers.uniqueness import LiveUnique
from tests.conftest import GraphQLClient
from tests.factories import (
    create_application,
    create_group,
    create_partner,
    create_tenant,
    create_user,
)
from tests.factories_apps import is_soft_deleted
from tests.tokens import Tokens

Sessions = async_sessionmaker[AsyncSession]

PARTNERS = """
query ($first: Int, $after: String, $status: PartnerStatus) {
  partners(first: $first, after: $after, status: $status) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { id slug status tenants { totalCount } }
  }
}
"""

PARTNER = """
query ($id: ID!) {
  partner(id: $id) { id name slug maxTenants }
}
"""

CREATE_PARTNER = """
mutation ($input: CreatePartnerInput!) {
  createPartner(input: $input) {
    id name slug status contactEmail maxTenants maxUsersPerTenant maxApplicationsPerTenant
  }
}
"""

UPDATE_PARTNER = """
mutation ($id: ID!, $input: UpdatePartnerInput!) {
  updatePartner(id: $id, input: $input) {
    id name slug status contactEmail maxTenants maxUsersPerTenant maxApplicationsPerTenant
  }
}
"""

DELETE_PARTNER = """
mutation ($id: ID!) {
  deletePartner(id: $id) { id deletedAt }
}
"""

CREATE_TENANT = """
mutation ($input: CreateTenantInput!) {
  createTenant(input: $input) { id }
}
"""


def _refusal(result: dict[str, Any]) -> tuple[str, str]:
    error = result["errors"][0]
    return error["extensions"]["code"], error["message"]


class TestPartnersQuery:
    async def test_pages_and_filters_by_status(
        self, db: None, sessions: Sessions, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        # given
        active = [await create_partner(sessions) for _ in range(2)]
        suspended = await create_partner(sessions, status="suspended")
        await create_tenant(sessions, partner=active[0])

        # when
        first = await gql(PARTNERS, {"first": 2}, token=tokens.super_admin())
        filtered = await gql(PARTNERS, {"status": "SUSPENDED"}, token=tokens.super_admin())

        # then
        page = first["data"]["partners"]
        assert page["totalCount"] == 3
        assert page["pageInfo"]["hasNextPage"] is True
        assert [n["id"] for n in page["nodes"]] == [p.id for p in active]
        assert page["nodes"][0]["tenants"]["totalCount"] == 1
        assert [n["id"] for n in filtered["data"]["partners"]["nodes"]] == [suspended.id]
        assert filtered["data"]["partners"]["nodes"][0]["status"] == "SUSPENDED"


class TestPartnerFieldsAreSuperAdminOnly:
    @pytest.mark.parametrize("caller", ["partner_admin", "tenant_admin", "platform"])
    @pytest.mark.parametrize(
        "document",
        [PARTNERS, PARTNER, CREATE_PARTNER, UPDATE_PARTNER, DELETE_PARTNER],
        ids=["partners", "partner", "createPartner", "updatePartner", "deletePartner"],
    )
    async def test_other_callers_are_refused(
        self,
        db: None,
        sessions: Sessions,
        gql: GraphQLClient,
        tokens: Tokens,
        caller: str,
        document: str,
    ) -> None:
        # given a partner the caller would otherwise be scoped to
        partner = await create_partner(sessions)
        tenant = await create_tenant(sessions, partner=partner)
        token_for: dict[str, Callable[[], str]] = {
            "partner_admin": lambda: tokens.partner_admin(partner.id),
            "tenant_admin": lambda: tokens.tenant_admin(tenant.id),
            "platform": lambda: tokens.platform("admin:read", "admin:write"),
        }
        variables = {"id": partner.id, "input": {"name": "X", "slug": "x"}}

        # when
        result = await gql(document, variables, token=token_for[caller]())

        # then nothing is answered
        assert not any((result["data"] or {}).values())
        assert _refusal(result) == ("FORBIDDEN", "Access denied")


class TestPartnerQuery:
    async def test_reads_one_and_404s_once_deleted(
        self, db: None, sessions: Sessions, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        # given
        partner = await create_partner(sessions, max_tenants=7)
        deleted = await create_partner(sessions)
        await gql(DELETE_PARTNER, {"id": deleted.id}, token=tokens.super_admin())

        # when
        found = await gql(PARTNER, {"id": partner.id}, token=tokens.super_admin())
        missing = await gql(PARTNER, {"id": deleted.id}, token=tokens.super_admin())

        # then
        assert found["data"]["partner"] == {
            "id": partner.id,
            "name": partner.name,
            "slug": partner.slug,
            "maxTenants": 7,
        }
        assert _refusal(missing) == ("NOT_FOUND", f"Partner {deleted.id} not found")


class TestCreatePartner:
    async def test_creates_with_top_level_limits(
        self, db: None, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        # given
        variables = {
            "input": {
                "name": "Acme Reseller",
                "slug": "acme",
                "contactEmail": "Ops@Acme.example",
                "maxTenants": 3,
                "maxUsersPerTenant": 0,
                "maxApplicationsPerTenant": 1_000_000,
            }
        }

        # when
        result = await gql(CREATE_PARTNER, variables, token=tokens.super_admin())

        # then
        created = result["data"]["createPartner"]
        assert created["id"].startswith("prt_")
        assert created["status"] == "ACTIVE"
        assert created["contactEmail"] == "ops@acme.example"
        assert (created["maxTenants"], created["maxUsersPerTenant"]) == (3, 0)
        assert created["maxApplicationsPerTenant"] == 1_000_000

    async def test_unset_limits_take_the_defaults(
        self, db: None, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        result = await gql(
            CREATE_PARTNER,
            {"input": {"name": "Plain", "slug": "plain"}},
            token=tokens.super_admin(),
        )

        created = result["data"]["createPartner"]
        assert (created["maxTenants"], created["maxUsersPerTenant"]) == (10, 1000)
        assert created["maxApplicationsPerTenant"] == 50

    @pytest.mark.parametrize("value", [-1, 1_000_001])
    async def test_refuses_a_limit_out_of_range_naming_the_field(
        self, db: None, gql: GraphQLClient, tokens: Tokens, value: int
    ) -> None:
        variables = {"input": {"name": "Acme", "slug": "acme", "maxTenants": value}}

        result = await gql(CREATE_PARTNER, variables, token=tokens.super_admin())

        assert result["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
        assert result["errors"][0]["extensions"]["field"] == "max_tenants"
        assert result["errors"][0]["message"] == "max_tenants: must be between 0 and 1000000"

    async def test_refuses_a_slug_a_live_partner_has(
        self, db: None, sessions: Sessions, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        # given
        await create_partner(sessions, slug="taken")

        # when
        result = await gql(
            CREATE_PARTNER,
            {"input": {"name": "Again", "slug": "taken"}},
            token=tokens.super_admin(),
        )

        # then
        assert _refusal(result) == ("CONFLICT", "A partner with slug 'taken' already exists")
        assert result["errors"][0]["extensions"]["field"] == "slug"

    async def test_reuses_the_slug_of_a_deleted_partner(
        self, db: None, sessions: Sessions, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        old = await create_partner(sessions, slug="reused")
        await gql(DELETE_PARTNER, {"id": old.id}, token=tokens.super_admin())

        result = await gql(
            CREATE_PARTNER, {"input": {"name": "New", "slug": "reused"}}, token=tokens.super_admin()
        )

        assert result["data"]["createPartner"]["slug"] == "reused"

    async def test_a_slug_taken_by_a_concurrent_writer_is_a_conflict(
        self,
        db: None,
        sessions: Sessions,
        gql: GraphQLClient,
        tokens: Tokens,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        # given a writer that committed the slug after our check found it free
        await create_partner(sessions, slug="raced")

        async def slug_looked_free(*args: Any, **kwargs: Any) -> None:
            return None

        monkeypatch.setattr(LiveUnique, "ensure_free", slug_looked_free)

        # when the unique index refuses the insert
        result = await gql(
            CREATE_PARTNER, {"input": {"name": "Late", "slug": "raced"}}, token=tokens.super_admin()
        )

        # then
        assert _refusal(result) == ("CONFLICT", "A partner with slug 'raced' already exists")


class TestUpdatePartner:
    async def test_changes_only_the_given_fields(
        self, db: None, sessions: Sessions, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        # given
        partner = await create_partner(sessions, contact_email="a@example.com", max_tenants=4)

        # when
        result = await gql(
            UPDATE_PARTNER,
            {"id": partner.id, "input": {"name": "Renamed", "status": "SUSPENDED"}},
            token=tokens.super_admin(),
        )

        # then
        updated = result["data"]["updatePartner"]
        assert (updated["name"], updated["status"]) == ("Renamed", "SUSPENDED")
        assert (updated["slug"], updated["contactEmail"]) == (partner.slug, "a@example.com")
        assert updated["maxTenants"] == 4

    async def test_a_limit_lowered_below_usage_only_blocks_new_creates(
        self, db: None, sessions: Sessions, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        # given a partner already using two tenants
        partner = await create_partner(sessions, max_tenants=5)
        existing = [await create_tenant(sessions, partner=partner) for _ in range(2)]

        # when the limit drops to one
        lowered = await gql(
            UPDATE_PARTNER,
            {"id": partner.id, "input": {"maxTenants": 1}},
            token=tokens.super_admin(),
        )
        refused = await gql(
            CREATE_TENANT,
            {"input": {"partnerId": partner.id, "name": "Third", "slug": "third"}},
            token=tokens.super_admin(),
        )
        listed = await gql(PARTNERS, token=tokens.super_admin())

        # then the change is accepted, existing tenants stay, new ones are refused
        assert lowered["data"]["updatePartner"]["maxTenants"] == 1
        assert refused["errors"][0]["extensions"]["code"] == "LIMIT_EXCEEDED"
        assert listed["data"]["partners"]["nodes"][0]["tenants"]["totalCount"] == len(existing)

    async def test_refuses_another_partners_slug(
        self, db: None, sessions: Sessions, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        await create_partner(sessions, slug="first")
        second = await create_partner(sessions, slug="second")

        result = await gql(
            UPDATE_PARTNER,
            {"id": second.id, "input": {"slug": "first"}},
            token=tokens.super_admin(),
        )

        assert result["errors"][0]["extensions"]["code"] == "CONFLICT"

    async def test_refuses_a_null_limit(
        self, db: None, sessions: Sessions, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        partner = await create_partner(sessions)

        result = await gql(
            UPDATE_PARTNER,
            {"id": partner.id, "input": {"maxApplicationsPerTenant": None}},
            token=tokens.super_admin(),
        )

        assert result["errors"][0]["extensions"]["field"] == "max_applications_per_tenant"


class TestDeletePartner:
    async def test_soft_deletes_the_partner_and_everything_under_it(
        self, db: None, sessions: Sessions, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        # given a partner with a tenant that owns a user, a group and an application
        partner = await create_partner(sessions)
        tenant = await create_tenant(sessions, partner=partner)
        deleted_together: list[ResourceColumns] = [
            partner,
            tenant,
            await create_user(sessions, tenant=tenant),
            await create_group(sessions, tenant=tenant),
            await create_application(sessions, tenant=tenant),
        ]
        # and, elsewhere, another partner's tenant and a global application
        other_tenant = await create_tenant(sessions, partner=await create_partner(sessions))
        bystanders: list[ResourceColumns] = [
            other_tenant,
            await create_user(sessions, tenant=other_tenant),
            await create_application(sessions, tenant=None),
        ]

        # when
        result = await gql(DELETE_PARTNER, {"id": partner.id}, token=tokens.super_admin())

        # then
        assert result["data"]["deletePartner"]["id"] == partner.id
        assert result["data"]["deletePartner"]["deletedAt"] is not None
        for row in deleted_together:
            assert await is_soft_deleted(sessions, row=row), row.id
        for row in bystanders:
            assert not await is_soft_deleted(sessions, row=row), row.id

    async def test_unknown_partner_is_not_found(
        self, db: None, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        result = await gql(DELETE_PARTNER, {"id": "prt_missing"}, token=tokens.super_admin())

        assert _refusal(result) == ("NOT_FOUND", "Partner prt_missing not found")
