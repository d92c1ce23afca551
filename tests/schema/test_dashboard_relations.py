"""The relations dashboards read: `User.sessions`, `Tenant.sessions`, `Partner.users`,
`Partner.sessions`, derived from the descriptors (`resolvers.declared_relations`)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.principals import Principal, Role
from db.base import utcnow
from db.models import Partner, Tenant, User
from resolvers import resources
from resolvers.declared_relations import declared
from resolvers.relations_sql import PARENT_IDS, DescribedRelation
from resolvers.sessions import SESSIONS_BY_TENANT_ID, SESSIONS_BY_USER_ID
from resolvers.users import USERS_BY_PARTNER_ID, USERS_BY_TENANT_ID
from tests.conftest import GraphQLClient
from tests.factories import create_partner, create_tenant, create_user
from tests.factories_sessions import create_admin, create_session
from tests.tokens import Tokens

Sessions = async_sessionmaker[AsyncSession]

USER_SESSIONS = """
query ($id: ID!, $first: Int, $after: String) {
  user(id: $id) {
    sessions(first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { cursor node { id active } }
      nodes { id userId tenantId }
    }
  }
}
"""

TENANT_SESSIONS = """
query ($id: ID!) {
  tenant(id: $id) { sessions(first: 10) { totalCount nodes { id active } } }
}
"""

PARTNER_COUNTS = """
query {
  partners(first: 10) {
    nodes { id tenants { totalCount } users { totalCount } sessions { totalCount } }
  }
}
"""

DASHBOARD = """
query {
  tenants(first: 10) {
    nodes { id users { totalCount } sessions { totalCount nodes { id } } }
  }
}
"""


async def a_tenant_with_sessions(sessions: Sessions) -> tuple[Partner, Tenant, User, list[Any]]:
    """A tenant whose admin has three sessions: two live, one ended."""
    partner = await create_partner(sessions)
    tenant = await create_tenant(sessions, partner=partner)
    admin = await create_admin(sessions, tenant=tenant, password=None)
    rows = [
        await create_session(sessions, user=admin, partner_id=partner.id),
        await create_session(sessions, user=admin, partner_id=partner.id, expired=True),
        await create_session(sessions, user=admin, partner_id=partner.id),
    ]
    return partner, tenant, admin, rows


class TestUserSessions:
    async def test_pages_the_users_sessions_oldest_first(
        self, db: None, sessions: Sessions, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        # given
        _, tenant, admin, rows = await a_tenant_with_sessions(sessions)
        other = await create_admin(sessions, tenant=tenant, password=None)
        await create_session(sessions, user=other, partner_id=tenant.partner_id)

        # when
        first = await gql(USER_SESSIONS, {"id": admin.id, "first": 2}, token=tokens.super_admin())
        cursor = first["data"]["user"]["sessions"]["pageInfo"]["endCursor"]
        rest = await gql(
            USER_SESSIONS,
            {"id": admin.id, "first": 2, "after": cursor},
            token=tokens.super_admin(),
        )

        # then
        page = first["data"]["user"]["sessions"]
        assert page["totalCount"] == 3
        assert page["pageInfo"]["hasNextPage"] is True
        assert page["pageInfo"]["hasPreviousPage"] is False
        assert [n["id"] for n in page["nodes"]] == [r.id for r in rows[:2]]
        assert {(n["userId"], n["tenantId"]) for n in page["nodes"]} == {(admin.id, tenant.id)}
        assert [e["node"] for e in page["edges"]] == [
            {"id": rows[0].id, "active": True},
            {"id": rows[1].id, "active": False},
        ]
        assert page["edges"][-1]["cursor"] == cursor
        later = rest["data"]["user"]["sessions"]
        assert [n["id"] for n in later["nodes"]] == [rows[2].id]
        assert later["pageInfo"]["hasNextPage"] is False
        assert later["pageInfo"]["hasPreviousPage"] is True

    async def test_a_tenant_admin_of_another_tenant_reads_nothing(
        self, db: None, sessions: Sessions, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        partner, _, admin, _ = await a_tenant_with_sessions(sessions)
        sibling = await create_tenant(sessions, partner=partner)

        body = await gql(USER_SESSIONS, {"id": admin.id}, token=tokens.tenant_admin(sibling.id))

        assert body["data"] == {"user": None}
        assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"


class TestTenantSessions:
    async def test_counts_and_lists_the_tenants_sessions(
        self, db: None, sessions: Sessions, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        # given: sessions in the tenant and in another one
        partner, tenant, _, rows = await a_tenant_with_sessions(sessions)
        elsewhere = await create_tenant(sessions, partner=partner)
        stranger = await create_admin(sessions, tenant=elsewhere, password=None)
        await create_session(sessions, user=stranger, partner_id=partner.id)

        # when
        body = await gql(TENANT_SESSIONS, {"id": tenant.id}, token=tokens.tenant_admin(tenant.id))

        # then
        page = body["data"]["tenant"]["sessions"]
        assert page["totalCount"] == 3
        assert page["nodes"] == [
            {"id": rows[0].id, "active": True},
            {"id": rows[1].id, "active": False},
            {"id": rows[2].id, "active": True},
        ]

    async def test_a_dashboard_reads_users_and_sessions_of_every_tenant_in_fixed_statements(
        self, db: None, sessions: Sessions, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        # given: two tenants of one partner
        partner, tenant, _, rows = await a_tenant_with_sessions(sessions)
        quiet = await create_tenant(sessions, partner=partner)
        await create_user(sessions, tenant=quiet)
        await create_user(sessions, tenant=quiet)

        # when
        body = await gql(DASHBOARD, token=tokens.partner_admin(partner.id))
        for _ in range(3):
            more = await create_tenant(sessions, partner=partner)
            admin = await create_admin(sessions, tenant=more, password=None)
            await create_session(sessions, user=admin, partner_id=partner.id)
        bigger = await gql(DASHBOARD, token=tokens.partner_admin(partner.id))

        # then
        assert body["data"]["tenants"]["nodes"] == [
            {
                "id": tenant.id,
                "users": {"totalCount": 1},
                "sessions": {"totalCount": 3, "nodes": [{"id": r.id} for r in rows]},
            },
            {
                "id": quiet.id,
                "users": {"totalCount": 2},
                "sessions": {"totalCount": 0, "nodes": []},
            },
        ]
        assert len(bigger["data"]["tenants"]["nodes"]) == 5
        # one statement per relation level, however many tenants there are
        assert bigger["_statements"] == body["_statements"]


class TestPartnerCounts:
    async def test_a_partner_counts_the_users_and_sessions_of_its_live_tenants(
        self, db: None, sessions: Sessions, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        # given: a partner with a live tenant (1 admin, 3 sessions, 1 more user, 1 deleted
        # user), a deleted tenant with a user left live, and another partner
        partner, tenant, _, _ = await a_tenant_with_sessions(sessions)
        await create_user(sessions, tenant=tenant)
        await create_user(sessions, tenant=tenant, deleted_at=utcnow())
        gone = await create_tenant(sessions, partner=partner, deleted_at=utcnow())
        await create_user(sessions, tenant=gone)
        other = await create_partner(sessions)
        await create_user(sessions, tenant=await create_tenant(sessions, partner=other))

        # when
        body = await gql(PARTNER_COUNTS, token=tokens.super_admin())

        # then
        assert body["data"]["partners"]["nodes"] == [
            {
                "id": partner.id,
                "tenants": {"totalCount": 1},
                "users": {"totalCount": 2},
                "sessions": {"totalCount": 3},
            },
            {
                "id": other.id,
                "tenants": {"totalCount": 1},
                "users": {"totalCount": 1},
                "sessions": {"totalCount": 0},
            },
        ]


PRINCIPALS = {
    "tenant admin": lambda t: Principal(
        role=Role.TENANT_ADMIN, subject="usr_x", partner_id=t.partner_id, tenant_id=t.id
    ),
    "partner admin": lambda t: Principal(
        role=Role.PARTNER_ADMIN, subject="usr_x", partner_id=t.partner_id
    ),
}


class TestDerivedStatements:
    """The statements keep to the target's scope whichever parents they are asked about."""

    @pytest.mark.parametrize("caller", list(PRINCIPALS))
    async def test_sessions_of_users_outside_the_callers_scope_are_left_out(
        self, caller: str, db: None, sessions: Sessions
    ) -> None:
        # given: a user in the caller's tenant and one under another partner
        _, tenant, admin, rows = await a_tenant_with_sessions(sessions)
        _, _, stranger, _ = await a_tenant_with_sessions(sessions)
        principal = PRINCIPALS[caller](tenant)

        # when
        async with sessions() as session:
            found = await related(session, SESSIONS_BY_USER_ID, [admin.id, stranger.id], principal)

        # then
        assert sorted((row.parent_key, row.id) for row in found) == sorted(
            (admin.id, r.id) for r in rows
        )

    async def test_a_partners_users_leave_out_deleted_users_and_deleted_tenants(
        self, db: None, sessions: Sessions
    ) -> None:
        partner = await create_partner(sessions)
        live = await create_user(sessions, tenant=await create_tenant(sessions, partner=partner))
        gone = await create_tenant(sessions, partner=partner, deleted_at=utcnow())
        await create_user(sessions, tenant=gone)
        principal = Principal(role=Role.SUPER_ADMIN, subject="usr_root")

        async with sessions() as session:
            found = await related(session, USERS_BY_PARTNER_ID, [partner.id], principal)
            in_tenant = await related(session, SESSIONS_BY_TENANT_ID, [gone.id], principal)

        assert [(row.parent_key, row.id) for row in found] == [(partner.id, live.id)]
        assert in_tenant == []

    def test_only_to_many_relations_that_are_not_closures_are_derived(self) -> None:
        with pytest.raises(ValueError, match="only to-many relations"):
            declared(resources.SSO_SESSION, "user")
        with pytest.raises(ValueError, match="only to-many relations"):
            declared(resources.USER, "effective_groups")

    async def test_a_tenants_users_are_its_live_users_the_caller_may_see(
        self, db: None, sessions: Sessions
    ) -> None:
        partner = await create_partner(sessions)
        tenants = [await create_tenant(sessions, partner=partner) for _ in range(2)]
        live = [await create_user(sessions, tenant=tenant) for tenant in tenants]
        for tenant in tenants:
            await create_user(sessions, tenant=tenant, deleted_at=utcnow())
        principal = PRINCIPALS["tenant admin"](tenants[0])
        ids = [t.id for t in tenants]

        async with sessions() as session:
            found = await related(session, USERS_BY_TENANT_ID, ids, principal)

        assert declared(resources.TENANT, "users") == USERS_BY_TENANT_ID
        assert [(r.parent_key, r.id) for r in found] == [(tenants[0].id, live[0].id)]


async def related(
    session: AsyncSession, relation: DescribedRelation, parent_ids: list[str], principal: Principal
) -> list[Any]:
    """The rows `relation` relates to `parent_ids` for `principal`, no listing arguments."""
    statement = relation.related(principal, None, session.get_bind().dialect.name)
    return list((await session.execute(statement, {PARENT_IDS: parent_ids})).all())
