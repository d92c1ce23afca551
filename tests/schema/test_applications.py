"""Application queries and mutations over GraphQL."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import Tenant
from resolvers.passwords import verify_password
from tests.conftest import GraphQLClient
from tests.factories import create_application, create_partner, create_tenant
from tests.factories_apps import stored_application
from tests.factories_identity import audit_events
from tests.tokens import Tokens

Sessions = async_sessionmaker[AsyncSession]

APPLICATIONS = """
query ($tenantId: ID, $level: ApplicationLevel) {
  applications(tenantId: $tenantId, level: $level) {
    totalCount
    nodes { id level tenantId }
  }
}
"""

APPLICATION = """
query ($id: ID!) {
  application(id: $id) { id name hasClientSecret tenant { id } }
}
"""

APPLICATION_FIELDS = """
query { __type(name: "Application") { fields { name } } }
"""

CREATE_APPLICATION = """
mutation ($input: CreateApplicationInput!) {
  createApplication(input: $input) {
    clientSecret
    application {
      id level appType name tenantId clientId enabled hasClientSecret
      allowedScopes redirectUris allowedOrigins tokenLifetime tokenExchangeAllowed
    }
  }
}
"""

UPDATE_APPLICATION = """
mutation ($id: ID!, $input: UpdateApplicationInput!) {
  updateApplication(id: $id, input: $input) {
    id name description enabled allowedScopes redirectUris tokenLifetime tokenExchangeAllowed
  }
}
"""

DELETE_APPLICATION = """
mutation ($id: ID!) {
  deleteApplication(id: $id) { id deletedAt }
}
"""


def _tenant_app(tenant_id: str | None = None, **fields: Any) -> dict[str, Any]:
    given = {"level": "TENANT", "appType": "WEB", "name": "Portal", **fields}
    if tenant_id is not None:
        given["tenantId"] = tenant_id
    return {"input": given}


def _admin_token(tokens: Tokens, caller: str, tenant: Tenant) -> str:
    if caller == "partner_admin":
        return tokens.partner_admin(tenant.partner_id)
    return tokens.tenant_admin(tenant.id)


def _refusal(result: dict[str, Any]) -> tuple[str, str]:
    error = result["errors"][0]
    return error["extensions"]["code"], error["message"]


@pytest.fixture
async def tenant(db: None, sessions: Sessions) -> Tenant:
    """A tenant of a partner of its own, with the default limits."""
    return await create_tenant(sessions, partner=await create_partner(sessions))


class TestCreateApplication:
    async def test_a_confidential_client_gets_its_secret_once_stored_only_as_a_hash(
        self, sessions: Sessions, gql: GraphQLClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        # given
        variables = _tenant_app(
            tenant.id,
            appType="SERVICE",
            allowedScopes=["admin:read", "openid", "openid"],
            redirectUris=["https://app.example/callback"],
            allowedOrigins=["https://app.example"],
        )

        # when
        result = await gql(CREATE_APPLICATION, variables, token=tokens.super_admin())
        payload = result["data"]["createApplication"]
        created = payload["application"]
        read_back = await gql(APPLICATION, {"id": created["id"]}, token=tokens.super_admin())

        # then the secret is in the payload and verifies against the stored hash only
        secret = payload["clientSecret"]
        assert isinstance(secret, str) and len(secret) >= 43
        stored = await stored_application(sessions, application_id=created["id"])
        assert stored.client_secret_hash is not None
        assert stored.client_secret_hash.startswith("$argon2")
        assert secret not in stored.client_secret_hash
        assert verify_password(stored.client_secret_hash, secret)
        assert not verify_password(stored.client_secret_hash, secret + "x")
        # and the application carries its settings, with the defaults filled in
        assert created["id"].startswith("app_")
        assert created["clientId"].startswith("scg_")
        assert (created["level"], created["appType"]) == ("TENANT", "SERVICE")
        assert created["tenantId"] == tenant.id
        assert created["allowedScopes"] == ["admin:read", "openid"]
        assert created["enabled"] is True
        assert created["tokenLifetime"] == 3600
        assert created["tokenExchangeAllowed"] is False
        assert created["hasClientSecret"] is True
        # and nothing reads the secret back
        assert secret not in str(read_back)
        assert read_back["data"]["application"]["hasClientSecret"] is True

    async def test_no_field_of_the_application_type_can_return_the_secret(
        self, db: None, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        result = await gql(APPLICATION_FIELDS, token=tokens.super_admin())

        names = {field["name"] for field in result["data"]["__type"]["fields"]}
        assert {name for name in names if "secret" in name.lower()} == {"hasClientSecret"}

    @pytest.mark.parametrize("app_type", ["SPA", "NATIVE"])
    async def test_a_public_client_gets_no_secret(
        self, sessions: Sessions, gql: GraphQLClient, tokens: Tokens, tenant: Tenant, app_type: str
    ) -> None:
        result = await gql(
            CREATE_APPLICATION, _tenant_app(tenant.id, appType=app_type), token=tokens.super_admin()
        )

        payload = result["data"]["createApplication"]
        assert payload["clientSecret"] is None
        assert payload["application"]["hasClientSecret"] is False
        stored = await stored_application(sessions, application_id=payload["application"]["id"])
        assert stored.client_secret_hash is None

    async def test_a_tenant_admin_may_leave_out_its_own_tenant(
        self, gql: GraphQLClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        result = await gql(CREATE_APPLICATION, _tenant_app(), token=tokens.tenant_admin(tenant.id))

        assert result["data"]["createApplication"]["application"]["tenantId"] == tenant.id

    async def test_a_tenant_application_needs_a_tenant_above_tenant_tier(
        self, db: None, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        result = await gql(CREATE_APPLICATION, _tenant_app(), token=tokens.super_admin())

        assert _refusal(result) == (
            "BAD_USER_INPUT",
            "tenant_id: is required for TENANT applications",
        )

    async def test_a_sibling_tenant_is_not_found(
        self, db: None, sessions: Sessions, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        # given two tenants of one partner
        partner = await create_partner(sessions)
        mine = await create_tenant(sessions, partner=partner)
        sibling = await create_tenant(sessions, partner=partner)

        # when the admin of one names the other
        result = await gql(
            CREATE_APPLICATION, _tenant_app(sibling.id), token=tokens.tenant_admin(mine.id)
        )

        # then
        assert _refusal(result) == ("NOT_FOUND", f"Tenant {sibling.id} not found")

    async def test_creates_a_global_application_at_platform_tier(
        self, db: None, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        variables = {"input": {"level": "GLOBAL", "appType": "SERVICE", "name": "Platform"}}

        result = await gql(CREATE_APPLICATION, variables, token=tokens.platform("admin:write"))

        created = result["data"]["createApplication"]
        assert created["application"]["level"] == "GLOBAL"
        assert created["application"]["tenantId"] is None
        assert created["clientSecret"]

    @pytest.mark.parametrize("caller", ["partner_admin", "tenant_admin"])
    async def test_below_platform_tier_a_global_application_is_refused(
        self, gql: GraphQLClient, tokens: Tokens, tenant: Tenant, caller: str
    ) -> None:
        token = _admin_token(tokens, caller, tenant)
        variables = {"input": {"level": "GLOBAL", "appType": "WEB", "name": "Mine now"}}

        result = await gql(CREATE_APPLICATION, variables, token=token)

        assert _refusal(result) == ("FORBIDDEN", "Access denied")

    async def test_a_global_application_must_not_name_a_tenant(
        self, gql: GraphQLClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        variables = {
            "input": {"level": "GLOBAL", "appType": "WEB", "name": "G", "tenantId": tenant.id}
        }

        result = await gql(CREATE_APPLICATION, variables, token=tokens.super_admin())

        assert _refusal(result) == (
            "BAD_USER_INPUT",
            "tenant_id: must be absent for GLOBAL applications",
        )

    async def test_refuses_past_the_partners_application_limit(
        self, db: None, sessions: Sessions, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        # given a tenant with one live and one deleted application, and room for one
        partner = await create_partner(sessions, max_applications_per_tenant=1)
        tenant = await create_tenant(sessions, partner=partner)
        first = await gql(CREATE_APPLICATION, _tenant_app(tenant.id), token=tokens.super_admin())
        gone = await create_application(sessions, tenant=tenant)
        await gql(DELETE_APPLICATION, {"id": gone.id}, token=tokens.super_admin())

        # when
        refused = await gql(
            CREATE_APPLICATION, _tenant_app(tenant.id), token=tokens.tenant_admin(tenant.id)
        )

        # then
        assert first["data"]["createApplication"]["application"]["id"]
        assert _refusal(refused) == (
            "LIMIT_EXCEEDED",
            "Partner limit reached: max_applications_per_tenant is 1",
        )

    @pytest.mark.parametrize("lifetime", [59, 86401])
    async def test_refuses_a_token_lifetime_out_of_bounds(
        self, gql: GraphQLClient, tokens: Tokens, tenant: Tenant, lifetime: int
    ) -> None:
        result = await gql(
            CREATE_APPLICATION,
            _tenant_app(tenant.id, tokenLifetime=lifetime),
            token=tokens.super_admin(),
        )

        assert _refusal(result) == (
            "BAD_USER_INPUT",
            "token_lifetime: must be between 60 and 86400 seconds",
        )
        assert result["errors"][0]["extensions"]["field"] == "token_lifetime"


class TestApplicationsQuery:
    async def test_a_tenant_admin_sees_global_and_own_applications_only(
        self, db: None, sessions: Sessions, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        # given
        partner = await create_partner(sessions)
        mine = await create_tenant(sessions, partner=partner)
        sibling = await create_tenant(sessions, partner=partner)
        global_app = await create_application(sessions, tenant=None)
        own_app = await create_application(sessions, tenant=mine)
        await create_application(sessions, tenant=sibling)
        token = tokens.tenant_admin(mine.id)

        # when
        everything = await gql(APPLICATIONS, token=token)
        only_global = await gql(APPLICATIONS, {"level": "GLOBAL"}, token=token)
        by_sibling = await gql(APPLICATIONS, {"tenantId": sibling.id}, token=token)

        # then
        assert [n["id"] for n in everything["data"]["applications"]["nodes"]] == [
            global_app.id,
            own_app.id,
        ]
        assert everything["data"]["applications"]["totalCount"] == 2
        assert [n["id"] for n in only_global["data"]["applications"]["nodes"]] == [global_app.id]
        assert by_sibling["data"]["applications"]["totalCount"] == 0


class TestApplicationQuery:
    async def test_a_sibling_tenants_application_is_not_found(
        self, db: None, sessions: Sessions, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        partner = await create_partner(sessions)
        mine = await create_tenant(sessions, partner=partner)
        theirs = await create_application(
            sessions, tenant=await create_tenant(sessions, partner=partner)
        )

        result = await gql(APPLICATION, {"id": theirs.id}, token=tokens.tenant_admin(mine.id))

        assert _refusal(result) == ("NOT_FOUND", f"Application {theirs.id} not found")


class TestUpdateApplication:
    async def test_changes_only_the_given_fields(
        self, sessions: Sessions, gql: GraphQLClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        # given
        app = await create_application(
            sessions,
            tenant=tenant,
            description="Kept",
            allowed_scopes=["openid"],
            redirect_uris=["https://app.example/cb"],
        )

        # when
        result = await gql(
            UPDATE_APPLICATION,
            {"id": app.id, "input": {"tokenLifetime": 600, "tokenExchangeAllowed": True}},
            token=tokens.tenant_admin(tenant.id),
        )

        # then
        updated = result["data"]["updateApplication"]
        assert (updated["tokenLifetime"], updated["tokenExchangeAllowed"]) == (600, True)
        assert (updated["name"], updated["description"]) == (app.name, "Kept")
        assert updated["allowedScopes"] == ["openid"]
        assert updated["redirectUris"] == ["https://app.example/cb"]

    @pytest.mark.parametrize("caller", ["partner_admin", "tenant_admin"])
    async def test_a_global_application_is_visible_but_not_writable_below_platform_tier(
        self, sessions: Sessions, gql: GraphQLClient, tokens: Tokens, tenant: Tenant, caller: str
    ) -> None:
        # given
        global_app = await create_application(sessions, tenant=None)
        token = _admin_token(tokens, caller, tenant)

        # when
        seen = await gql(APPLICATION, {"id": global_app.id}, token=token)
        patched = await gql(
            UPDATE_APPLICATION, {"id": global_app.id, "input": {"name": "Hijacked"}}, token=token
        )

        # then
        assert seen["data"]["application"]["id"] == global_app.id
        assert _refusal(patched) == ("FORBIDDEN", "Access denied")
        stored = await stored_application(sessions, application_id=global_app.id)
        assert stored.name == global_app.name

    async def test_a_super_admin_updates_a_global_application(
        self, db: None, sessions: Sessions, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        global_app = await create_application(sessions, tenant=None)

        result = await gql(
            UPDATE_APPLICATION,
            {"id": global_app.id, "input": {"enabled": False}},
            token=tokens.super_admin(),
        )

        assert result["data"]["updateApplication"]["enabled"] is False

    async def test_a_sibling_tenants_application_is_not_found(
        self, db: None, sessions: Sessions, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        partner = await create_partner(sessions)
        mine = await create_tenant(sessions, partner=partner)
        theirs = await create_application(
            sessions, tenant=await create_tenant(sessions, partner=partner)
        )

        result = await gql(
            UPDATE_APPLICATION,
            {"id": theirs.id, "input": {"name": "Mine now"}},
            token=tokens.tenant_admin(mine.id),
        )

        assert _refusal(result) == ("NOT_FOUND", f"Application {theirs.id} not found")


class TestDeleteApplication:
    async def test_a_tenant_admin_deletes_its_own_application(
        self, sessions: Sessions, gql: GraphQLClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        app = await create_application(sessions, tenant=tenant)
        token = tokens.tenant_admin(tenant.id)

        deleted = await gql(DELETE_APPLICATION, {"id": app.id}, token=token)
        again = await gql(APPLICATION, {"id": app.id}, token=token)

        assert deleted["data"]["deleteApplication"]["id"] == app.id
        assert _refusal(again) == ("NOT_FOUND", f"Application {app.id} not found")

    async def test_a_tenant_admin_may_not_delete_a_global_application(
        self, sessions: Sessions, gql: GraphQLClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        global_app = await create_application(sessions, tenant=None)

        result = await gql(
            DELETE_APPLICATION, {"id": global_app.id}, token=tokens.tenant_admin(tenant.id)
        )

        assert _refusal(result) == ("FORBIDDEN", "Access denied")
        stored = await stored_application(sessions, application_id=global_app.id)
        assert stored.deleted_at is None


class TestScopeGrants:
    """An application's scopes are granted by the table that governs agents'
    (resolvers/scope_grants.py): a caller grants only scopes it holds."""

    @pytest.mark.parametrize("caller", ["partner_admin", "tenant_admin"])
    async def test_creating_with_a_scope_the_caller_lacks_is_403_naming_it(
        self, sessions: Sessions, gql: GraphQLClient, tokens: Tokens, tenant: Tenant, caller: str
    ) -> None:
        # when
        result = await gql(
            CREATE_APPLICATION,
            _tenant_app(tenant.id, allowedScopes=["openid", "billing:admin", "crm:write"]),
            token=_admin_token(tokens, caller, tenant),
        )

        # then nothing is created, and the refusal is audited
        assert _refusal(result) == (
            "FORBIDDEN",
            "Access denied: cannot grant scopes 'billing:admin', 'crm:write', which the caller "
            "does not hold",
        )
        listed = await gql(APPLICATIONS, {"tenantId": tenant.id}, token=tokens.super_admin())
        assert listed["data"]["applications"]["totalCount"] == 0
        events = await audit_events(sessions)
        assert [(e.action, e.result) for e in events] == [("application.create", "denied")]

    async def test_a_super_admin_grants_any_scope(
        self, gql: GraphQLClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        result = await gql(
            CREATE_APPLICATION,
            _tenant_app(tenant.id, allowedScopes=["crm:write", "openid"]),
            token=tokens.super_admin(),
        )

        assert result["data"]["createApplication"]["application"]["allowedScopes"] == [
            "crm:write",
            "openid",
        ]

    async def test_an_update_may_keep_scopes_it_could_not_grant_but_not_add_them(
        self, sessions: Sessions, gql: GraphQLClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        # given an application a super admin gave a scope no tenant admin holds
        application = await create_application(
            sessions, tenant=tenant, allowed_scopes=["crm:write"]
        )
        token = tokens.tenant_admin(tenant.id)

        # when the tenant admin keeps it while adding one it holds, then adds one it lacks
        kept = await gql(
            UPDATE_APPLICATION,
            {"id": application.id, "input": {"allowedScopes": ["crm:write", "openid"]}},
            token=token,
        )
        added = await gql(
            UPDATE_APPLICATION,
            {"id": application.id, "input": {"allowedScopes": ["openid", "crm:read"]}},
            token=token,
        )

        # then
        assert kept["data"]["updateApplication"]["allowedScopes"] == ["crm:write", "openid"]
        assert _refusal(added) == (
            "FORBIDDEN",
            "Access denied: cannot grant scope 'crm:read', which the caller does not hold",
        )
        stored = await stored_application(sessions, application_id=application.id)
        assert stored.allowed_scopes == ["crm:write", "openid"]

    async def test_a_platform_token_grants_only_its_own_scopes(
        self, gql: GraphQLClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        token = tokens.platform("admin:write", "crm:read")

        granted = await gql(
            CREATE_APPLICATION,
            _tenant_app(tenant.id, allowedScopes=["crm:read", "admin:read"]),
            token=token,
        )
        refused = await gql(
            CREATE_APPLICATION, _tenant_app(tenant.id, allowedScopes=["crm:write"]), token=token
        )

        assert granted["data"]["createApplication"]["application"]["allowedScopes"] == [
            "crm:read",
            "admin:read",
        ]
        assert _refusal(refused)[0] == "FORBIDDEN"
