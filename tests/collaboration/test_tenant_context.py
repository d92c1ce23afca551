"""Which tenant a ScaiWave call acts on: `X-Scai-Tenant` on REST, `tenantId` in GraphQL."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.base import utcnow
from db.models import Tenant
from tests.collaboration.conftest import Tenancy
from tests.factories_collaboration import create_plugin
from tests.tokens import Tokens, bearer

AI_CONFIG = "/v1/admin/ai-config"
AI_CONFIG_QUERY = "query ($t: ID) { aiConfig(tenantId: $t) { tenantId } }"
ENABLE_PLUGIN = """mutation ($t: ID, $p: ID!) {
    enablePlugin(tenantId: $t, pluginId: $p) { id enabled } }"""


def _token(tokens: Tokens, tenancy: Tenancy, caller: str) -> str:
    return {
        "super_admin": tokens.super_admin,
        "partner_admin": lambda: tokens.partner_admin(tenancy.partner.id),
        "other_partner_admin": lambda: tokens.partner_admin(tenancy.foreign.partner_id),
        "tenant_admin": lambda: tokens.tenant_admin(tenancy.tenant.id),
        "platform_read": lambda: tokens.platform("admin:read"),
    }[caller]()


async def _read(
    http: httpx.AsyncClient, token: str, tenant_id: str | None
) -> tuple[int, dict[str, Any]]:
    headers = bearer(token) | ({"X-Scai-Tenant": tenant_id} if tenant_id is not None else {})
    response = await http.get(AI_CONFIG, headers=headers)
    return response.status_code, response.json()


class TestNamingTheTenant:
    @pytest.mark.parametrize(
        "caller", ["super_admin", "partner_admin", "tenant_admin", "platform_read"]
    )
    async def test_every_caller_that_may_see_the_tenant_acts_on_the_one_it_names(
        self, tenancy: Tenancy, http: httpx.AsyncClient, tokens: Tokens, gql: Any, caller: str
    ) -> None:
        token = _token(tokens, tenancy, caller)

        status, body = await _read(http, token, tenancy.tenant.id)
        graphql = await gql(AI_CONFIG_QUERY, {"t": tenancy.tenant.id}, token=token)

        assert (status, body["tenant_id"]) == (200, tenancy.tenant.id)
        assert graphql["data"]["aiConfig"]["tenantId"] == tenancy.tenant.id

    async def test_a_tenant_admin_needs_not_name_its_own_tenant(
        self, tenancy: Tenancy, http: httpx.AsyncClient, tokens: Tokens, gql: Any
    ) -> None:
        token = tokens.tenant_admin(tenancy.tenant.id)

        status, body = await _read(http, token, None)
        graphql = await gql("{ aiConfig { tenantId } }", token=token)

        assert (status, body["tenant_id"]) == (200, tenancy.tenant.id)
        assert graphql["data"]["aiConfig"]["tenantId"] == tenancy.tenant.id

    @pytest.mark.parametrize("caller", ["super_admin", "partner_admin", "platform_read"])
    async def test_anyone_else_who_names_none_gets_422_naming_the_header(
        self, tenancy: Tenancy, http: httpx.AsyncClient, tokens: Tokens, gql: Any, caller: str
    ) -> None:
        token = _token(tokens, tenancy, caller)

        status, body = await _read(http, token, None)
        graphql = await gql("{ aiConfig { tenantId } }", token=token)

        assert status == 422
        assert body["code"] == "BAD_USER_INPUT"
        assert body["detail"].startswith("X-Scai-Tenant header: is required")
        [error] = graphql["errors"]
        assert error["extensions"]["code"] == "BAD_USER_INPUT"
        assert error["extensions"]["field"] == "tenant_id"

    async def test_an_empty_header_counts_as_none(
        self, tenancy: Tenancy, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        status, body = await _read(http, tokens.super_admin(), "")

        assert status == 422
        assert body["detail"].startswith("X-Scai-Tenant header:")


class TestTenantsOutOfReach:
    @pytest.mark.parametrize(
        ("caller", "target"),
        [
            ("tenant_admin", "sibling"),  # a tenant admin naming another tenant
            ("tenant_admin", "foreign"),
            ("partner_admin", "foreign"),  # another partner's tenant
            ("other_partner_admin", "tenant"),
        ],
    )
    async def test_answer_404_as_if_they_did_not_exist(
        self,
        tenancy: Tenancy,
        http: httpx.AsyncClient,
        tokens: Tokens,
        gql: Any,
        caller: str,
        target: str,
    ) -> None:
        token = _token(tokens, tenancy, caller)
        tenant: Tenant = getattr(tenancy, target)

        status, body = await _read(http, token, tenant.id)
        graphql = await gql(AI_CONFIG_QUERY, {"t": tenant.id}, token=token)
        unknown_status, unknown = await _read(http, tokens.super_admin(), "tnt_unknown")

        assert (status, body) == (
            404,
            {"detail": f"Tenant {tenant.id} not found", "code": "NOT_FOUND"},
        )
        assert graphql["errors"][0]["extensions"]["code"] == "NOT_FOUND"
        # the same answer as for a tenant that does not exist at all
        assert (unknown_status, unknown["code"]) == (404, "NOT_FOUND")

    async def test_a_deleted_tenant_is_unknown_even_to_a_super_admin(
        self,
        tenancy: Tenancy,
        http: httpx.AsyncClient,
        tokens: Tokens,
        sessions: async_sessionmaker[AsyncSession],
    ) -> None:
        async with sessions() as session, session.begin():
            row = await session.get(Tenant, tenancy.tenant.id)
            assert row is not None
            row.deleted_at = utcnow()

        status, _ = await _read(http, tokens.super_admin(), tenancy.tenant.id)
        own_status, _ = await _read(http, tokens.tenant_admin(tenancy.tenant.id), None)

        assert (status, own_status) == (404, 404)

    async def test_a_write_to_another_tenant_is_refused_and_changes_nothing(
        self,
        tenancy: Tenancy,
        http: httpx.AsyncClient,
        tokens: Tokens,
        gql: Any,
        sessions: async_sessionmaker[AsyncSession],
    ) -> None:
        # given
        await create_plugin(sessions, plugin_id="web-search")
        token = tokens.tenant_admin(tenancy.tenant.id)

        # when: REST and GraphQL both name the sibling tenant
        rest = await http.post(
            "/v1/admin/plugins/web-search/enable",
            headers=bearer(token) | {"X-Scai-Tenant": tenancy.sibling.id},
        )
        graphql = await gql(
            ENABLE_PLUGIN, {"t": tenancy.sibling.id, "p": "web-search"}, token=token
        )
        listed = await http.get(
            "/v1/admin/plugins", headers=tenancy.super_admin(tokens, tenancy.sibling)
        )

        # then
        assert rest.status_code == 404
        assert graphql["errors"][0]["extensions"]["code"] == "NOT_FOUND"
        assert [plugin["enabled"] for plugin in listed.json()["data"]] == [False]

    async def test_the_tenant_is_checked_before_the_body(
        self, tenancy: Tenancy, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        # a body of the right shape whose values are wrong: the tenant is refused first
        response = await http.put(
            AI_CONFIG,
            json={
                "default_model": "acme/not-enabled",
                "enabled_models": [],
                "system_prompt_templates": [],
                "scaigrid_auth_mode": "per_user_exchange",
            },
            headers=bearer(tokens.tenant_admin(tenancy.sibling.id))
            | {"X-Scai-Tenant": tenancy.tenant.id},
        )

        assert (response.status_code, response.json()["code"]) == (404, "NOT_FOUND")
