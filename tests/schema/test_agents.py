"""MCP agent queries and mutations over GraphQL, and who may grant which scopes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import Agent, Tenant
from tests.conftest import GraphQLClient
from tests.factories import create_partner, create_tenant
from tests.factories_identity import audit_events, create_agent, stored
from tests.tokens import Tokens

Sessions = async_sessionmaker[AsyncSession]

FIELDS = "id tenantId name description enabled allowedTools allowedScopes rateLimitRpm"

CREATE = f"""
mutation ($input: CreateAgentInput!) {{ createAgent(input: $input) {{ {FIELDS} }} }}
"""

UPDATE = f"""
mutation ($id: ID!, $input: UpdateAgentInput!) {{
  updateAgent(id: $id, input: $input) {{ {FIELDS} }}
}}
"""

DELETE = "mutation ($id: ID!) { deleteAgent(id: $id) { id deletedAt } }"

LIST = """
query ($first: Int, $after: String, $tenantId: ID) {
  agents(first: $first, after: $after, tenantId: $tenantId) {
    totalCount
    nodes { id }
    pageInfo { hasNextPage endCursor }
  }
}
"""

ONE = """
query ($id: ID!) {
  agent(id: $id) { id name tenant { id } }
  node(id: $id) { id ... on Agent { allowedTools } }
}
"""

TENANT_RELATION = "query ($id: ID!) { tenant(id: $id) { agents { nodes { id } } } }"


def _error(result: dict[str, Any]) -> tuple[str, str]:
    error = result["errors"][0]
    return error["extensions"]["code"], error["message"]


def _agent(tenant_id: str, **fields: Any) -> dict[str, Any]:
    return {"input": {"tenantId": tenant_id, "name": "Support copilot", **fields}}


async def _count(sessions: Sessions) -> int:
    async with sessions() as session:
        return int((await session.execute(select(func.count()).select_from(Agent))).scalar_one())


@pytest.fixture
async def tenant(db: None, sessions: Sessions) -> Tenant:
    return await create_tenant(sessions, partner=await create_partner(sessions))


# Every kind of caller that may write agents in the fixture's tenant.
CALLERS: dict[str, Callable[[Tokens, Tenant], str]] = {
    "super_admin": lambda tokens, tenant: tokens.super_admin(),
    "partner_admin": lambda tokens, tenant: tokens.partner_admin(tenant.partner_id),
    "tenant_admin": lambda tokens, tenant: tokens.tenant_admin(tenant.id),
    "platform[admin:write]": lambda tokens, tenant: tokens.platform("admin:write"),
    "platform[admin:read admin:write crm:read]": lambda tokens, tenant: tokens.platform(
        "admin:read", "admin:write", "crm:read"
    ),
}


class TestCreateAgent:
    async def test_creates_an_agent_with_its_tools_scopes_and_rate_limit(
        self, sessions: Sessions, gql: GraphQLClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        # when
        result = await gql(
            CREATE,
            _agent(
                tenant.id,
                description="Answers tickets",
                allowedTools=["tickets.search", "kb:read", "send_reply"],
                allowedScopes=["email", "openid", "openid"],
                rateLimitRpm=120,
            ),
            token=tokens.tenant_admin(tenant.id),
        )

        # then
        created = result["data"]["createAgent"]
        assert created["id"].startswith("agt_")
        assert created == {
            "id": created["id"],
            "tenantId": tenant.id,
            "name": "Support copilot",
            "description": "Answers tickets",
            "enabled": True,
            "allowedTools": ["tickets.search", "kb:read", "send_reply"],
            "allowedScopes": ["email", "openid"],
            "rateLimitRpm": 120,
        }
        events = await audit_events(sessions, resource_id=created["id"])
        assert [(e.action, e.result, e.tenant_id) for e in events] == [
            ("agent.create", "success", tenant.id)
        ]
        assert events[0].event_metadata == {
            "name": "Support copilot",
            "description": "Answers tickets",
            "allowed_tools": ["tickets.search", "kb:read", "send_reply"],
            "allowed_scopes": ["email", "openid"],
            "rate_limit_rpm": 120,
        }

    async def test_defaults_to_no_tools_no_scopes_and_no_rate_limit(
        self, gql: GraphQLClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        result = await gql(
            CREATE, {"input": {"name": "Bare"}}, token=tokens.tenant_admin(tenant.id)
        )

        created = result["data"]["createAgent"]
        assert created["tenantId"] == tenant.id
        assert (created["allowedTools"], created["allowedScopes"]) == ([], [])
        assert created["rateLimitRpm"] is None

    @pytest.mark.parametrize(
        ("fields", "message"),
        [
            (
                {"allowedTools": ["search", "rm -rf"]},
                "allowed_tools: 'rm -rf' is not a valid tool name (letters, digits, '_', '.', "
                "':', '-'; at most 128 characters)",
            ),
            (
                {"allowedTools": ["search", " "]},
                "allowed_tools: must not contain an empty tool name",
            ),
            ({"allowedTools": ["a", "b", "a"]}, "allowed_tools: 'a' is listed more than once"),
            (
                {"allowedTools": [f"t{n}" for n in range(201)]},
                "allowed_tools: must have at most 200 items",
            ),
            (
                {"allowedTools": ["x" * 129]},
                f"allowed_tools: '{'x' * 129}' is not a valid tool name (letters, digits, "
                "'_', '.', ':', '-'; at most 128 characters)",
            ),
            (
                {"allowedScopes": ["admin read"]},
                "allowed_scopes: 'admin read' is not a valid scope",
            ),
            ({"rateLimitRpm": 0}, "rate_limit_rpm: must be between 1 and 100000"),
            ({"rateLimitRpm": 100_001}, "rate_limit_rpm: must be between 1 and 100000"),
            ({"name": ""}, "name: must not be empty"),
        ],
    )
    async def test_refuses_malformed_fields_by_name(
        self,
        sessions: Sessions,
        gql: GraphQLClient,
        tokens: Tokens,
        tenant: Tenant,
        fields: dict[str, Any],
        message: str,
    ) -> None:
        result = await gql(CREATE, _agent(tenant.id, **fields), token=tokens.super_admin())

        assert _error(result) == ("BAD_USER_INPUT", message)
        assert await _count(sessions) == 0

    async def test_a_sibling_tenant_is_not_found(
        self, sessions: Sessions, gql: GraphQLClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        other = await create_tenant(sessions, partner=await create_partner(sessions))

        result = await gql(CREATE, _agent(other.id), token=tokens.partner_admin(tenant.partner_id))

        assert _error(result) == ("NOT_FOUND", f"Tenant {other.id} not found")


class TestScopeGrants:
    """Callers grant only scopes they hold (resolvers/scope_grants.py has the table)."""

    @pytest.mark.parametrize(
        ("caller", "scopes"),
        [
            ("super_admin", ["crm:write", "admin:write", "openid"]),
            ("partner_admin", ["openid", "email"]),
            ("tenant_admin", ["profile", "offline_access"]),
            ("platform[admin:write]", ["admin:write", "admin:read"]),
            ("platform[admin:read admin:write crm:read]", ["crm:read", "admin:read"]),
        ],
    )
    async def test_a_caller_grants_the_scopes_it_holds(
        self, gql: GraphQLClient, tokens: Tokens, tenant: Tenant, caller: str, scopes: list[str]
    ) -> None:
        token = CALLERS[caller](tokens, tenant)

        result = await gql(CREATE, _agent(tenant.id, allowedScopes=scopes), token=token)

        assert result["data"]["createAgent"]["allowedScopes"] == scopes

    @pytest.mark.parametrize(
        ("caller", "scopes", "refused"),
        [
            ("partner_admin", ["openid", "crm:write"], "scope 'crm:write'"),
            ("partner_admin", ["admin:read"], "scope 'admin:read'"),
            ("tenant_admin", ["email", "admin:write"], "scope 'admin:write'"),
            ("tenant_admin", ["billing:admin", "crm:write"], "scopes 'billing:admin', 'crm:write'"),
            ("platform[admin:write]", ["openid"], "scope 'openid'"),
            ("platform[admin:read admin:write crm:read]", ["crm:write"], "scope 'crm:write'"),
        ],
    )
    async def test_granting_a_scope_the_caller_lacks_is_403_naming_it(
        self,
        sessions: Sessions,
        gql: GraphQLClient,
        tokens: Tokens,
        tenant: Tenant,
        caller: str,
        scopes: list[str],
        refused: str,
    ) -> None:
        token = CALLERS[caller](tokens, tenant)

        result = await gql(CREATE, _agent(tenant.id, allowedScopes=scopes), token=token)

        assert _error(result) == (
            "FORBIDDEN",
            f"Access denied: cannot grant {refused}, which the caller does not hold",
        )
        assert await _count(sessions) == 0
        events = await audit_events(sessions)
        assert [(e.action, e.result) for e in events] == [("agent.create", "denied")]

    async def test_an_update_may_keep_scopes_it_could_not_grant_but_not_add_them(
        self, sessions: Sessions, gql: GraphQLClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        # given an agent a super admin gave a scope no tenant admin holds
        agent = await create_agent(sessions, tenant=tenant, allowed_scopes=["crm:write"])
        token = tokens.tenant_admin(tenant.id)

        # when the tenant admin adds a scope it holds, keeping the other, then adds one it lacks
        kept = await gql(
            UPDATE,
            {"id": agent.id, "input": {"allowedScopes": ["crm:write", "openid"]}},
            token=token,
        )
        added = await gql(
            UPDATE,
            {"id": agent.id, "input": {"allowedScopes": ["openid", "crm:read"]}},
            token=token,
        )
        removed = await gql(
            UPDATE, {"id": agent.id, "input": {"allowedScopes": ["openid"]}}, token=token
        )

        # then
        assert kept["data"]["updateAgent"]["allowedScopes"] == ["crm:write", "openid"]
        assert _error(added) == (
            "FORBIDDEN",
            "Access denied: cannot grant scope 'crm:read', which the caller does not hold",
        )
        assert removed["data"]["updateAgent"]["allowedScopes"] == ["openid"]
        assert (await stored(sessions, Agent, agent.id)).allowed_scopes == ["openid"]


class TestAgentsQuery:
    async def test_lists_the_callers_agents_with_paging_and_a_tenant_filter(
        self, sessions: Sessions, gql: GraphQLClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        sibling = await create_tenant(sessions, partner=await create_partner(sessions))
        own = [await create_agent(sessions, tenant=tenant) for _ in range(3)]
        other = await create_agent(sessions, tenant=sibling)
        deleted = await create_agent(sessions, tenant=tenant)
        await gql(DELETE, {"id": deleted.id}, token=tokens.super_admin())

        first = await gql(LIST, {"first": 2}, token=tokens.tenant_admin(tenant.id))
        page = first["data"]["agents"]
        rest = await gql(
            LIST,
            {"first": 2, "after": page["pageInfo"]["endCursor"]},
            token=tokens.tenant_admin(tenant.id),
        )
        filtered = await gql(LIST, {"tenantId": sibling.id}, token=tokens.super_admin())

        assert [n["id"] for n in page["nodes"]] == [own[0].id, own[1].id]
        assert (page["totalCount"], page["pageInfo"]["hasNextPage"]) == (3, True)
        assert [n["id"] for n in rest["data"]["agents"]["nodes"]] == [own[2].id]
        assert [n["id"] for n in filtered["data"]["agents"]["nodes"]] == [other.id]


class TestAgentQuery:
    async def test_reads_one_by_id_by_node_and_from_its_tenant(
        self, sessions: Sessions, gql: GraphQLClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        agent = await create_agent(sessions, tenant=tenant, allowed_tools=["search"])
        token = tokens.partner_admin(tenant.partner_id)

        one = await gql(ONE, {"id": agent.id}, token=token)
        related = await gql(TENANT_RELATION, {"id": tenant.id}, token=token)

        assert one["data"]["agent"] == {
            "id": agent.id,
            "name": agent.name,
            "tenant": {"id": tenant.id},
        }
        assert one["data"]["node"] == {"id": agent.id, "allowedTools": ["search"]}
        assert related["data"]["tenant"]["agents"]["nodes"] == [{"id": agent.id}]

    async def test_another_partners_agent_is_not_found(
        self, sessions: Sessions, gql: GraphQLClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        foreign = await create_tenant(sessions, partner=await create_partner(sessions))
        agent = await create_agent(sessions, tenant=foreign)

        result = await gql(ONE, {"id": agent.id}, token=tokens.partner_admin(tenant.partner_id))

        assert _error(result) == ("NOT_FOUND", f"Agent {agent.id} not found")


class TestUpdateAgent:
    async def test_changes_only_the_given_fields_and_records_them(
        self, sessions: Sessions, gql: GraphQLClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        agent = await create_agent(sessions, tenant=tenant, rate_limit_rpm=60)

        result = await gql(
            UPDATE,
            {"id": agent.id, "input": {"enabled": False, "rateLimitRpm": None}},
            token=tokens.platform("admin:write"),
        )

        updated = result["data"]["updateAgent"]
        assert (updated["enabled"], updated["rateLimitRpm"]) == (False, None)
        assert (updated["name"], updated["allowedTools"]) == (agent.name, agent.allowed_tools)
        events = await audit_events(sessions, resource_id=agent.id)
        assert [(e.action, e.actor_type, e.event_metadata) for e in events] == [
            ("agent.update", "service", {"enabled": False, "rate_limit_rpm": None})
        ]

    async def test_a_refused_change_leaves_the_agent_as_it_was(
        self, sessions: Sessions, gql: GraphQLClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        agent = await create_agent(sessions, tenant=tenant)

        result = await gql(
            UPDATE,
            {"id": agent.id, "input": {"name": "Renamed", "allowedTools": ["ok", "not ok"]}},
            token=tokens.super_admin(),
        )

        assert _error(result)[0] == "BAD_USER_INPUT"
        assert (await stored(sessions, Agent, agent.id)).name == agent.name


class TestDeleteAgent:
    async def test_soft_deletes_and_records_one_event(
        self, sessions: Sessions, gql: GraphQLClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        agent = await create_agent(sessions, tenant=tenant)
        token = tokens.tenant_admin(tenant.id)

        result = await gql(DELETE, {"id": agent.id}, token=token)
        read = await gql(ONE, {"id": agent.id}, token=token)

        assert result["data"]["deleteAgent"]["id"] == agent.id
        assert (await stored(sessions, Agent, agent.id)).deleted_at is not None
        assert _error(read)[0] == "NOT_FOUND"
        events = await audit_events(sessions, resource_id=agent.id)
        assert [(e.action, e.result) for e in events] == [("agent.delete", "success")]

    @pytest.mark.parametrize("owner", ["tenant", "partner"])
    async def test_deleting_the_tenant_or_its_partner_deletes_its_agents(
        self, sessions: Sessions, gql: GraphQLClient, tokens: Tokens, tenant: Tenant, owner: str
    ) -> None:
        agent = await create_agent(sessions, tenant=tenant)
        field, target = (
            ("deleteTenant", tenant.id)
            if owner == "tenant"
            else ("deletePartner", tenant.partner_id)
        )

        result = await gql(
            f"mutation ($id: ID!) {{ {field}(id: $id) {{ id }} }}",
            {"id": target},
            token=tokens.super_admin(),
        )

        assert "errors" not in result, result
        assert (await stored(sessions, Agent, agent.id)).deleted_at is not None
