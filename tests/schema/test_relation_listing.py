"""Relation connections take what root lists take: `filter`, `orderBy`, `search`,
`first`/`after` and `last`/`before` with keyset cursors, a `totalCount` of what the filter
keeps, and `countBy`.

Each behaviour is read three ways, which must agree: from the planner's own statements
(`tenants(filter: {id: …}) { nodes { users(…) } }` with the planner on), from the relation
prefetch (the same document with the planner off) and from the relation's loader (a row of
`tenant(id:)`, which nothing prefetches).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi import FastAPI
from graphql import GraphQLField, GraphQLObjectType
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import Tenant, User
from schema.planner import PLANNER_FIGURES
from schema.schema import schema
from schema.strawberry_private import graphql_core_schema
from tests.app_settings import settings_changed
from tests.conftest import GraphQLClient
from tests.factories import create_group, create_partner, create_tenant, create_user
from tests.tokens import Tokens

Sessions = async_sessionmaker[AsyncSession]

PATHS = ["planned", "prefetched", "loaded"]

USERS_SELECTION = """
totalCount
pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
edges { cursor node { email } }
"""

ARGUMENTS = """$filter: UserFilter, $orderBy: [UserOrderBy!], $search: String, $first: Int,
$after: String, $last: Int, $before: String"""
PASSED = """filter: $filter, orderBy: $orderBy, search: $search, first: $first, after: $after,
last: $last, before: $before"""


def document(path: str, selection: str = USERS_SELECTION) -> str:
    users = f"users({PASSED}) {{ {selection} }}"
    if path == "loaded":
        return f"query ($id: ID!, {ARGUMENTS}) {{ tenant(id: $id) {{ {users} }} }}"
    return (
        f"query ($id: ID!, {ARGUMENTS}) "
        f"{{ tenants(filter: {{id: {{eq: $id}}}}) {{ nodes {{ {users} }} }} }}"
    )


class Reader:
    """Reads a tenant's users connection by one of the three paths."""

    def __init__(self, app: FastAPI, gql: GraphQLClient, token: str, path: str) -> None:
        self.app, self.gql, self.token, self.path = app, gql, token, path
        self.statements = 0

    async def body(self, tenant: Tenant, selection: str = USERS_SELECTION, **given: Any) -> Any:
        variables = {"id": tenant.id, **given}
        planned_before = PLANNER_FIGURES.planned
        if self.path == "planned":
            body = await self.gql(document(self.path, selection), variables, token=self.token)
            assert PLANNER_FIGURES.planned == planned_before + 1, body
        else:
            with settings_changed(self.app, planned_execution=False):
                body = await self.gql(document(self.path, selection), variables, token=self.token)
        self.statements = body["_statements"]
        return body

    async def users(self, tenant: Tenant, **given: Any) -> dict[str, Any]:
        body = await self.body(tenant, **given)
        assert "errors" not in body, body["errors"]
        if self.path == "loaded":
            connection: dict[str, Any] = body["data"]["tenant"]["users"]
        else:
            (node,) = body["data"]["tenants"]["nodes"]
            connection = node["users"]
        return connection


@pytest.fixture(params=PATHS)
def reader(
    request: pytest.FixtureRequest, app: FastAPI, gql: GraphQLClient, tokens: Tokens
) -> Reader:
    return Reader(app, gql, tokens.super_admin(), request.param)


def emails(connection: dict[str, Any]) -> list[str]:
    return [edge["node"]["email"] for edge in connection["edges"]]


async def people(sessions: Sessions) -> Tenant:
    """A tenant of five users, one of them deleted, and a user of another tenant; bob is in
    the group Admins."""
    partner = await create_partner(sessions)
    tenant = await create_tenant(sessions, partner=partner)
    other = await create_tenant(sessions, partner=partner)
    at = datetime(2026, 11, 1, tzinfo=UTC)
    await create_user(sessions, tenant=tenant, email="ann.a@x.example", last_sign_in_at=at)
    await create_user(sessions, tenant=tenant, email="ann.b@x.example")
    bob = await create_user(
        sessions, tenant=tenant, email="bob@x.example", last_sign_in_at=at.replace(day=2)
    )
    await create_group(sessions, tenant=tenant, name="Admins", members=(bob,))
    await create_user(
        sessions,
        tenant=tenant,
        email="joanna@x.example",
        display_name="Zed",
        status="locked",
        last_sign_in_at=at.replace(day=3),
    )
    await create_user(sessions, tenant=tenant, email="ann.gone@x.example", deleted_at=at)
    await create_user(sessions, tenant=other, email="ann.other@x.example")
    return tenant


class TestFilterOrderSearch:
    async def test_filter_and_order_with_nulls_last_and_the_total_the_filter_keeps(
        self, db: None, sessions: Sessions, reader: Reader
    ) -> None:
        # given
        tenant = await people(sessions)

        # when
        page = await reader.users(
            tenant,
            filter={"email": {"contains": "ANN"}},
            orderBy=["LAST_SIGN_IN_AT_DESC"],
            first=2,
        )
        rest = await reader.users(
            tenant,
            filter={"email": {"contains": "ANN"}},
            orderBy=["LAST_SIGN_IN_AT_DESC"],
            after=page["pageInfo"]["endCursor"],
        )

        # then
        assert emails(page) == ["joanna@x.example", "ann.a@x.example"]
        assert page["totalCount"] == 3
        assert page["pageInfo"]["hasNextPage"] is True
        assert page["pageInfo"]["hasPreviousPage"] is False
        assert emails(rest) == ["ann.b@x.example"]  # no sign-in yet: last
        assert rest["totalCount"] == 3
        assert rest["pageInfo"] == {
            "hasNextPage": False,
            "hasPreviousPage": True,
            "startCursor": rest["edges"][0]["cursor"],
            "endCursor": rest["edges"][0]["cursor"],
        }

    async def test_search_and_a_to_many_filter(
        self, db: None, sessions: Sessions, reader: Reader
    ) -> None:
        # given
        tenant = await people(sessions)

        # when
        by_name = await reader.users(tenant, search=" zed ")
        grouped = await reader.users(
            tenant, filter={"groups": {"some": {"name": {"eq": "Admins"}}}}
        )
        ungrouped = await reader.users(
            tenant,
            filter={"groups": {"none": {}}, "status": {"ne": "LOCKED"}},
            orderBy=["EMAIL_DESC"],
        )

        # then
        assert emails(by_name) == ["joanna@x.example"]
        assert emails(grouped) == ["bob@x.example"]
        assert emails(ungrouped) == ["ann.b@x.example", "ann.a@x.example"]
        assert ungrouped["totalCount"] == 2

    async def test_last_and_before_page_backwards(
        self, db: None, sessions: Sessions, reader: Reader
    ) -> None:
        # given
        tenant = await people(sessions)

        # when
        last = await reader.users(tenant, orderBy=["EMAIL_ASC"], last=2)
        before = await reader.users(
            tenant, orderBy=["EMAIL_ASC"], last=2, before=last["pageInfo"]["startCursor"]
        )

        # then
        assert emails(last) == ["bob@x.example", "joanna@x.example"]
        assert last["pageInfo"]["hasPreviousPage"] is True
        assert last["pageInfo"]["hasNextPage"] is False
        assert emails(before) == ["ann.a@x.example", "ann.b@x.example"]
        assert before["pageInfo"]["hasPreviousPage"] is False
        assert before["pageInfo"]["hasNextPage"] is True
        assert before["totalCount"] == 4

    async def test_a_page_past_every_row_still_counts_what_the_filter_keeps(
        self, db: None, sessions: Sessions, reader: Reader
    ) -> None:
        # given
        tenant = await people(sessions)
        whole = await reader.users(tenant, orderBy=["EMAIL_DESC"])

        # when
        past = await reader.users(
            tenant, orderBy=["EMAIL_DESC"], after=whole["pageInfo"]["endCursor"]
        )

        # then
        assert past["edges"] == []
        assert past["totalCount"] == 4
        assert past["pageInfo"]["hasPreviousPage"] is True
        assert past["pageInfo"]["hasNextPage"] is False


class TestKeysetPagingWhileRowsChange:
    async def test_forwards_and_backwards_nothing_is_skipped_or_repeated(
        self, db: None, sessions: Sessions, reader: Reader
    ) -> None:
        # given: users b, d, f, h, j
        partner = await create_partner(sessions)
        tenant = await create_tenant(sessions, partner=partner)
        made = {}
        for letter in "bdfhj":
            made[letter] = await create_user(sessions, tenant=tenant, email=f"{letter}@x.example")
        order = ["EMAIL_ASC"]

        # when: a first page, then rows change around the cursor, then the next page
        first = await reader.users(tenant, orderBy=order, first=2)
        await create_user(sessions, tenant=tenant, email="a@x.example")  # before the cursor
        await create_user(sessions, tenant=tenant, email="e@x.example")  # after it
        async with sessions() as session, session.begin():
            await session.execute(delete(User).where(User.id == made["d"].id))  # the cursor's row
            await session.execute(delete(User).where(User.id == made["f"].id))  # the next one
        second = await reader.users(
            tenant, orderBy=order, first=2, after=first["pageInfo"]["endCursor"]
        )
        backwards = await reader.users(
            tenant, orderBy=order, last=3, before=second["pageInfo"]["endCursor"]
        )

        # then
        assert emails(first) == ["b@x.example", "d@x.example"]
        assert emails(second) == ["e@x.example", "h@x.example"]
        assert second["pageInfo"]["hasNextPage"] is True
        assert emails(backwards) == ["a@x.example", "b@x.example", "e@x.example"]
        assert backwards["pageInfo"]["hasPreviousPage"] is False
        assert backwards["totalCount"] == 5


class TestCountBy:
    COUNTED = "totalCount countBy(field: STATUS) { key count }"

    async def test_counts_by_group_what_the_filter_keeps(
        self, db: None, sessions: Sessions, app: FastAPI, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        # given
        tenant = await people(sessions)
        second = await create_tenant(sessions, partner=await create_partner(sessions))
        await create_user(sessions, tenant=second, status="disabled")

        # when: two tenants' users counted in one request, by each path that reads them
        variables = {"filter": {"email": {"endsWith": ".example"}, "status": {"ne": "DISABLED"}}}
        document_ = (
            f"query ({ARGUMENTS}) {{ tenants(orderBy: [CREATED_AT_ASC]) {{ nodes {{ "
            f"users({PASSED}) {{ {self.COUNTED} }} }} }} }}"
        )
        body = await gql(document_, variables, token=tokens.super_admin())
        one = await gql(
            document("loaded", self.COUNTED),
            {"id": tenant.id, **variables},
            token=tokens.super_admin(),
        )

        # then
        assert "errors" not in body, body["errors"]
        users = [node["users"] for node in body["data"]["tenants"]["nodes"]]
        ours = {
            "totalCount": 4,
            "countBy": [{"key": "ACTIVE", "count": 3}, {"key": "LOCKED", "count": 1}],
        }
        assert users == [
            ours,
            {"totalCount": 1, "countBy": [{"key": "ACTIVE", "count": 1}]},  # the other tenant
            {"totalCount": 0, "countBy": []},  # its one user is disabled
        ]
        assert one["data"]["tenant"]["users"] == ours


class TestStatements:
    DOCUMENT = f"""
    query ({ARGUMENTS}) {{
      tenants(first: 50) {{
        nodes {{
          a: users({PASSED}) {{ totalCount nodes {{ email }} }}
          b: users({PASSED}) {{ totalCount nodes {{ email }} }}
        }}
      }}
    }}
    """
    OTHER = DOCUMENT.replace("b: users(filter: $filter", "b: users(filter: null")

    @pytest.mark.parametrize("planned", [True, False], ids=["planned", "executed"])
    async def test_a_level_costs_the_same_statements_however_many_parents(
        self,
        db: None,
        sessions: Sessions,
        app: FastAPI,
        gql: GraphQLClient,
        tokens: Tokens,
        planned: bool,
    ) -> None:
        # given
        partner = await create_partner(sessions)
        variables = {"filter": {"email": {"contains": "1"}}, "orderBy": ["EMAIL_DESC"], "first": 3}

        async def statements(document_: str) -> int:
            with settings_changed(app, planned_execution=planned):
                body = await gql(document_, variables, token=tokens.super_admin())
            assert "errors" not in body, body["errors"]
            count: int = body["_statements"]
            return count

        # when
        tenant = await create_tenant(sessions, partner=partner)
        await create_user(sessions, tenant=tenant)
        small = await statements(self.DOCUMENT)
        for _ in range(6):
            tenant = await create_tenant(sessions, partner=partner)
            for _ in range(3):
                await create_user(sessions, tenant=tenant)
        large = await statements(self.DOCUMENT)
        different = await statements(self.OTHER)

        # then: every tenant's page is in the same statements, however many tenants
        assert large == small
        if planned:
            # the root list, then one statement per relation selection (`a`, `b`): its pages
            # and its totals together
            assert small == different == 3
        else:
            # the root list, then per distinct page asked (the loaders' keys), its pages and
            # its totals: `a` and `b` share theirs when they ask the same
            assert small == 3
            assert different == 5


class TestRefusals:
    @pytest.mark.parametrize(
        ("given", "message"),
        [
            (
                {"orderBy": ["EMAIL_ASC", "EMAIL_DESC"]},
                "orderBy[1]: EMAIL_DESC orders by EMAIL a second time",
            ),
            ({"first": 1, "last": 1}, "last: cannot be given with first"),
            (
                {"filter": {"not": {"not": {"not": {"not": {"not": {"not": {}}}}}}}},
                "filter.not.not.not.not.not.not: nests deeper than 5 levels",
            ),
            (
                {"filter": {"email": {"in": ["x"] * 101}}},
                "filter.email.in: holds more than 100 values",
            ),
        ],
    )
    @pytest.mark.parametrize("path", ["prefetched", "loaded"])
    async def test_bad_arguments_are_refused_naming_them(
        self,
        db: None,
        sessions: Sessions,
        app: FastAPI,
        gql: GraphQLClient,
        tokens: Tokens,
        path: str,
        given: dict[str, Any],
        message: str,
    ) -> None:
        # given
        tenant = await people(sessions)
        variables = {"id": tenant.id, **given}

        # when: with the planner off, and on (its plan refuses the arguments and falls back)
        executed = await Reader(app, gql, tokens.super_admin(), path).body(tenant, **given)
        planned = await gql(document(path), variables, token=tokens.super_admin())

        # then
        (error,) = executed["errors"]
        assert error["extensions"]["code"] == "BAD_USER_INPUT"
        assert error["message"].startswith(message), error["message"]
        assert error["path"][-1] == "users"
        assert planned["errors"] == executed["errors"]

    async def test_a_cursor_of_another_order_is_refused(
        self, db: None, sessions: Sessions, reader: Reader
    ) -> None:
        tenant = await people(sessions)
        page = await reader.users(tenant, orderBy=["EMAIL_ASC"], first=1)

        # A plan refuses the cursor and falls back: the refusal is normal execution's.
        reader.path = "prefetched" if reader.path == "planned" else reader.path
        body = await reader.body(tenant, after=page["pageInfo"]["endCursor"])

        assert body["errors"][0]["message"] == (
            "after: was made for orderBy EMAIL_ASC,ID_ASC, not ID_ASC"
        )


class TestClosures:
    def test_closures_page_by_first_and_after_only(self) -> None:
        def fields(name: str) -> dict[str, GraphQLField]:
            type_ = graphql_core_schema(schema).get_type(name)
            assert isinstance(type_, GraphQLObjectType)
            return type_.fields

        tenant = fields("Tenant")

        assert set(fields("User")["effectiveGroups"].args) == {"first", "after"}
        assert set(fields("Group")["effectiveMembers"].args) == {"first", "after"}
        assert set(tenant["users"].args) == {
            *("first", "after", "last", "before", "filter", "orderBy", "search")
        }
        assert "search" not in tenant["sessions"].args  # sessions have no searchable field
        assert str(tenant["users"].args["filter"].type) == "UserFilter"
