"""`/api/v1/admin/users` over HTTP."""

from __future__ import annotations

import json

import httpx
from argon2 import PasswordHasher
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import User
from tests.factories import create_partner, create_tenant, create_user
from tests.tokens import Tokens, bearer

Sessions = async_sessionmaker[AsyncSession]
USERS = "/api/v1/admin/users"


class TestListUsers:
    async def test_filters_by_tenant_and_pages_as_documented(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        partner = await create_partner(sessions)
        tenant, other = [await create_tenant(sessions, partner=partner) for _ in range(2)]
        created = [await create_user(sessions, tenant=tenant) for _ in range(3)]
        await create_user(sessions, tenant=other)

        response = await http.get(
            f"{USERS}?tenant_id={tenant.id}&per_page=2", headers=bearer(tokens.super_admin())
        )

        assert response.status_code == 200
        body = response.json()
        assert body["pagination"] == {"page": 1, "per_page": 2, "total": 3, "total_pages": 2}
        assert [u["id"] for u in body["data"]] == [u.id for u in created[:2]]
        assert set(body["data"][0]) >= {"tenant_id", "email", "custom_attributes", "mfa_enabled"}
        assert not any("hash" in key or "secret" in key for key in body["data"][0])

    async def test_the_body_is_compact_utf8_json_as_the_standard_library_writes_it(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        # given a user whose name is not ASCII
        tenant = await create_tenant(sessions, partner=await create_partner(sessions))
        await create_user(sessions, tenant=tenant, first_name="Zoë", last_name="Ångström")

        # when the page is read
        response = await http.get(
            f"{USERS}?tenant_id={tenant.id}", headers=bearer(tokens.super_admin())
        )

        # then its bytes are what `json.dumps` writes compactly, non-ASCII left as UTF-8
        assert response.status_code == 200
        expected = json.dumps(response.json(), ensure_ascii=False, separators=(",", ":"))
        assert response.content == expected.encode()
        assert "Zoë".encode() in response.content


class TestCreateUser:
    async def test_creates_and_answers_201(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        tenant = await create_tenant(sessions, partner=await create_partner(sessions))

        response = await http.post(
            USERS,
            json={"email": "grace@example.com", "first_name": "Grace", "password": "x" * 12},
            headers=bearer(tokens.tenant_admin(tenant.id)),
        )

        assert response.status_code == 201, response.text
        body = response.json()
        assert (body["tenant_id"], body["first_name"]) == (tenant.id, "Grace")
        assert "password" not in body

    async def test_refuses_past_the_user_limit_with_409(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        tenant = await create_tenant(
            sessions, partner=await create_partner(sessions, max_users_per_tenant=0)
        )

        response = await http.post(
            USERS,
            json={"tenant_id": tenant.id, "email": "a@example.com"},
            headers=bearer(tokens.super_admin()),
        )

        assert response.status_code == 409
        assert response.json()["code"] == "LIMIT_EXCEEDED"


class TestGetUser:
    async def test_a_user_of_a_sibling_tenant_is_404(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        partner = await create_partner(sessions)
        mine, sibling = [await create_tenant(sessions, partner=partner) for _ in range(2)]
        stranger = await create_user(sessions, tenant=sibling)

        response = await http.get(
            f"{USERS}/{stranger.id}", headers=bearer(tokens.tenant_admin(mine.id))
        )

        assert response.status_code == 404
        assert response.json()["detail"] == f"User {stranger.id} not found"


class TestPatchUser:
    async def test_changes_only_the_given_fields(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        tenant = await create_tenant(sessions, partner=await create_partner(sessions))
        user = await create_user(sessions, tenant=tenant, first_name="Ada")

        response = await http.patch(
            f"{USERS}/{user.id}",
            json={"custom_attributes": {"employeeId": "42"}, "email_verified": True},
            headers=bearer(tokens.super_admin()),
        )

        assert response.status_code == 200, response.text
        body = response.json()
        assert body["custom_attributes"] == {"employeeId": "42"}
        assert body["email_verified"] is True
        assert (body["first_name"], body["email"]) == ("Ada", user.email)

    async def test_a_password_is_refused_as_an_unknown_field(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        user = await create_user(
            sessions, tenant=await create_tenant(sessions, partner=await create_partner(sessions))
        )

        response = await http.patch(
            f"{USERS}/{user.id}",
            json={"password": "a-long-new-password"},
            headers=bearer(tokens.super_admin()),
        )

        assert response.status_code == 422
        assert response.json()["detail"] == "Unknown field 'password'"


class TestDeleteUser:
    async def test_soft_deletes_and_then_404s(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        user = await create_user(
            sessions, tenant=await create_tenant(sessions, partner=await create_partner(sessions))
        )
        headers = bearer(tokens.super_admin())

        deleted = await http.delete(f"{USERS}/{user.id}", headers=headers)
        again = await http.get(f"{USERS}/{user.id}", headers=headers)

        assert deleted.status_code == 204
        assert again.status_code == 404


class TestResetPassword:
    async def test_an_empty_object_gets_a_temporary_password_once(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        # given
        user = await create_user(
            sessions, tenant=await create_tenant(sessions, partner=await create_partner(sessions))
        )

        # when
        response = await http.post(
            f"{USERS}/{user.id}/reset-password", json={}, headers=bearer(tokens.super_admin())
        )

        # then
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["user"]["id"] == user.id
        assert body["user"]["must_change_password"] is True
        async with sessions() as session:
            stored = await session.get(User, user.id)
        assert stored is not None and stored.password_hash is not None
        assert PasswordHasher().verify(stored.password_hash, body["temporary_password"])

    async def test_no_body_at_all_also_gets_a_temporary_password(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        user = await create_user(
            sessions, tenant=await create_tenant(sessions, partner=await create_partner(sessions))
        )

        response = await http.post(
            f"{USERS}/{user.id}/reset-password", headers=bearer(tokens.super_admin())
        )

        assert response.status_code == 200, response.text
        assert len(response.json()["temporary_password"]) >= 16

    async def test_a_create_without_a_body_is_refused(
        self, db: None, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        response = await http.post(USERS, headers=bearer(tokens.super_admin()))

        assert response.status_code == 422
        assert response.json()["detail"] == "Request body must be a JSON object"

    async def test_a_chosen_password_is_set_and_not_echoed(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        user = await create_user(
            sessions, tenant=await create_tenant(sessions, partner=await create_partner(sessions))
        )

        response = await http.post(
            f"{USERS}/{user.id}/reset-password",
            json={"password": "a chosen passphrase"},
            headers=bearer(tokens.super_admin()),
        )

        assert response.status_code == 200, response.text
        assert response.json()["temporary_password"] is None
        assert "a chosen passphrase" not in response.text


class TestDisableMfa:
    async def test_turns_mfa_off(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        tenant = await create_tenant(sessions, partner=await create_partner(sessions))
        user = await create_user(sessions, tenant=tenant, mfa_enabled=True, mfa_secret="JBSWY3DP")

        response = await http.post(
            f"{USERS}/{user.id}/mfa/disable", headers=bearer(tokens.tenant_admin(tenant.id))
        )

        assert response.status_code == 200, response.text
        assert response.json()["mfa_enabled"] is False
