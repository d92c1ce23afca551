"""`users` and `groups` through GraphQL: `filter`, `orderBy`, `search`, keyset pages both
ways with a complete `pageInfo`, `totalCount` over what the filter keeps, and refusals
answered as BAD_USER_INPUT naming the argument's path."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.conftest import GraphQLClient
from tests.factories import create_group, create_partner, create_tenant, create_user
from tests.tokens import Tokens

USERS = """
query ($filter: UserFilter, $orderBy: [UserOrderBy!], $search: String,
       $first: Int, $after: String, $last: Int, $before: String) {
  users(filter: $filter, orderBy: $orderBy, search: $search,
        first: $first, after: $after, last: $last, before: $before) {
    totalCount
    nodes { email }
    edges { cursor }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""


@pytest.fixture
async def scene(sessions: async_sessionmaker[AsyncSession], db: None) -> dict[str, Any]:
    partner = await create_partner(sessions)
    tenant = await create_tenant(sessions, partner=partner)
    other = await create_tenant(sessions, partner=partner)
    made = []
    for email, display in [
        ("dora@x.com", "D"),
        ("anna@x.com", None),
        ("bea@x.com", "B"),
        ("carl@x.com", "C"),
    ]:
        made.append(await create_user(sessions, tenant=tenant, email=email, display_name=display))
    hidden = await create_user(sessions, tenant=other, email="anna@other.com")
    await create_group(sessions, tenant=tenant, name="Admins", members=(made[0], made[2]))
    return {"tenant": tenant, "hidden": hidden}


async def test_filter_order_search_and_total(
    gql: GraphQLClient, tokens: Tokens, scene: dict[str, Any]
) -> None:
    token = tokens.tenant_admin(scene["tenant"].id)
    by_name = await gql(USERS, {"orderBy": ["DISPLAY_NAME_DESC"]}, token=token)
    admins = await gql(
        USERS,
        {"filter": {"groups": {"some": {"name": {"eq": "Admins"}}}}, "orderBy": ["EMAIL_ASC"]},
        token=token,
    )
    searched = await gql(USERS, {"search": "ANNA"}, token=token)

    assert [n["email"] for n in by_name["data"]["users"]["nodes"]] == [
        "dora@x.com",
        "carl@x.com",
        "bea@x.com",
        "anna@x.com",
    ]
    assert [n["email"] for n in admins["data"]["users"]["nodes"]] == ["bea@x.com", "dora@x.com"]
    assert admins["data"]["users"]["totalCount"] == 2
    assert [n["email"] for n in searched["data"]["users"]["nodes"]] == ["anna@x.com"]


async def test_pages_forwards_and_backwards(
    gql: GraphQLClient, tokens: Tokens, scene: dict[str, Any]
) -> None:
    token = tokens.tenant_admin(scene["tenant"].id)
    order = {"orderBy": ["EMAIL_ASC"]}
    first = (await gql(USERS, {**order, "first": 2}, token=token))["data"]["users"]
    second = await gql(
        USERS, {**order, "first": 2, "after": first["pageInfo"]["endCursor"]}, token=token
    )
    back = await gql(
        USERS,
        {**order, "last": 2, "before": second["data"]["users"]["pageInfo"]["startCursor"]},
        token=token,
    )

    assert [n["email"] for n in first["nodes"]] == ["anna@x.com", "bea@x.com"]
    assert first["pageInfo"]["hasNextPage"] and not first["pageInfo"]["hasPreviousPage"]
    assert first["edges"][-1]["cursor"] == first["pageInfo"]["endCursor"]
    assert [n["email"] for n in second["data"]["users"]["nodes"]] == ["carl@x.com", "dora@x.com"]
    assert second["data"]["users"]["pageInfo"]["hasPreviousPage"]
    assert not second["data"]["users"]["pageInfo"]["hasNextPage"]
    assert back["data"]["users"]["nodes"] == first["nodes"]
    assert back["data"]["users"]["pageInfo"]["hasNextPage"]
    assert not back["data"]["users"]["pageInfo"]["hasPreviousPage"]


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        (
            {"filter": {"or": [{}, {}, {"email": {"in": ["x"] * 101}}]}},
            "filter.or[2].email.in: holds more than 100 values",
        ),
        ({"first": 1, "last": 1}, "last: cannot be given with first"),
        ({"after": "bm9wZQ"}, "after: is not a cursor returned by this API"),
    ],
)
async def test_refusals(
    gql: GraphQLClient,
    tokens: Tokens,
    scene: dict[str, Any],
    variables: dict[str, Any],
    message: str,
) -> None:
    result = await gql(USERS, variables, token=tokens.super_admin())

    assert result["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert result["errors"][0]["message"] == message


async def test_a_cursor_from_another_order_is_refused(
    gql: GraphQLClient, tokens: Tokens, scene: dict[str, Any]
) -> None:
    token = tokens.super_admin()
    page = await gql(USERS, {"orderBy": ["EMAIL_ASC"], "first": 1}, token=token)
    cursor = page["data"]["users"]["pageInfo"]["endCursor"]

    result = await gql(USERS, {"after": cursor}, token=token)

    assert result["errors"][0]["message"] == (
        "after: was made for orderBy EMAIL_ASC,ID_ASC, not ID_ASC"
    )


async def test_groups_take_the_same_arguments(
    gql: GraphQLClient, tokens: Tokens, scene: dict[str, Any]
) -> None:
    query = """query { groups(filter: {members: {some: {email: {startsWith: "DORA"}}}},
                             orderBy: [NAME_DESC], search: "adm") { totalCount nodes { name } } }"""
    result = await gql(query, token=tokens.super_admin())

    assert result["data"]["groups"] == {"totalCount": 1, "nodes": [{"name": "Admins"}]}
