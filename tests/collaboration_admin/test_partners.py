"""Partners and tenants for partner admins: the managed-partner fields and their REST paths."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import Partner
from tests.conftest import GraphQLClient
from tests.factories import create_partner, create_tenant
from tests.factories_collaboration_admin import recorded_events
from tests.tokens import Tokens, bearer

Sessions = async_sessionmaker[AsyncSession]
A = "/v1/admin"

MANAGED_PARTNERS = "query { managedPartners(first: 100) { totalCount nodes { id name } } }"
MANAGED_PARTNER = "query ($id: ID!) { managedPartner(id: $id) { id name maxTenants } }"
UPDATE_MANAGED_PARTNER = """
mutation ($id: ID!, $input: UpdatePartnerInput!) {
  updateManagedPartner(id: $id, input: $input) { id name contactEmail status maxTenants }
}
"""
CREATE_PARTNER_TENANT = """
mutation ($input: CreatePartnerTenantInput!) {
  createPartnerTenant(input: $input) { id partnerId name slug status }
}
"""


@pytest.fixture
async def partner(db: None, sessions: Sessions) -> Partner:
    return await create_partner(sessions, max_tenants=2)


@pytest.fixture
async def other(partner: Partner, sessions: Sessions) -> Partner:
    return await create_partner(sessions)


def _error(result: dict[str, Any]) -> tuple[str, str]:
    error = result["errors"][0]
    return error["extensions"]["code"], error["message"]


def _refused_callers(tokens: Tokens, tenant_id: str) -> dict[str, str]:
    return {
        "tenant_admin": tokens.tenant_admin(tenant_id),
        "platform[admin:read admin:write]": tokens.platform("admin:read", "admin:write"),
    }


class TestManagedPartners:
    async def test_a_super_admin_sees_every_partner(
        self, gql: GraphQLClient, tokens: Tokens, partner: Partner, other: Partner
    ) -> None:
        result = await gql(MANAGED_PARTNERS, token=tokens.super_admin())

        ids = [node["id"] for node in result["data"]["managedPartners"]["nodes"]]
        assert ids == [partner.id, other.id]

    async def test_a_partner_admin_sees_only_its_own(
        self, gql: GraphQLClient, tokens: Tokens, partner: Partner, other: Partner
    ) -> None:
        result = await gql(MANAGED_PARTNERS, token=tokens.partner_admin(partner.id))

        assert result["data"]["managedPartners"] == {
            "totalCount": 1,
            "nodes": [{"id": partner.id, "name": partner.name}],
        }

    async def test_over_rest_the_list_is_data_only(
        self, http: httpx.AsyncClient, tokens: Tokens, partner: Partner, other: Partner
    ) -> None:
        response = await http.get(f"{A}/partners", headers=bearer(tokens.partner_admin(other.id)))

        assert response.status_code == 200
        body = response.json()
        assert set(body) == {"data"}
        assert [item["id"] for item in body["data"]] == [other.id]
        assert body["data"][0]["max_tenants"] == 10

    @pytest.mark.parametrize("caller", ["tenant_admin", "platform[admin:read admin:write]"])
    async def test_tenant_admins_and_platform_tokens_are_refused(
        self,
        sessions: Sessions,
        http: httpx.AsyncClient,
        gql: GraphQLClient,
        tokens: Tokens,
        partner: Partner,
        caller: str,
    ) -> None:
        tenant = await create_tenant(sessions, partner=partner)
        token = _refused_callers(tokens, tenant.id)[caller]

        graphql = await gql(MANAGED_PARTNERS, token=token)
        rest = await http.get(f"{A}/partners", headers=bearer(token))

        assert _error(graphql) == ("FORBIDDEN", "Access denied")
        assert (rest.status_code, rest.json()["detail"]) == (403, "Access denied")


class TestManagedPartner:
    async def test_a_partner_admin_reads_its_own_partner(
        self, http: httpx.AsyncClient, gql: GraphQLClient, tokens: Tokens, partner: Partner
    ) -> None:
        token = tokens.partner_admin(partner.id)

        graphql = await gql(MANAGED_PARTNER, {"id": partner.id}, token=token)
        rest = await http.get(f"{A}/partners/{partner.id}", headers=bearer(token))

        assert graphql["data"]["managedPartner"] == {
            "id": partner.id,
            "name": partner.name,
            "maxTenants": 2,
        }
        assert rest.status_code == 200
        assert (rest.json()["id"], rest.json()["slug"]) == (partner.id, partner.slug)

    async def test_another_partner_is_not_found(
        self,
        http: httpx.AsyncClient,
        gql: GraphQLClient,
        tokens: Tokens,
        partner: Partner,
        other: Partner,
    ) -> None:
        token = tokens.partner_admin(partner.id)

        graphql = await gql(MANAGED_PARTNER, {"id": other.id}, token=token)
        rest = await http.get(f"{A}/partners/{other.id}", headers=bearer(token))

        assert _error(graphql) == ("NOT_FOUND", f"Partner {other.id} not found")
        assert rest.status_code == 404

    async def test_a_super_admin_reads_any_partner(
        self, gql: GraphQLClient, tokens: Tokens, other: Partner
    ) -> None:
        result = await gql(MANAGED_PARTNER, {"id": other.id}, token=tokens.super_admin())

        assert result["data"]["managedPartner"]["id"] == other.id


class TestUpdateManagedPartner:
    async def test_a_partner_admin_renames_its_partner_with_one_event(
        self, sessions: Sessions, gql: GraphQLClient, tokens: Tokens, partner: Partner
    ) -> None:
        # when
        result = await gql(
            UPDATE_MANAGED_PARTNER,
            {"id": partner.id, "input": {"name": "Renamed", "contactEmail": "Ops@Example.com"}},
            token=tokens.partner_admin(partner.id),
        )

        # then
        assert result["data"]["updateManagedPartner"] == {
            "id": partner.id,
            "name": "Renamed",
            "contactEmail": "ops@example.com",
            "status": "ACTIVE",
            "maxTenants": 2,
        }
        (event,) = await recorded_events(sessions, action="partner.update")
        assert (event.result, event.partner_id, event.resource_id) == (
            "success",
            partner.id,
            partner.id,
        )
        assert event.actor_role == "partner_admin"

    @pytest.mark.parametrize(
        ("field", "value"),
        [("max_tenants", 500), ("status", "SUSPENDED"), ("slug", "new-slug")],
    )
    async def test_a_partner_admin_may_not_change_limits_status_or_slug(
        self,
        sessions: Sessions,
        http: httpx.AsyncClient,
        tokens: Tokens,
        partner: Partner,
        field: str,
        value: Any,
    ) -> None:
        # when
        response = await http.put(
            f"{A}/partners/{partner.id}",
            json={"name": "Renamed", field: value},
            headers=bearer(tokens.partner_admin(partner.id)),
        )

        # then
        assert response.status_code == 403
        assert response.json() == {
            "detail": f"Access denied: {field} can be changed only by a super admin",
            "code": "FORBIDDEN",
        }
        read = await http.get(f"{A}/partners/{partner.id}", headers=bearer(tokens.super_admin()))
        assert read.json()["name"] == partner.name
        (event,) = await recorded_events(sessions, action="partner.update")
        assert event.result == "denied"

    async def test_a_partner_admin_cannot_touch_another_partner(
        self, http: httpx.AsyncClient, tokens: Tokens, partner: Partner, other: Partner
    ) -> None:
        response = await http.put(
            f"{A}/partners/{other.id}",
            json={"max_tenants": 500},
            headers=bearer(tokens.partner_admin(partner.id)),
        )

        assert response.status_code == 404
        assert response.json()["detail"] == f"Partner {other.id} not found"

    async def test_a_super_admin_changes_any_field(
        self, http: httpx.AsyncClient, tokens: Tokens, partner: Partner
    ) -> None:
        response = await http.put(
            f"{A}/partners/{partner.id}",
            json={"max_tenants": 500, "status": "SUSPENDED"},
            headers=bearer(tokens.super_admin()),
        )

        assert response.status_code == 200, response.text
        assert (response.json()["max_tenants"], response.json()["status"]) == (500, "SUSPENDED")

    async def test_a_bad_value_is_422_naming_the_field(
        self, http: httpx.AsyncClient, tokens: Tokens, partner: Partner
    ) -> None:
        response = await http.put(
            f"{A}/partners/{partner.id}",
            json={"contact_email": "not-an-address"},
            headers=bearer(tokens.partner_admin(partner.id)),
        )

        assert response.status_code == 422
        assert response.json()["detail"] == "contact_email: is not a valid email address"


class TestCreatePartner:
    async def test_a_super_admin_creates_a_partner(
        self, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens, partner: Partner
    ) -> None:
        response = await http.post(
            f"{A}/partners",
            json={"name": "Harbor & Pine", "slug": "harbor-pine", "max_tenants": 3},
            headers=bearer(tokens.super_admin()),
        )

        assert response.status_code == 201, response.text
        assert response.json()["slug"] == "harbor-pine"
        assert response.json()["max_tenants"] == 3
        (event,) = await recorded_events(sessions, action="partner.create")
        assert event.resource_id == response.json()["id"]

    async def test_a_partner_admin_cannot_create_partners(
        self, http: httpx.AsyncClient, tokens: Tokens, partner: Partner
    ) -> None:
        response = await http.post(
            f"{A}/partners",
            json={"name": "Mine", "slug": "mine"},
            headers=bearer(tokens.partner_admin(partner.id)),
        )

        assert response.status_code == 403
        assert response.json()["detail"] == "Access denied"


class TestCreatePartnerTenant:
    async def test_a_partner_admin_creates_a_tenant_under_its_own_partner(
        self, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens, partner: Partner
    ) -> None:
        # when
        response = await http.post(
            f"{A}/tenants",
            json={"name": "Initech", "slug": "initech", "contact_email": "it@initech.example"},
            headers=bearer(tokens.partner_admin(partner.id)),
        )

        # then
        assert response.status_code == 201, response.text
        created = response.json()
        assert (created["partner_id"], created["slug"], created["status"]) == (
            partner.id,
            "initech",
            "ACTIVE",
        )
        (event,) = await recorded_events(sessions, action="tenant.create")
        assert (event.result, event.tenant_id, event.partner_id) == (
            "success",
            created["id"],
            partner.id,
        )

    async def test_the_partners_tenant_limit_holds(
        self, sessions: Sessions, gql: GraphQLClient, tokens: Tokens, partner: Partner
    ) -> None:
        # given a partner at its limit of two tenants
        for _ in range(2):
            await create_tenant(sessions, partner=partner)

        # when
        result = await gql(
            CREATE_PARTNER_TENANT,
            {"input": {"name": "One more", "slug": "one-more"}},
            token=tokens.partner_admin(partner.id),
        )

        # then
        assert _error(result) == ("LIMIT_EXCEEDED", "Partner limit reached: max_tenants is 2")

    async def test_naming_another_partner_is_not_found(
        self, gql: GraphQLClient, tokens: Tokens, partner: Partner, other: Partner
    ) -> None:
        result = await gql(
            CREATE_PARTNER_TENANT,
            {"input": {"name": "Sneaky", "slug": "sneaky", "partnerId": other.id}},
            token=tokens.partner_admin(partner.id),
        )

        assert _error(result) == ("NOT_FOUND", f"Partner {other.id} not found")

    async def test_a_super_admin_must_name_the_partner(
        self, gql: GraphQLClient, tokens: Tokens, partner: Partner
    ) -> None:
        without = await gql(
            CREATE_PARTNER_TENANT,
            {"input": {"name": "Globex", "slug": "globex"}},
            token=tokens.super_admin(),
        )
        named = await gql(
            CREATE_PARTNER_TENANT,
            {"input": {"name": "Globex", "slug": "globex", "partnerId": partner.id}},
            token=tokens.super_admin(),
        )

        assert _error(without) == ("BAD_USER_INPUT", "partner_id: is required")
        assert named["data"]["createPartnerTenant"]["partnerId"] == partner.id

    @pytest.mark.parametrize("caller", ["tenant_admin", "platform[admin:read admin:write]"])
    async def test_tenant_admins_and_platform_tokens_are_refused(
        self,
        sessions: Sessions,
        http: httpx.AsyncClient,
        tokens: Tokens,
        partner: Partner,
        caller: str,
    ) -> None:
        tenant = await create_tenant(sessions, partner=partner)
        token = _refused_callers(tokens, tenant.id)[caller]

        response = await http.post(
            f"{A}/tenants",
            json={"name": "Nope", "slug": "nope", "partner_id": partner.id},
            headers=bearer(token),
        )

        assert (response.status_code, response.json()["detail"]) == (403, "Access denied")
        (event,) = await recorded_events(sessions, action="tenant.create")
        assert event.result == "denied"

    async def test_a_taken_slug_is_409(
        self, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens, partner: Partner
    ) -> None:
        taken = await create_tenant(sessions, partner=partner)

        response = await http.post(
            f"{A}/tenants",
            json={"name": "Twin", "slug": taken.slug},
            headers=bearer(tokens.partner_admin(partner.id)),
        )

        assert response.status_code == 409
        assert response.json()["detail"] == f"A tenant with slug '{taken.slug}' already exists"
