"""Every root list of a described resource takes `filter`, `orderBy`, `search` (where the
type has searchable fields) and keyset pages both ways, within the caller's scope."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.conftest import GraphQLClient
from tests.factories import create_application, create_partner, create_tenant, create_user
from tests.factories_identity import create_agent, create_identity_provider
from tests.factories_sessions import create_session
from tests.tokens import Tokens

NAMES = ("delta", "Alpha", "charlie", "bravo")


@pytest.fixture
async def scene(sessions: async_sessionmaker[AsyncSession], db: None) -> dict[str, Any]:
    partner = await create_partner(sessions, name="Zed partner", slug="zed")
    await create_partner(sessions, name="Alpha partner", slug="alpha-p")
    tenant = await create_tenant(sessions, partner=partner, name="Main", slug="main")
    other = await create_tenant(sessions, partner=partner, name="Other alpha", slug="other")
    for name in NAMES:
        await create_application(sessions, tenant=tenant, name=name)
        await create_agent(sessions, tenant=tenant, name=name)
        await create_identity_provider(sessions, tenant=tenant, name=name)
    # The same names in another tenant: a tenant admin never sees them, whatever it asks.
    for name in NAMES:
        await create_application(sessions, tenant=other, name=name)
        await create_agent(sessions, tenant=other, name=name)
        await create_identity_provider(sessions, tenant=other, name=name)
    user = await create_user(sessions, tenant=tenant)
    elsewhere = await create_user(sessions, tenant=other)
    live = await create_session(sessions, user=user, partner_id=partner.id)
    ended = await create_session(sessions, user=user, partner_id=partner.id, expired=True)
    await create_session(sessions, user=elsewhere, partner_id=partner.id)
    return {"tenant": tenant, "other": other, "live": live, "ended": ended}


def _names(result: dict[str, Any], field: str) -> list[str]:
    assert "errors" not in result, result["errors"]
    return [node["name"] for node in result["data"][field]["nodes"]]


@pytest.mark.parametrize("field", ["applications", "agents", "identityProviders"])
async def test_tenant_lists_filter_order_search_and_page_backwards(
    gql: GraphQLClient, tokens: Tokens, scene: dict[str, Any], field: str
) -> None:
    token = tokens.tenant_admin(scene["tenant"].id)
    query = f"""query ($filter: {_filter_type(field)}, $search: String, $last: Int) {{
        {field}(filter: $filter, orderBy: [NAME_DESC], search: $search, last: $last) {{
            totalCount nodes {{ name }} pageInfo {{ hasPreviousPage hasNextPage }} }} }}"""

    ordered = await gql(query, token=token)
    searched = await gql(query, {"search": "ALP"}, token=token)
    filtered = await gql(query, {"filter": {"name": {"in": ["bravo", "delta"]}}}, token=token)
    last = await gql(query, {"last": 2}, token=token)

    assert _names(ordered, field) == ["delta", "charlie", "bravo", "Alpha"]
    assert ordered["data"][field]["totalCount"] == 4
    assert _names(searched, field) == ["Alpha"]
    assert _names(filtered, field) == ["delta", "bravo"]
    assert _names(last, field) == ["bravo", "Alpha"]
    assert last["data"][field]["pageInfo"] == {"hasPreviousPage": True, "hasNextPage": False}


def _filter_type(field: str) -> str:
    return {
        "applications": "ApplicationFilter",
        "agents": "AgentFilter",
        "identityProviders": "IdentityProviderFilter",
    }[field]


async def test_tenants_and_partners(
    gql: GraphQLClient, tokens: Tokens, scene: dict[str, Any]
) -> None:
    tenants = await gql(
        """query { tenants(search: "alpha", orderBy: [SLUG_DESC]) { nodes { name } } }""",
        token=tokens.super_admin(),
    )
    partners = await gql(
        """query { partners(filter: {slug: {startsWith: "ZE"}}) { nodes { name } } }""",
        token=tokens.super_admin(),
    )
    backwards = await gql(
        "query { partners(orderBy: [NAME_ASC], last: 1) { nodes { name } } }",
        token=tokens.super_admin(),
    )

    assert _names(tenants, "tenants") == ["Other alpha"]
    assert _names(partners, "partners") == ["Zed partner"]
    assert _names(backwards, "partners") == ["Zed partner"]


async def test_sessions_filter_and_order_without_search(
    gql: GraphQLClient, tokens: Tokens, scene: dict[str, Any]
) -> None:
    token = tokens.tenant_admin(scene["tenant"].id)
    query = """query ($filter: SessionFilter) {
        sessions(filter: $filter, orderBy: [EXPIRES_AT_DESC]) { nodes { id } } }"""

    everything = await gql(query, token=token)
    expired = await gql(query, {"filter": {"expiresAt": {"lt": _now()}}}, token=token)
    search = await gql('query { sessions(search: "x") { nodes { id } } }', token=token)

    assert [n["id"] for n in everything["data"]["sessions"]["nodes"]] == [
        scene["live"].id,
        scene["ended"].id,
    ]
    assert [n["id"] for n in expired["data"]["sessions"]["nodes"]] == [scene["ended"].id]
    assert "search" in search["errors"][0]["message"]


def _now() -> str:
    return datetime.now(UTC).isoformat()


async def test_a_filter_never_widens_the_scope(
    gql: GraphQLClient, tokens: Tokens, scene: dict[str, Any]
) -> None:
    other = scene["other"].id
    result = await gql(
        f"""query {{ applications(filter: {{or: [{{tenantId: {{eq: "{other}"}}}},
                                               {{tenantId: {{isNull: false}}}}]}}) {{
            totalCount nodes {{ tenantId }} }} }}""",
        token=tokens.tenant_admin(scene["tenant"].id),
    )

    assert result["data"]["applications"]["totalCount"] == 4
    assert {n["tenantId"] for n in result["data"]["applications"]["nodes"]} == {scene["tenant"].id}


async def test_count_by_on_root_lists_counts_what_the_filter_keeps(
    gql: GraphQLClient, tokens: Tokens, scene: dict[str, Any], sessions: Any
) -> None:
    await create_application(sessions, tenant=scene["tenant"], name="svc", app_type="service")
    result = await gql(
        """query { applications(filter: {name: {ne: "delta"}}, first: 1) {
            countBy(field: APP_TYPE) { key count } totalCount } }""",
        token=tokens.tenant_admin(scene["tenant"].id),
    )
    days = await gql(
        "query { sessions { countBy(field: CREATED_DAY) { count } } }",
        token=tokens.tenant_admin(scene["tenant"].id),
    )
    unknown = await gql(
        "query { sessions { countBy(field: NAME) { count } } }", token=tokens.super_admin()
    )

    assert result["data"]["applications"] == {
        "countBy": [{"key": "SERVICE", "count": 1}, {"key": "WEB", "count": 3}],
        "totalCount": 4,
    }
    assert sum(group["count"] for group in days["data"]["sessions"]["countBy"]) == 2
    assert "NAME" in unknown["errors"][0]["message"]


async def test_sibling_count_bys_of_a_list_are_counted_by_one_statement(
    gql: GraphQLClient, tokens: Tokens, scene: dict[str, Any], sessions: Any
) -> None:
    await create_application(sessions, tenant=scene["tenant"], name="svc", app_type="service")
    token = tokens.tenant_admin(scene["tenant"].id)
    one = await gql(
        "query { applications { byType: countBy(field: APP_TYPE) { key count } } }", token=token
    )
    three = await gql(
        """query { applications {
            byType: countBy(field: APP_TYPE) { key count }
            byDay: countBy(field: CREATED_DAY) { count }
            byState: countBy(field: ENABLED) { key count } } }""",
        token=token,
    )

    assert three["_statements"] == one["_statements"]
    listed = three["data"]["applications"]
    assert listed["byType"] == one["data"]["applications"]["byType"]
    assert [group["key"] for group in listed["byType"]] == ["SERVICE", "WEB"]
    total = sum(group["count"] for group in listed["byType"])
    assert sum(group["count"] for group in listed["byDay"]) == total
    assert sum(group["count"] for group in listed["byState"]) == total
    assert {group["key"] for group in listed["byState"]} <= {"true", "false"}


async def test_count_by_on_relation_connections_is_per_parent(
    gql: GraphQLClient, tokens: Tokens, scene: dict[str, Any], sessions: Any
) -> None:
    await create_user(sessions, tenant=scene["tenant"], status="locked")
    result = await gql(
        """query { tenants(orderBy: [NAME_ASC]) { nodes { name
              users { countBy(field: STATUS) { key count } } } } }""",
        token=tokens.super_admin(),
    )

    assert result["data"]["tenants"]["nodes"] == [
        {
            "name": "Main",
            "users": {"countBy": [{"key": "ACTIVE", "count": 1}, {"key": "LOCKED", "count": 1}]},
        },
        {"name": "Other alpha", "users": {"countBy": [{"key": "ACTIVE", "count": 1}]}},
    ]
