"""`/api/v1/admin/agents` over HTTP."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import Agent, Tenant
from tests.factories import create_partner, create_tenant
from tests.factories_identity import audit_events, create_agent, stored
from tests.tokens import Tokens, bearer

Sessions = async_sessionmaker[AsyncSession]
AGENTS = "/api/v1/admin/agents"
KEYS = {
    "id",
    "tenant_id",
    "name",
    "description",
    "enabled",
    "allowed_tools",
    "allowed_scopes",
    "rate_limit_rpm",
    "created_at",
    "updated_at",
}


@pytest.fixture
async def tenant(db: None, sessions: Sessions) -> Tenant:
    return await create_tenant(sessions, partner=await create_partner(sessions))


class TestCreateAgent:
    async def test_answers_201_with_the_agent_readable_at_its_path(
        self, http: httpx.AsyncClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        headers = bearer(tokens.tenant_admin(tenant.id))

        created = await http.post(
            AGENTS,
            json={
                "name": "Billing agent",
                "allowed_tools": ["invoices.list", "invoices:get"],
                "allowed_scopes": ["openid"],
                "rate_limit_rpm": 30,
            },
            headers=headers,
        )
        read = await http.get(f"{AGENTS}/{created.json()['id']}", headers=headers)

        assert created.status_code == 201, created.text
        body = created.json()
        assert set(body) == KEYS
        assert body["tenant_id"] == tenant.id
        assert body["allowed_tools"] == ["invoices.list", "invoices:get"]
        assert (body["allowed_scopes"], body["rate_limit_rpm"]) == (["openid"], 30)
        assert (read.status_code, read.json()) == (200, body)

    async def test_a_scope_the_caller_does_not_hold_is_403_naming_it(
        self, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        response = await http.post(
            AGENTS,
            json={
                "name": "Agent",
                "tenant_id": tenant.id,
                "allowed_scopes": ["openid", "payments:write"],
            },
            headers=bearer(tokens.partner_admin(tenant.partner_id)),
        )

        assert response.status_code == 403
        assert response.json() == {
            "detail": "Access denied: cannot grant scope 'payments:write', which the caller "
            "does not hold",
            "code": "FORBIDDEN",
        }
        events = await audit_events(sessions)
        assert [(e.action, e.result) for e in events] == [("agent.create", "denied")]

    @pytest.mark.parametrize(
        ("body", "detail"),
        [
            ({"allowed_tools": ["ok", "ok"]}, "allowed_tools: 'ok' is listed more than once"),
            ({"rate_limit_rpm": -5}, "rate_limit_rpm: must be between 1 and 100000"),
            ({"allowed_scopes": ["a b"]}, "allowed_scopes: 'a b' is not a valid scope"),
            ({"enabled": None}, "enabled: must be true or false"),
        ],
    )
    async def test_malformed_fields_are_422_naming_the_field(
        self,
        http: httpx.AsyncClient,
        tokens: Tokens,
        tenant: Tenant,
        body: dict[str, object],
        detail: str,
    ) -> None:
        response = await http.post(
            AGENTS, json={"name": "Agent", **body}, headers=bearer(tokens.tenant_admin(tenant.id))
        )

        assert response.status_code == 422
        assert response.json() == {"detail": detail, "code": "BAD_USER_INPUT"}


class TestListAgents:
    async def test_pages_and_filters_by_tenant(
        self, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        other = await create_tenant(sessions, partner=await create_partner(sessions))
        own = [await create_agent(sessions, tenant=tenant) for _ in range(3)]
        await create_agent(sessions, tenant=other)
        headers = bearer(tokens.platform("admin:read"))

        first = await http.get(f"{AGENTS}?per_page=2&tenant_id={tenant.id}", headers=headers)
        second = await http.get(
            f"{AGENTS}?per_page=2&page=2&tenant_id={tenant.id}", headers=headers
        )

        assert [item["id"] for item in first.json()["data"]] == [own[0].id, own[1].id]
        assert first.json()["pagination"] == {
            "page": 1,
            "per_page": 2,
            "total": 3,
            "total_pages": 2,
        }
        assert [item["id"] for item in second.json()["data"]] == [own[2].id]


class TestPatchAgent:
    async def test_answers_the_updated_agent(
        self, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        agent = await create_agent(sessions, tenant=tenant)

        response = await http.patch(
            f"{AGENTS}/{agent.id}",
            json={"description": "Reads the wiki", "allowed_tools": ["wiki.search"]},
            headers=bearer(tokens.super_admin()),
        )

        assert response.status_code == 200, response.text
        assert response.json()["description"] == "Reads the wiki"
        assert response.json()["allowed_tools"] == ["wiki.search"]
        assert response.json()["name"] == agent.name

    async def test_the_tenant_is_fixed(
        self, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        agent = await create_agent(sessions, tenant=tenant)

        response = await http.patch(
            f"{AGENTS}/{agent.id}",
            json={"tenant_id": "tnt_x"},
            headers=bearer(tokens.super_admin()),
        )

        assert response.status_code == 422
        assert response.json()["detail"] == "Unknown field 'tenant_id'"

    async def test_another_tenants_agent_is_404(
        self, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        sibling = await create_tenant(sessions, partner=await create_partner(sessions))
        agent = await create_agent(sessions, tenant=sibling)

        response = await http.patch(
            f"{AGENTS}/{agent.id}",
            json={"name": "x"},
            headers=bearer(tokens.tenant_admin(tenant.id)),
        )

        assert response.status_code == 404
        assert response.json() == {"detail": f"Agent {agent.id} not found", "code": "NOT_FOUND"}


class TestDeleteAgent:
    async def test_answers_204_and_the_agent_is_gone(
        self, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        agent = await create_agent(sessions, tenant=tenant)
        headers = bearer(tokens.tenant_admin(tenant.id))

        deleted = await http.delete(f"{AGENTS}/{agent.id}", headers=headers)
        read = await http.get(f"{AGENTS}/{agent.id}", headers=headers)

        assert (deleted.status_code, deleted.content) == (204, b"")
        assert read.status_code == 404
        assert (await stored(sessions, Agent, agent.id)).deleted_at is not None
