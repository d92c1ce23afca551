"""GraphQL `sessions`, `session(id)` and `revokeSession(id)`: scoping, filters, revocation."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from db.enums import AdminRole
from db.models import Partner, SsoSession, Tenant
from tests.conftest import GraphQLClient
from tests.factories import create_partner, create_tenant
from tests.factories_sessions import (
    Sessions,
    create_admin,
    create_session,
    events,
    stored_session,
)
from tests.tokens import Tokens

SESSIONS = """
query ($userId: ID, $tenantId: ID, $active: Boolean) {
  sessions(first: 100, userId: $userId, tenantId: $tenantId, active: $active) {
    totalCount nodes { id }
  }
}"""
SESSION = """
query ($id: ID!) {
  session(id: $id) {
    id userId tenantId partnerId adminRole ip userAgent active createdAt expiresAt
    revokedAt revokedReason user { id email } tenant { id }
  }
}"""
REVOKE = """
mutation ($id: ID!) { revokeSession(id: $id) { id active revokedAt revokedReason } }"""
NODE = "query ($id: ID!) { node(id: $id) { id ... on Session { active } } }"


@dataclass
class World:
    partner: Partner
    tenant: Tenant  # T, under P
    sibling: Tenant  # S, under P
    foreign: Tenant  # U, under Q
    in_tenant: SsoSession
    ended_in_tenant: SsoSession
    in_sibling: SsoSession
    in_foreign: SsoSession


@pytest.fixture
async def world(db: None, sessions: Sessions) -> World:
    partner = await create_partner(sessions)
    other = await create_partner(sessions)
    tenant = await create_tenant(sessions, partner=partner)
    sibling = await create_tenant(sessions, partner=partner)
    foreign = await create_tenant(sessions, partner=other)
    admin = await create_admin(sessions, tenant=tenant)

    async def session_in(place: Tenant, owner: Partner, *, expired: bool = False) -> SsoSession:
        user = admin if place is tenant else await create_admin(sessions, tenant=place)
        return await create_session(sessions, user=user, partner_id=owner.id, expired=expired)

    return World(
        partner=partner,
        tenant=tenant,
        sibling=sibling,
        foreign=foreign,
        in_tenant=await session_in(tenant, partner),
        ended_in_tenant=await session_in(tenant, partner, expired=True),
        in_sibling=await session_in(sibling, partner),
        in_foreign=await session_in(foreign, other),
    )


def ids(body: dict[str, object]) -> set[str]:
    data = body["data"]
    assert isinstance(data, dict), body
    return {node["id"] for node in data["sessions"]["nodes"]}


class TestSessions:
    async def test_each_admin_sees_the_sessions_of_its_own_scope(
        self, world: World, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        everything = {
            world.in_tenant.id,
            world.ended_in_tenant.id,
            world.in_sibling.id,
            world.in_foreign.id,
        }

        seen = {
            "super": ids(await gql(SESSIONS, token=tokens.super_admin())),
            "platform": ids(await gql(SESSIONS, token=tokens.platform("admin:read"))),
            "partner": ids(await gql(SESSIONS, token=tokens.partner_admin(world.partner.id))),
            "tenant": ids(await gql(SESSIONS, token=tokens.tenant_admin(world.tenant.id))),
        }

        assert seen == {
            "super": everything,
            "platform": everything,
            "partner": everything - {world.in_foreign.id},
            "tenant": {world.in_tenant.id, world.ended_in_tenant.id},
        }

    @pytest.mark.parametrize(
        ("variables", "expected"),
        [
            ({"active": True}, {"in_tenant", "in_sibling", "in_foreign"}),
            ({"active": False}, {"ended_in_tenant"}),
            ({"tenantId": "sibling"}, {"in_sibling"}),
            ({"userId": "in_foreign"}, {"in_foreign"}),
        ],
    )
    async def test_filters(
        self,
        world: World,
        gql: GraphQLClient,
        tokens: Tokens,
        variables: dict[str, object],
        expected: set[str],
    ) -> None:
        resolved: dict[str, object] = dict(variables)
        if "tenantId" in variables:
            resolved["tenantId"] = getattr(world, str(variables["tenantId"])).id
        if "userId" in variables:
            resolved["userId"] = getattr(world, str(variables["userId"])).user_id

        body = await gql(SESSIONS, resolved, token=tokens.super_admin())

        assert ids(body) == {getattr(world, name).id for name in expected}
        data = body["data"]
        assert isinstance(data, dict)
        assert data["sessions"]["totalCount"] == len(expected)


class TestSession:
    async def test_reads_one_session_with_its_user_and_tenant(
        self, world: World, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        body = await gql(
            SESSION, {"id": world.in_tenant.id}, token=tokens.tenant_admin(world.tenant.id)
        )

        session = body["data"]["session"]
        assert session["userId"] == world.in_tenant.user_id
        assert session["user"]["id"] == world.in_tenant.user_id
        assert session["tenant"] == {"id": world.tenant.id}
        assert (session["partnerId"], session["adminRole"]) == (world.partner.id, "TENANT_ADMIN")
        assert (session["ip"], session["userAgent"]) == ("192.0.2.10", "test-agent")
        assert (session["active"], session["revokedAt"], session["revokedReason"]) == (
            True,
            None,
            None,
        )

    async def test_another_tenants_session_is_not_found(
        self, world: World, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        body = await gql(
            SESSION, {"id": world.in_sibling.id}, token=tokens.tenant_admin(world.tenant.id)
        )

        assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"

    async def test_node_dispatches_on_the_ses_prefix(
        self, world: World, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        body = await gql(NODE, {"id": world.ended_in_tenant.id}, token=tokens.super_admin())

        assert body["data"] == {"node": {"id": world.ended_in_tenant.id, "active": False}}


class TestRevokeSession:
    async def test_ends_the_session_and_records_one_event(
        self, world: World, gql: GraphQLClient, tokens: Tokens, sessions: Sessions
    ) -> None:
        # when
        body = await gql(
            REVOKE, {"id": world.in_tenant.id}, token=tokens.partner_admin(world.partner.id)
        )

        # then
        revoked = body["data"]["revokeSession"]
        assert (revoked["active"], revoked["revokedReason"]) == (False, "revoked_by_admin")
        stored = await stored_session(sessions, world.in_tenant.id)
        assert stored.revoked_at is not None
        [event] = await events(sessions, "session.revoke")
        assert (event.result, event.resource_type, event.resource_id) == (
            "success",
            "session",
            world.in_tenant.id,
        )
        assert (event.tenant_id, event.partner_id) == (world.tenant.id, world.partner.id)
        assert event.event_metadata == {
            "user_id": world.in_tenant.user_id,
            "already_revoked": False,
        }

    async def test_revoking_again_answers_the_session_unchanged(
        self, world: World, gql: GraphQLClient, tokens: Tokens, sessions: Sessions
    ) -> None:
        first = await gql(REVOKE, {"id": world.in_tenant.id}, token=tokens.super_admin())

        again = await gql(REVOKE, {"id": world.in_tenant.id}, token=tokens.super_admin())

        assert again["data"] == first["data"]
        metadata = [e.event_metadata["already_revoked"] for e in await events(sessions)]
        assert metadata == [False, True]

    async def test_a_tenant_admin_cannot_end_a_super_admins_session(
        self, world: World, gql: GraphQLClient, tokens: Tokens, sessions: Sessions
    ) -> None:
        root = await create_admin(sessions, tenant=world.tenant, role=AdminRole.SUPER_ADMIN)
        session = await create_session(sessions, user=root, partner_id=world.partner.id)

        body = await gql(REVOKE, {"id": session.id}, token=tokens.tenant_admin(world.tenant.id))

        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        assert (await stored_session(sessions, session.id)).revoked_at is None

    async def test_a_read_only_platform_token_is_refused(
        self, world: World, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        body = await gql(REVOKE, {"id": world.in_tenant.id}, token=tokens.platform("admin:read"))

        assert body["errors"][0]["message"] == ("Platform token requires admin:write scope")


DELETE_TENANT = "mutation ($id: ID!) { deleteTenant(id: $id) { id } }"
DELETE_PARTNER = "mutation ($id: ID!) { deletePartner(id: $id) { id } }"


class TestDeletingWhatOwnsSessions:
    async def test_deleting_a_tenant_ends_its_sessions_and_no_others(
        self, world: World, gql: GraphQLClient, tokens: Tokens, sessions: Sessions
    ) -> None:
        # when
        body = await gql(DELETE_TENANT, {"id": world.tenant.id}, token=tokens.super_admin())

        # then the tenant's live session is ended, the sibling's is not
        assert "errors" not in body, body
        ended = await stored_session(sessions, world.in_tenant.id)
        assert (ended.revoked_at is not None, ended.revoked_reason) == (True, "tenant_deleted")
        assert (await stored_session(sessions, world.in_sibling.id)).revoked_at is None
        [event] = await events(sessions, "tenant.delete")
        assert event.event_metadata == {"sessions_revoked": 1}

    async def test_deleting_a_partner_ends_the_sessions_of_all_its_tenants(
        self, world: World, gql: GraphQLClient, tokens: Tokens, sessions: Sessions
    ) -> None:
        body = await gql(DELETE_PARTNER, {"id": world.partner.id}, token=tokens.super_admin())

        assert "errors" not in body, body
        for row in (world.in_tenant, world.in_sibling):
            ended = await stored_session(sessions, row.id)
            assert ended.revoked_reason == "partner_deleted"
        assert (await stored_session(sessions, world.in_foreign.id)).revoked_at is None
        # A session that had already expired keeps its history: it was never revoked.
        assert (await stored_session(sessions, world.ended_in_tenant.id)).revoked_at is None
