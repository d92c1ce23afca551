"""Audit log queries over GraphQL: the list, one event, node(id:), and no way to write."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from graphql import GraphQLList, GraphQLNamedType, GraphQLNonNull, GraphQLObjectType
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import AuditEvent, Tenant
from schema.schema import schema
from schema.strawberry_private import graphql_core_schema
from tests.conftest import GraphQLClient
from tests.factories import create_partner, create_tenant
from tests.factories_audit import create_audit_event
from tests.tokens import Tokens

Sessions = async_sessionmaker[AsyncSession]

AUDIT_EVENTS = """
query ($first: Int, $after: String, $filter: AuditEventFilter) {
  auditEvents(first: $first, after: $after, filter: $filter) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage endCursor }
    nodes { id action tenantId partnerId result }
  }
}
"""

AUDIT_EVENT = """
query ($id: ID!) {
  auditEvent(id: $id) {
    id createdAt actorId actorType actorRole partnerId tenantId action resourceType
    resourceId result metadata ip userAgent requestId
  }
}
"""

NODE = """
query ($id: ID!) { node(id: $id) { __typename id ... on AuditEvent { action } } }
"""

CREATE_TENANT = """
mutation ($input: CreateTenantInput!) { createTenant(input: $input) { id } }
"""

T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def ids(result: dict[str, Any]) -> list[str]:
    return [node["id"] for node in result["data"]["auditEvents"]["nodes"]]


def refusal(result: dict[str, Any]) -> tuple[str, str]:
    error = result["errors"][0]
    return error["extensions"]["code"], error["message"]


class Scene:
    """Partner P with tenants T and S, partner Q with tenant U; one event in each tenant
    and one filed under no tenant, a minute apart (T's is the oldest)."""

    def __init__(self, tenants: dict[str, Tenant], events: dict[str, AuditEvent]) -> None:
        self.tenants = tenants
        self.events = events

    def ids(self, *names: str) -> list[str]:
        return [self.events[name].id for name in names]


@pytest.fixture
async def scene(db: None, sessions: Sessions) -> Scene:
    p = await create_partner(sessions)
    q = await create_partner(sessions)
    tenants = {
        "T": await create_tenant(sessions, partner=p),
        "S": await create_tenant(sessions, partner=p),
        "U": await create_tenant(sessions, partner=q),
    }
    events = {
        name: await create_audit_event(
            sessions, tenant=tenant, created_at=T0 + timedelta(minutes=i)
        )
        for i, (name, tenant) in enumerate(tenants.items())
    }
    events["platform"] = await create_audit_event(
        sessions, action="partner.create", created_at=T0 + timedelta(minutes=3)
    )
    return Scene(tenants, events)


class TestAuditEvents:
    async def test_a_write_through_the_api_is_listed_with_who_where_and_how(
        self, db: None, sessions: Sessions, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        # given a tenant created through the API
        partner = await create_partner(sessions)
        created = await gql(
            CREATE_TENANT,
            {"input": {"partnerId": partner.id, "name": "Acme", "slug": "acme-audit"}},
            token=tokens.super_admin(),
        )
        tenant_id = created["data"]["createTenant"]["id"]

        # when
        listed = await gql(
            AUDIT_EVENTS,
            {"filter": {"action": {"eq": "tenant.create"}}},
            token=tokens.super_admin(),
        )
        [event_id] = ids(listed)
        event = (await gql(AUDIT_EVENT, {"id": event_id}, token=tokens.super_admin()))["data"]

        # then
        assert event["auditEvent"] == {
            "id": event_id,
            "createdAt": event["auditEvent"]["createdAt"],
            "actorId": "usr_super",
            "actorType": "user",
            "actorRole": "super_admin",
            "partnerId": partner.id,
            "tenantId": tenant_id,
            "action": "tenant.create",
            "resourceType": "tenant",
            "resourceId": tenant_id,
            "result": "success",
            "metadata": event["auditEvent"]["metadata"],
            "ip": "127.0.0.1",
            "userAgent": event["auditEvent"]["userAgent"],
            "requestId": event["auditEvent"]["requestId"],
        }
        assert event["auditEvent"]["userAgent"].startswith("python-httpx/")
        assert event["auditEvent"]["requestId"]
        created_at = datetime.fromisoformat(event["auditEvent"]["createdAt"])
        assert abs(datetime.now(UTC) - created_at) < timedelta(minutes=5)

    @pytest.mark.parametrize(
        ("caller", "visible"),
        [
            ("super_admin", ["platform", "U", "S", "T"]),
            ("platform_read", ["platform", "U", "S", "T"]),
            ("partner_admin_P", ["S", "T"]),
            ("partner_admin_Q", ["U"]),
            ("tenant_admin_T", ["T"]),
            ("tenant_admin_S", ["S"]),
        ],
    )
    async def test_each_admin_sees_its_own_scope_newest_first(
        self, scene: Scene, gql: GraphQLClient, tokens: Tokens, caller: str, visible: list[str]
    ) -> None:
        token = {
            "super_admin": tokens.super_admin,
            "platform_read": lambda: tokens.platform("admin:read"),
            "partner_admin_P": lambda: tokens.partner_admin(scene.tenants["T"].partner_id),
            "partner_admin_Q": lambda: tokens.partner_admin(scene.tenants["U"].partner_id),
            "tenant_admin_T": lambda: tokens.tenant_admin(scene.tenants["T"].id),
            "tenant_admin_S": lambda: tokens.tenant_admin(scene.tenants["S"].id),
        }[caller]()

        result = await gql(AUDIT_EVENTS, token=token)

        assert ids(result) == scene.ids(*visible)
        assert result["data"]["auditEvents"]["totalCount"] == len(visible)

    async def test_a_filter_on_another_tenant_does_not_widen_the_scope(
        self, scene: Scene, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        result = await gql(
            AUDIT_EVENTS,
            {"filter": {"tenantId": {"eq": scene.tenants["U"].id}}},
            token=tokens.tenant_admin(scene.tenants["T"].id),
        )

        assert ids(result) == []

    async def test_a_platform_token_without_a_scope_is_refused(
        self, scene: Scene, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        result = await gql(AUDIT_EVENTS, token=tokens.platform())

        assert refusal(result) == (
            "FORBIDDEN",
            "Platform token requires admin:read or admin:write scope",
        )

    async def test_pages_follow_each_other_without_overlap(
        self, scene: Scene, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        token = tokens.super_admin()

        first = await gql(AUDIT_EVENTS, {"first": 3}, token=token)
        cursor = first["data"]["auditEvents"]["pageInfo"]["endCursor"]
        second = await gql(AUDIT_EVENTS, {"first": 3, "after": cursor}, token=token)

        assert ids(first) + ids(second) == scene.ids("platform", "U", "S", "T")
        assert first["data"]["auditEvents"]["pageInfo"]["hasNextPage"] is True
        assert second["data"]["auditEvents"]["pageInfo"] == {
            "hasNextPage": False,
            "hasPreviousPage": True,
            "endCursor": second["data"]["auditEvents"]["pageInfo"]["endCursor"],
        }
        assert second["data"]["auditEvents"]["totalCount"] == 4


class TestAuditEventFilters:
    @pytest.mark.parametrize(
        ("field", "value", "matches"),
        [
            ("action", "user.create", True),
            ("action", "user.delete", False),
            ("actorId", "usr_someone", True),
            ("actorId", "usr_nobody", False),
            ("actorType", "SERVICE", True),
            ("actorType", "USER", False),
            ("resourceType", "user", True),
            ("resourceType", "group", False),
            ("resourceId", "usr_target", True),
            ("resourceId", "usr_other", False),
            ("result", "DENIED", True),
            ("result", "SUCCESS", False),
        ],
    )
    async def test_each_condition_narrows_the_list(
        self,
        db: None,
        sessions: Sessions,
        gql: GraphQLClient,
        tokens: Tokens,
        field: str,
        value: str,
        matches: bool,
    ) -> None:
        # given one event that has every value of the matching cases, and one that has none
        tenant = await create_tenant(sessions, partner=await create_partner(sessions))
        target = await create_audit_event(
            sessions,
            tenant=tenant,
            action="user.create",
            actor_id="usr_someone",
            actor_type="service",
            resource_type="user",
            resource_id="usr_target",
            result="denied",
        )
        await create_audit_event(
            sessions,
            tenant=tenant,
            action="tenant.update",
            actor_id="usr_else",
            actor_type="anonymous",
            resource_type="tenant",
            resource_id=tenant.id,
            result="failure",
        )

        # when
        result = await gql(
            AUDIT_EVENTS, {"filter": {field: {"eq": value}}}, token=tokens.super_admin()
        )

        # then
        assert ids(result) == ([target.id] if matches else [])

    async def test_tenant_and_partner_pick_a_scope_within_the_callers(
        self, scene: Scene, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        partner_id = scene.tenants["T"].partner_id
        token = tokens.partner_admin(partner_id)

        by_tenant = await gql(
            AUDIT_EVENTS, {"filter": {"tenantId": {"eq": scene.tenants["S"].id}}}, token=token
        )
        by_partner = await gql(
            AUDIT_EVENTS,
            {"filter": {"partnerId": {"eq": partner_id}}},
            token=tokens.super_admin(),
        )

        assert ids(by_tenant) == scene.ids("S")
        assert ids(by_partner) == scene.ids("S", "T")

    async def test_since_is_inclusive_and_until_exclusive(
        self, scene: Scene, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        window = {
            "since": (T0 + timedelta(minutes=1)).isoformat(),
            "until": (T0 + timedelta(minutes=3)).isoformat(),
        }

        result = await gql(AUDIT_EVENTS, {"filter": window}, token=tokens.super_admin())

        assert ids(result) == scene.ids("U", "S")

    async def test_a_time_without_an_offset_is_utc(
        self, scene: Scene, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        naive = (T0 + timedelta(minutes=2)).replace(tzinfo=None).isoformat()
        shifted = (T0 + timedelta(minutes=2)).astimezone(timezone(timedelta(hours=-5))).isoformat()

        as_utc = await gql(AUDIT_EVENTS, {"filter": {"since": naive}}, token=tokens.super_admin())
        with_offset = await gql(
            AUDIT_EVENTS, {"filter": {"since": shifted}}, token=tokens.super_admin()
        )

        assert ids(as_utc) == ids(with_offset) == scene.ids("platform", "U")

    @pytest.mark.parametrize(
        ("given", "message"),
        [
            (
                {"since": "2025-03-02T00:00:00Z", "until": "2025-03-01T00:00:00Z"},
                "filter.until: must not be earlier than since",
            ),
            (
                {"or": [{"createdAt": {"gte": "2025-03-02T00:00:00"}}]},
                "filter.or[0].createdAt.gte: must carry a time zone",
            ),
        ],
    )
    async def test_a_condition_that_cannot_hold_is_refused(
        self, db: None, gql: GraphQLClient, tokens: Tokens, given: dict[str, Any], message: str
    ) -> None:
        result = await gql(AUDIT_EVENTS, {"filter": given}, token=tokens.super_admin())

        assert refusal(result) == ("BAD_USER_INPUT", message)

    @pytest.mark.parametrize(
        ("given", "enum"),
        [
            ({"actorType": {"eq": "ROBOT"}}, "ActorType"),
            ({"result": {"in": ["OK"]}}, "AuditResult"),
        ],
    )
    async def test_a_value_outside_the_enum_is_refused_naming_it(
        self, db: None, gql: GraphQLClient, tokens: Tokens, given: dict[str, Any], enum: str
    ) -> None:
        result = await gql(AUDIT_EVENTS, {"filter": given}, token=tokens.super_admin())

        code, message = refusal(result)
        assert code == "BAD_USER_INPUT"
        assert f"'{enum}'" in message

    async def test_a_time_that_is_not_iso_8601_is_refused(
        self, db: None, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        result = await gql(
            AUDIT_EVENTS, {"filter": {"since": "yesterday"}}, token=tokens.super_admin()
        )

        assert result["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
        assert "since" in result["errors"][0]["message"]


class TestAuditEvent:
    async def test_reads_an_event_in_scope(
        self, scene: Scene, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        event = scene.events["T"]

        result = await gql(
            AUDIT_EVENT, {"id": event.id}, token=tokens.tenant_admin(scene.tenants["T"].id)
        )

        assert result["data"]["auditEvent"]["id"] == event.id
        assert result["data"]["auditEvent"]["tenantId"] == scene.tenants["T"].id

    @pytest.mark.parametrize("name", ["S", "U", "platform"])
    async def test_an_event_outside_the_scope_is_not_found(
        self, scene: Scene, gql: GraphQLClient, tokens: Tokens, name: str
    ) -> None:
        event_id = scene.events[name].id

        result = await gql(
            AUDIT_EVENT, {"id": event_id}, token=tokens.tenant_admin(scene.tenants["T"].id)
        )

        assert refusal(result) == ("NOT_FOUND", f"Audit event {event_id} not found")

    async def test_node_dispatches_on_the_aud_prefix(
        self, scene: Scene, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        event = scene.events["U"]
        partner_q = scene.tenants["U"].partner_id

        seen = await gql(NODE, {"id": event.id}, token=tokens.partner_admin(partner_q))
        hidden = await gql(
            NODE, {"id": event.id}, token=tokens.partner_admin(scene.tenants["T"].partner_id)
        )

        assert seen["data"]["node"] == {
            "__typename": "AuditEvent",
            "id": event.id,
            "action": "user.update",
        }
        assert refusal(hidden)[0] == "NOT_FOUND"


class TestTheLogIsReadOnly:
    def test_no_mutation_returns_or_takes_an_audit_event(self) -> None:
        mutation = graphql_core_schema(schema).mutation_type
        assert mutation is not None

        touching = [
            name
            for name, field in mutation.fields.items()
            if "audit" in name.lower() or _named(field.type).name == "AuditEvent"
        ]

        assert touching == []

    def test_no_type_but_the_audit_queries_and_the_feed_returns_events(self) -> None:
        fields = [
            f"{type_name}.{name}"
            for type_name, graphql_type in graphql_core_schema(schema).type_map.items()
            if isinstance(graphql_type, GraphQLObjectType) and not type_name.startswith("__")
            for name, field in graphql_type.fields.items()
            if _named(field.type).name in ("AuditEvent", "AuditEventConnection")
        ]

        assert sorted(fields) == [
            "AuditEventConnection.nodes",
            "AuditEventEdge.node",
            "Query.auditEvent",
            "Query.auditEvents",
            "Subscription.auditEvents",
        ]


def _named(graphql_type: Any) -> GraphQLNamedType:
    while isinstance(graphql_type, GraphQLNonNull | GraphQLList):
        graphql_type = graphql_type.of_type
    named: GraphQLNamedType = graphql_type
    return named
