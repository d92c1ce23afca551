"""Audit events written by the foundation's writes: contents, scope, secrets, atomicity."""

from __future__ import annotations

import json
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import AuditEvent, Tenant, User
from resolvers.audit import REDACTED, redact
from tests.conftest import GraphQLClient
from tests.factories import create_partner, create_tenant, create_user
from tests.tokens import Tokens, bearer

CREATE_USER = """
mutation ($input: CreateUserInput!) { createUser(input: $input) { id } }
"""
RESET_PASSWORD = """
mutation ($id: ID!, $input: ResetPasswordInput) {
  resetUserPassword(id: $id, input: $input) { user { id } temporaryPassword }
}
"""
CREATE_APPLICATION = """
mutation ($input: CreateApplicationInput!) {
  createApplication(input: $input) { application { id } clientSecret }
}
"""
DELETE_PARTNER = "mutation ($id: ID!) { deletePartner(id: $id) { id } }"


async def _events(sessions: async_sessionmaker[AsyncSession]) -> list[AuditEvent]:
    async with sessions() as session:
        statement = select(AuditEvent).order_by(AuditEvent.created_at, AuditEvent.id)
        return list((await session.execute(statement)).scalars())


def _dump(events: list[AuditEvent]) -> str:
    return json.dumps(
        [{c.key: getattr(e, c.key) for c in AuditEvent.__mapper__.column_attrs} for e in events],
        default=str,
    )


class TestEventContents:
    async def test_a_write_records_who_what_where_and_from_which_client(
        self,
        db: None,
        http: httpx.AsyncClient,
        sessions: async_sessionmaker[AsyncSession],
        tokens: Tokens,
    ) -> None:
        # Given a tenant admin of a tenant under partner P
        partner = await create_partner(sessions)
        tenant = await create_tenant(sessions, partner=partner)
        token = tokens.tenant_admin(tenant.id)

        # When it creates a user through REST
        response = await http.post(
            "/api/v1/admin/users",
            json={"email": "ada@example.com", "display_name": "Ada"},
            headers={**bearer(token), "user-agent": "audit-test/1.0", "x-request-id": "req-42"},
        )
        assert response.status_code == 201, response.text

        # Then one event names the actor, the user, its tenant and partner, and the client
        [event] = await _events(sessions)
        assert event.id.startswith("aud_")
        assert (event.action, event.result) == ("user.create", "success")
        assert (event.resource_type, event.resource_id) == ("user", response.json()["id"])
        assert (event.tenant_id, event.partner_id) == (tenant.id, partner.id)
        assert (event.actor_id, event.actor_type, event.actor_role) == (
            "usr_tenant",
            "user",
            "tenant_admin",
        )
        assert event.user_agent == "audit-test/1.0"
        assert event.request_id == "req-42"
        assert event.ip
        assert event.event_metadata["email"] == "ada@example.com"

    async def test_a_platform_token_is_recorded_as_a_service_actor(
        self,
        db: None,
        gql: GraphQLClient,
        sessions: async_sessionmaker[AsyncSession],
        tokens: Tokens,
    ) -> None:
        partner = await create_partner(sessions)
        tenant = await create_tenant(sessions, partner=partner)

        body = await gql(
            CREATE_USER,
            {"input": {"tenantId": tenant.id, "email": "svc@example.com"}},
            token=tokens.platform("admin:write"),
        )

        assert "errors" not in body, body
        [event] = await _events(sessions)
        assert (event.actor_type, event.actor_id) == ("service", "app_platform")


class TestSecretsNeverReachAnEvent:
    async def test_a_chosen_password_is_not_recorded(
        self,
        db: None,
        gql: GraphQLClient,
        sessions: async_sessionmaker[AsyncSession],
        tokens: Tokens,
    ) -> None:
        partner = await create_partner(sessions)
        tenant = await create_tenant(sessions, partner=partner)
        user = await create_user(sessions, tenant=tenant)
        password = "correct-horse-battery-staple-77"

        body = await gql(
            RESET_PASSWORD,
            {"id": user.id, "input": {"password": password}},
            token=tokens.super_admin(),
        )

        assert "errors" not in body, body
        events = await _events(sessions)
        assert [(e.action, e.result) for e in events] == [("user.reset_password", "success")]
        assert password not in _dump(events)

    async def test_generated_passwords_and_client_secrets_are_not_recorded(
        self,
        db: None,
        gql: GraphQLClient,
        sessions: async_sessionmaker[AsyncSession],
        tokens: Tokens,
    ) -> None:
        partner = await create_partner(sessions)
        tenant = await create_tenant(sessions, partner=partner)
        user = await create_user(sessions, tenant=tenant)
        token = tokens.super_admin()

        reset = await gql(RESET_PASSWORD, {"id": user.id}, token=token)
        app = await gql(
            CREATE_APPLICATION,
            {"input": {"level": "GLOBAL", "appType": "SERVICE", "name": "Billing sync"}},
            token=token,
        )

        temporary = reset["data"]["resetUserPassword"]["temporaryPassword"]
        secret = app["data"]["createApplication"]["clientSecret"]
        assert temporary and secret
        dumped = _dump(await _events(sessions))
        assert temporary not in dumped
        assert secret not in dumped

    def test_secret_named_keys_are_redacted_at_any_depth(self) -> None:
        metadata: dict[str, Any] = {
            "name": "kept",
            "client_secret": "s1",
            "nested": {"scaigrid_api_key": "k1", "list": [{"password": "p1", "ok": 1}]},
            "refresh_token": None,
        }

        assert redact(metadata) == {
            "name": "kept",
            "client_secret": REDACTED,
            "nested": {"scaigrid_api_key": REDACTED, "list": [{"password": REDACTED, "ok": 1}]},
            "refresh_token": None,
        }


class TestNoWriteWithoutItsEvent:
    async def test_a_refused_write_leaves_no_row_and_one_failure_event(
        self,
        db: None,
        gql: GraphQLClient,
        sessions: async_sessionmaker[AsyncSession],
        tokens: Tokens,
    ) -> None:
        # Given a tenant whose partner allows one user, which it already has
        partner = await create_partner(sessions, max_users_per_tenant=1)
        tenant = await create_tenant(sessions, partner=partner)
        await create_user(sessions, tenant=tenant)

        # When a second user is created
        body = await gql(
            CREATE_USER,
            {"input": {"tenantId": tenant.id, "email": "second@example.com"}},
            token=tokens.super_admin(),
        )

        # Then nothing was written but the failure's event
        assert body["errors"][0]["extensions"]["code"] == "LIMIT_EXCEEDED"
        async with sessions() as session:
            users = await session.scalar(
                select(func.count()).select_from(User).where(User.tenant_id == tenant.id)
            )
        assert users == 1
        [event] = await _events(sessions)
        assert (event.action, event.result) == ("user.create", "failure")
        assert event.event_metadata["code"] == "LIMIT_EXCEEDED"

    async def test_a_cascading_delete_is_one_event(
        self,
        db: None,
        gql: GraphQLClient,
        sessions: async_sessionmaker[AsyncSession],
        tokens: Tokens,
    ) -> None:
        partner = await create_partner(sessions)
        for _ in range(2):
            tenant = await create_tenant(sessions, partner=partner)
            await create_user(sessions, tenant=tenant)

        body = await gql(DELETE_PARTNER, {"id": partner.id}, token=tokens.super_admin())

        assert "errors" not in body, body
        events = await _events(sessions)
        assert [(e.action, e.resource_id, e.partner_id) for e in events] == [
            ("partner.delete", partner.id, partner.id)
        ]
        async with sessions() as session:
            live = await session.scalar(
                select(func.count()).select_from(Tenant).where(Tenant.deleted_at.is_(None))
            )
        assert live == 0

    async def test_a_refusal_naming_a_long_id_is_stored_with_the_id_cut_to_its_column(
        self,
        db: None,
        gql: GraphQLClient,
        sessions: async_sessionmaker[AsyncSession],
        tokens: Tokens,
    ) -> None:
        # Given a tenant admin, when it tries to delete a partner by a 400-character id
        long_id = "prt_" + "x" * 396
        body = await gql(DELETE_PARTNER, {"id": long_id}, token=tokens.tenant_admin("tnt_long"))

        # Then it is refused, and its event is stored with the id's first 300 characters
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        [event] = await _events(sessions)
        assert (event.action, event.result, event.resource_id) == (
            "partner.delete",
            "denied",
            long_id[:300],
        )
