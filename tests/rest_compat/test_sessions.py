"""`/api/v1/admin/sessions` over HTTP, and what ends a session: revocation, expiry, user changes."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI

from core.principals import Role
from core.settings import Settings
from db.base import utcnow
from db.enums import AdminRole
from gateway.tokens import issue_token
from tests.factories import create_partner, create_tenant
from tests.factories_sessions import (
    Sessions,
    create_admin,
    create_session,
    events,
    forget_failed_sign_ins,
    sessions_of,
    sign_in,
    stored_session,
)
from tests.tokens import Tokens, bearer

SESSIONS = "/api/v1/admin/sessions"
VIEWER = {"query": "{ viewer { subject } }"}


@pytest.fixture(autouse=True)
async def no_earlier_failures(app: FastAPI) -> None:
    await forget_failed_sign_ins(app)


async def signed_in(http: httpx.AsyncClient, email: str) -> tuple[str, str]:
    """A fresh sign-in's token and session id."""
    response = await sign_in(http, email)
    assert response.status_code == 200, response.text
    return response.json()["access_token"], response.json()["session_id"]


class TestListSessions:
    async def test_pages_with_the_documented_shape_and_filters_on_active(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        # given
        partner = await create_partner(sessions)
        tenant = await create_tenant(sessions, partner=partner)
        admin = await create_admin(sessions, tenant=tenant)
        live = [await create_session(sessions, user=admin, partner_id=partner.id) for _ in "ab"]
        ended = await create_session(sessions, user=admin, partner_id=partner.id, expired=True)
        headers = bearer(tokens.tenant_admin(tenant.id))

        # when
        page = await http.get(f"{SESSIONS}?per_page=2", headers=headers)
        active = await http.get(f"{SESSIONS}?active=true", headers=headers)
        inactive = await http.get(f"{SESSIONS}?active=false&user_id={admin.id}", headers=headers)

        # then
        assert page.status_code == 200
        assert page.json()["pagination"] == {
            "page": 1,
            "per_page": 2,
            "total": 3,
            "total_pages": 2,
        }
        first = page.json()["data"][0]
        assert set(first) == {
            "id",
            "user_id",
            "tenant_id",
            "partner_id",
            "admin_role",
            "ip",
            "user_agent",
            "active",
            "created_at",
            "expires_at",
            "revoked_at",
            "revoked_reason",
        }
        assert (first["user_id"], first["admin_role"], first["active"]) == (
            admin.id,
            "TENANT_ADMIN",
            True,
        )
        assert [s["id"] for s in active.json()["data"]] == [s.id for s in live]
        assert [s["id"] for s in inactive.json()["data"]] == [ended.id]

    async def test_active_must_be_true_or_false(
        self, db: None, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        response = await http.get(f"{SESSIONS}?active=yes", headers=bearer(tokens.super_admin()))

        assert response.status_code == 422
        assert response.json() == {
            "detail": "active must be true or false",
            "code": "BAD_USER_INPUT",
        }


class TestGetSession:
    async def test_reads_one_and_hides_other_tenants(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        partner = await create_partner(sessions)
        tenant = await create_tenant(sessions, partner=partner)
        other = await create_tenant(sessions, partner=partner)
        session = await create_session(
            sessions, user=await create_admin(sessions, tenant=tenant), partner_id=partner.id
        )

        mine = await http.get(
            f"{SESSIONS}/{session.id}", headers=bearer(tokens.tenant_admin(tenant.id))
        )
        theirs = await http.get(
            f"{SESSIONS}/{session.id}", headers=bearer(tokens.tenant_admin(other.id))
        )

        assert mine.status_code == 200
        assert mine.json()["id"] == session.id
        assert theirs.status_code == 404
        assert theirs.json() == {"detail": f"Session {session.id} not found", "code": "NOT_FOUND"}


class TestRevokeSession:
    async def test_the_next_request_with_its_token_is_401(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        # given: a signed-in admin whose token works
        partner = await create_partner(sessions)
        tenant = await create_tenant(sessions, partner=partner)
        await create_admin(sessions, tenant=tenant, email="soon-out@example.com")
        token, session_id = await signed_in(http, "soon-out@example.com")
        assert (await http.post("/graphql", json=VIEWER, headers=bearer(token))).status_code == 200

        # when
        revoked = await http.post(
            f"{SESSIONS}/{session_id}/revoke", headers=bearer(tokens.partner_admin(partner.id))
        )
        rest = await http.get("/api/v1/admin/users", headers=bearer(token))
        graphql = await http.post("/graphql", json=VIEWER, headers=bearer(token))

        # then
        assert revoked.status_code == 200
        assert (revoked.json()["active"], revoked.json()["revoked_reason"]) == (
            False,
            "revoked_by_admin",
        )
        assert rest.status_code == 401
        assert rest.json() == {"detail": "Session has been revoked", "code": "UNAUTHENTICATED"}
        assert graphql.status_code == 401
        assert graphql.json()["errors"][0]["message"] == "Session has been revoked"

    async def test_each_refused_request_is_one_token_rejected_event(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        partner = await create_partner(sessions)
        tenant = await create_tenant(sessions, partner=partner)
        await create_admin(sessions, tenant=tenant, email="refused@example.com")
        token, session_id = await signed_in(http, "refused@example.com")
        await http.post(f"{SESSIONS}/{session_id}/revoke", headers=bearer(tokens.super_admin()))

        await http.get("/api/v1/admin/users", headers=bearer(token))
        await http.post("/graphql", json=VIEWER, headers=bearer(token))

        rejected = await events(sessions, "auth.token_rejected")
        assert [(e.result, e.actor_id, e.actor_type) for e in rejected] == [
            ("failure", None, "anonymous")
        ] * 2
        assert [(e.resource_type, e.resource_id, e.tenant_id) for e in rejected] == [
            ("session", session_id, tenant.id)
        ] * 2
        assert rejected[0].event_metadata == {
            "reason": "session_revoked",
            "message": "Session has been revoked",
        }

    async def test_an_expired_session_refuses_a_token_that_has_not_expired(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient, settings: Settings
    ) -> None:
        partner = await create_partner(sessions)
        tenant = await create_tenant(sessions, partner=partner)
        admin = await create_admin(sessions, tenant=tenant)
        session = await create_session(
            sessions, user=admin, partner_id=partner.id, expires_at=utcnow() - timedelta(seconds=1)
        )
        token = issue_token(
            settings,
            role=Role.TENANT_ADMIN,
            subject=admin.id,
            tenant_id=tenant.id,
            session_id=session.id,
        )

        response = await http.get("/api/v1/admin/users", headers=bearer(token))

        assert response.status_code == 401
        assert response.json()["detail"] == "Session has expired"
        [event] = await events(sessions, "auth.token_rejected")
        assert event.event_metadata["reason"] == "session_expired"

    async def test_tokens_without_a_session_are_not_looked_up(
        self, db: None, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        response = await http.post("/graphql", json=VIEWER, headers=bearer(tokens.super_admin()))

        assert response.status_code == 200
        assert response.headers["x-sql-statements"] == "0"


USERS = "/api/v1/admin/users"
ENDINGS = {
    "disabled": ("PATCH", {"status": "DISABLED"}, "user_disabled"),
    "locked": ("PATCH", {"status": "LOCKED"}, "user_locked"),
    "demoted": ("PATCH", {"admin_role": None}, "admin_role_changed"),
    "promoted": ("PATCH", {"admin_role": "PARTNER_ADMIN"}, "admin_role_changed"),
    "deleted": ("DELETE", None, "user_deleted"),
    "password reset": ("POST", {}, "password_reset"),
}


@pytest.mark.parametrize("case", list(ENDINGS))
class TestUserChangesEndSessions:
    async def test_in_the_same_write_and_at_once(
        self, case: str, db: None, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        # given: two live sessions and an ended one of a tenant admin
        method, body, reason = ENDINGS[case]
        partner = await create_partner(sessions)
        tenant = await create_tenant(sessions, partner=partner)
        admin = await create_admin(sessions, tenant=tenant, email="changing@example.com")
        token, _ = await signed_in(http, "changing@example.com")
        await signed_in(http, "changing@example.com")
        ended = await create_session(sessions, user=admin, partner_id=partner.id, expired=True)
        path = f"{USERS}/{admin.id}" + ("/reset-password" if case == "password reset" else "")

        # when
        response = await http.request(
            method, path, json=body, headers=bearer(tokens.partner_admin(partner.id))
        )

        # then
        assert response.status_code in (200, 204), response.text
        after = {s.id: s for s in await sessions_of(sessions, admin.id)}
        assert after.pop(ended.id).revoked_at is None, "an ended session is left as it was"
        assert [s.revoked_reason for s in after.values()] == [reason, reason]
        refused = await http.post("/graphql", json=VIEWER, headers=bearer(token))
        assert refused.status_code == 401


class TestUnchangedUsersKeepTheirSessions:
    async def test_renaming_a_user_ends_nothing(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        tenant = await create_tenant(sessions, partner=await create_partner(sessions))
        admin = await create_admin(
            sessions, tenant=tenant, role=AdminRole.TENANT_ADMIN, email="stays@example.com"
        )
        token, session_id = await signed_in(http, "stays@example.com")

        await http.patch(
            f"{USERS}/{admin.id}",
            json={"display_name": "Renamed", "admin_role": "TENANT_ADMIN"},
            headers=bearer(tokens.super_admin()),
        )

        assert (await stored_session(sessions, session_id)).revoked_at is None
        assert (await http.post("/graphql", json=VIEWER, headers=bearer(token))).status_code == 200
