"""The audit list as a described root list: `AuditEventFilter` operators, `orderBy`, keyset
pages both ways, `countBy`, all within the caller's scope."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import AuditEvent, Tenant
from schema.planner import PLANNER_FIGURES
from tests.conftest import GraphQLClient
from tests.factories import create_partner, create_tenant
from tests.factories_audit import create_audit_event
from tests.tokens import Tokens, bearer

Sessions = async_sessionmaker[AsyncSession]

LIST = """
query ($first: Int, $after: String, $last: Int, $before: String,
       $filter: AuditEventFilter, $orderBy: [AuditEventOrderBy!]) {
  auditEvents(first: $first, after: $after, last: $last, before: $before,
              filter: $filter, orderBy: $orderBy) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    nodes { id }
  }
}
"""

COUNTS = """
query ($filter: AuditEventFilter) {
  auditEvents(first: 1, filter: $filter) {
    totalCount
    byDay: countBy(field: CREATED_DAY) { key count }
    byResult: countBy(field: RESULT) { key count }
    byAction: countBy(field: ACTION) { key count }
  }
}
"""

D0 = datetime(2025, 3, 1, tzinfo=UTC)
D1 = D0 + timedelta(days=1)
D2 = D0 + timedelta(days=2)
T = "T"  # the tenant of partner P
U = "U"  # the tenant of partner Q

# name: (tenant, action, result, actor type, actor id, resource type, resource id, hours
# after D0). Oldest first; ids follow times, so the default order (newest first) is fedcba.
EVENTS: dict[str, tuple[str | None, str, str, str, str | None, str | None, str | None, int]]
EVENTS = {
    "a": (T, "auth.sign_in", "success", "user", "usr_a", None, None, 10),
    "b": (T, "auth.sign_in", "failure", "anonymous", None, None, None, 11),
    "c": (T, "user.create", "success", "user", "usr_a", "user", "usr_c", 24 + 9),
    "d": (T, "user.delete", "denied", "service", "app_x", "user", "usr_c", 24 + 12),
    "e": (U, "auth.token_rejected", "denied", "anonymous", None, None, None, 48 + 8),
    "f": (None, "partner.create", "success", "user", "usr_s", "partner", "ptn_f", 48 + 9),
}


class Scene:
    def __init__(self, tenants: dict[str, Tenant], events: dict[str, AuditEvent]) -> None:
        self.tenants = tenants
        self.events = events

    def ids(self, names: str) -> list[str]:
        return [self.events[name].id for name in names]

    def names(self, result: dict[str, Any]) -> str:
        assert "errors" not in result, result["errors"]
        by_id = {event.id: name for name, event in self.events.items()}
        return "".join(by_id[node["id"]] for node in result["data"]["auditEvents"]["nodes"])


@pytest.fixture
async def scene(db: None, sessions: Sessions) -> Scene:
    tenants = {
        T: await create_tenant(sessions, partner=await create_partner(sessions)),
        U: await create_tenant(sessions, partner=await create_partner(sessions)),
    }
    events = {}
    for name, given in EVENTS.items():
        tenant, action, result, actor_type, actor_id, resource_type, resource_id, hours = given
        events[name] = await create_audit_event(
            sessions,
            tenant=tenants[tenant] if tenant else None,
            action=action,
            result=result,
            created_at=D0 + timedelta(hours=hours),
            actor_type=actor_type,
            actor_id=actor_id,
            resource_type=resource_type,
            resource_id=resource_id,
        )
    return Scene(tenants, events)


def _at(moment: datetime) -> str:
    return moment.isoformat()


# filter → the events kept, newest first. "$T"/"$Q" stand for tenant T and U's partner.
OPERATORS: list[tuple[dict[str, Any], str]] = [
    ({"action": {"eq": "user.create"}}, "c"),
    ({"action": {"ne": "user.create"}}, "fedba"),
    ({"action": {"in": ["user.create", "user.delete"]}}, "dc"),
    ({"action": {"notIn": ["user.create", "user.delete"]}}, "feba"),
    ({"action": {"contains": "SIGN"}}, "ba"),
    ({"action": {"startsWith": "auth."}}, "eba"),
    ({"action": {"endsWith": ".CREATE"}}, "fc"),
    ({"action": {"contains": "%"}}, ""),
    ({"action": {"isNull": False}}, "fedcba"),
    ({"result": {"eq": "FAILURE"}}, "b"),
    ({"result": {"ne": "SUCCESS"}}, "edb"),
    ({"result": {"in": ["FAILURE", "DENIED"]}}, "edb"),
    ({"result": {"notIn": ["FAILURE", "DENIED"]}}, "fca"),
    ({"actorType": {"eq": "ANONYMOUS"}}, "eb"),
    ({"actorType": {"in": ["SERVICE", "ANONYMOUS"]}}, "edb"),
    ({"actorType": {"notIn": ["USER"]}}, "edb"),
    ({"actorType": {"ne": "USER"}}, "edb"),
    ({"actorId": {"eq": "usr_a"}}, "ca"),
    ({"actorId": {"ne": "usr_a"}}, "fedb"),
    ({"actorId": {"isNull": True}}, "eb"),
    ({"actorId": {"in": ["app_x", "usr_s"]}}, "fd"),
    ({"actorId": {"notIn": ["app_x", "usr_s"]}}, "ecba"),
    ({"resourceType": {"isNull": False}}, "fdc"),
    ({"resourceType": {"startsWith": "US"}}, "dc"),
    ({"resourceId": {"eq": "usr_c"}}, "dc"),
    ({"tenantId": {"eq": "$T"}}, "dcba"),
    ({"tenantId": {"isNull": True}}, "f"),
    ({"partnerId": {"in": ["$Q"]}}, "e"),
    ({"requestId": {"isNull": True}}, "fedcba"),
    ({"createdAt": {"gte": _at(D1)}}, "fedc"),
    ({"createdAt": {"lt": _at(D1)}}, "ba"),
    ({"createdAt": {"lte": _at(D1 + timedelta(hours=9))}}, "cba"),
    ({"createdAt": {"gt": _at(D1 + timedelta(hours=9))}}, "fed"),
    ({"createdAt": {"eq": _at(D0 + timedelta(hours=10))}}, "a"),
    ({"since": _at(D1), "until": _at(D2)}, "dc"),
    ({"since": _at(D1).removesuffix("+00:00")}, "fedc"),
    ({"and": [{"action": {"startsWith": "auth."}}, {"result": {"eq": "SUCCESS"}}]}, "a"),
    ({"or": [{"result": {"eq": "DENIED"}}, {"actorId": {"isNull": True}}]}, "edb"),
    ({"not": {"action": {"startsWith": "auth."}}}, "fdc"),
    ({"not": {"actorId": {"ne": "usr_a"}}}, "ca"),
]


def _bound(value: Any, scene: Scene) -> Any:
    if isinstance(value, dict):
        return {key: _bound(item, scene) for key, item in value.items()}
    if isinstance(value, list):
        return [_bound(item, scene) for item in value]
    return {"$T": scene.tenants[T].id, "$Q": scene.tenants[U].partner_id}.get(value, value)


class TestFilter:
    @pytest.mark.parametrize(("given", "kept"), OPERATORS, ids=[str(f) for f, _ in OPERATORS])
    async def test_each_operator_keeps_what_it_says(
        self, scene: Scene, gql: GraphQLClient, tokens: Tokens, given: dict[str, Any], kept: str
    ) -> None:
        result = await gql(LIST, {"filter": _bound(given, scene)}, token=tokens.super_admin())

        assert scene.names(result) == kept
        assert result["data"]["auditEvents"]["totalCount"] == len(kept)

    async def test_a_filter_never_widens_the_callers_scope(
        self, scene: Scene, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        # a tenant admin of T asks for U's events and everything denied, in every way
        widening = {
            "or": [
                {"tenantId": {"eq": scene.tenants[U].id}},
                {"result": {"in": ["DENIED"]}},
                {"not": {"tenantId": {"eq": scene.tenants[T].id}}},
            ]
        }

        result = await gql(
            LIST, {"filter": widening}, token=tokens.tenant_admin(scene.tenants[T].id)
        )

        assert scene.names(result) == "d"

    async def test_an_unknown_field_is_refused_naming_its_path(
        self, db: None, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        result = await gql(
            LIST,
            {"filter": {"or": [{"action": {"in": ["x"] * 101}}]}},
            token=tokens.super_admin(),
        )

        error = result["errors"][0]
        assert (error["extensions"]["code"], error["message"]) == (
            "BAD_USER_INPUT",
            "filter.or[0].action.in: holds more than 100 values",
        )


class TestOrderAndPages:
    async def test_without_order_the_list_is_newest_first_and_pages_forwards_by_key(
        self, scene: Scene, sessions: Sessions, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        token = tokens.super_admin()
        first = await gql(LIST, {"first": 2}, token=token)
        # an event written between two pages is before the cursor: nothing repeats or is lost
        await create_audit_event(sessions, created_at=D2 + timedelta(days=1))
        cursor = first["data"]["auditEvents"]["pageInfo"]["endCursor"]
        second = await gql(LIST, {"first": 2, "after": cursor}, token=token)
        cursor = second["data"]["auditEvents"]["pageInfo"]["endCursor"]
        third = await gql(LIST, {"first": 2, "after": cursor}, token=token)

        assert [scene.names(page) for page in (first, second, third)] == ["fe", "dc", "ba"]
        assert third["data"]["auditEvents"]["pageInfo"]["hasNextPage"] is False
        assert third["data"]["auditEvents"]["pageInfo"]["hasPreviousPage"] is True

    async def test_last_and_before_page_backwards(
        self, scene: Scene, sessions: Sessions, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        token = tokens.super_admin()
        last = await gql(LIST, {"last": 2}, token=token)
        # an event older than every other one sorts last: past the cursor, so not repeated
        await create_audit_event(sessions, created_at=D0 - timedelta(days=1))
        cursor = last["data"]["auditEvents"]["pageInfo"]["startCursor"]
        before = await gql(LIST, {"last": 2, "before": cursor}, token=token)
        cursor = before["data"]["auditEvents"]["pageInfo"]["startCursor"]
        earliest = await gql(LIST, {"last": 2, "before": cursor}, token=token)

        assert [scene.names(page) for page in (last, before, earliest)] == ["ba", "dc", "fe"]
        assert last["data"]["auditEvents"]["pageInfo"]["hasPreviousPage"] is True
        assert earliest["data"]["auditEvents"]["pageInfo"] == {
            **earliest["data"]["auditEvents"]["pageInfo"],
            "hasPreviousPage": False,
            "hasNextPage": True,
        }

    @pytest.mark.parametrize(
        ("order", "expected"),
        [
            (["CREATED_AT_ASC"], "abcdef"),
            (["CREATED_AT_DESC"], "fedcba"),
            (["ID_ASC"], "abcdef"),
            # stored lower case: denied < failure < success; ties by id, ascending
            (["RESULT_ASC"], "debacf"),
            (["RESULT_DESC", "CREATED_AT_DESC"], "fcabed"),
            (["ACTION_ASC"], "abefcd"),
        ],
    )
    async def test_order_by(
        self, scene: Scene, gql: GraphQLClient, tokens: Tokens, order: list[str], expected: str
    ) -> None:
        result = await gql(LIST, {"orderBy": order}, token=tokens.super_admin())

        assert scene.names(result) == expected

    async def test_an_ordered_list_pages_both_ways_by_its_order(
        self, scene: Scene, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        token = tokens.super_admin()
        order = {"orderBy": ["RESULT_ASC"]}
        first = await gql(LIST, {**order, "first": 4}, token=token)
        cursor = first["data"]["auditEvents"]["pageInfo"]["endCursor"]
        rest = await gql(LIST, {**order, "first": 4, "after": cursor}, token=token)
        back = await gql(LIST, {**order, "last": 3, "before": cursor}, token=token)

        assert (scene.names(first), scene.names(rest), scene.names(back)) == ("deba", "cf", "deb")

    async def test_a_cursor_of_another_order_is_refused(
        self, scene: Scene, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        token = tokens.super_admin()
        first = await gql(LIST, {"first": 1}, token=token)
        cursor = first["data"]["auditEvents"]["pageInfo"]["endCursor"]

        result = await gql(LIST, {"after": cursor, "orderBy": ["ACTION_ASC"]}, token=token)

        assert result["errors"][0]["message"] == (
            "after: was made for orderBy ID_DESC, not ACTION_ASC,ID_ASC"
        )


class TestCountBy:
    async def test_counts_by_day_result_and_action_over_what_the_filter_keeps(
        self, scene: Scene, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        result = await gql(
            COUNTS, {"filter": {"createdAt": {"gte": _at(D1)}}}, token=tokens.super_admin()
        )

        counted = result["data"]["auditEvents"]
        assert counted["totalCount"] == 4
        assert counted["byDay"] == [
            {"key": "2025-03-02", "count": 2},
            {"key": "2025-03-03", "count": 2},
        ]
        assert counted["byResult"] == [
            {"key": "DENIED", "count": 2},
            {"key": "SUCCESS", "count": 2},
        ]
        assert counted["byAction"] == [
            {"key": "auth.token_rejected", "count": 1},
            {"key": "partner.create", "count": 1},
            {"key": "user.create", "count": 1},
            {"key": "user.delete", "count": 1},
        ]

    async def test_counts_only_the_callers_scope(
        self, scene: Scene, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        result = await gql(COUNTS, token=tokens.partner_admin(scene.tenants[U].partner_id))

        counted = result["data"]["auditEvents"]
        assert counted["byDay"] == [{"key": "2025-03-03", "count": 1}]
        assert counted["byResult"] == [{"key": "DENIED", "count": 1}]
        assert counted["byAction"] == [{"key": "auth.token_rejected", "count": 1}]


class TestPlanned:
    async def test_the_filtered_ordered_list_is_planned_with_the_same_answer(
        self, scene: Scene, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        document = """query ($f: AuditEventFilter) {
          auditEvents(first: 2, filter: $f, orderBy: [CREATED_AT_ASC]) {
            totalCount nodes { id action result createdAt metadata } } }"""
        variables = {"f": {"result": {"in": ["SUCCESS", "DENIED"]}}}
        planned_before = PLANNER_FIGURES.planned

        response = await http.post(
            "/graphql",
            json={"query": document, "variables": variables},
            headers=bearer(tokens.super_admin()),
        )

        assert PLANNER_FIGURES.planned == planned_before + 1
        body = response.json()["data"]["auditEvents"]
        assert body["totalCount"] == 5
        assert [node["id"] for node in body["nodes"]] == scene.ids("ac")
        assert [node["result"] for node in body["nodes"]] == ["success", "success"]
