"""`POST /auth/sign-in` and `/auth/sign-out`: admin users' tokens, refusals, throttling."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import jwt
import pytest
from fastapi import FastAPI

from core.settings import Settings
from db.enums import AdminRole
from resolvers import passwords
from resolvers.throttle import SignInThrottle, ThrottleLimits
from tests.factories import create_partner, create_tenant
from tests.factories_sessions import (
    PASSWORD,
    SIGN_IN,
    Sessions,
    create_admin,
    events,
    forget_failed_sign_ins,
    sign_in,
    signed_in_token,
    stored_session,
)
from tests.redis_server import redis_url, unique_prefix
from tests.tokens import Tokens, bearer

GENERIC = {"detail": "Invalid email or password", "code": "UNAUTHENTICATED"}
VIEWER = "query { viewer { role subject partnerId tenantId } }"


@pytest.fixture(autouse=True)
async def no_earlier_failures(app: FastAPI) -> None:
    await forget_failed_sign_ins(app)


def claims(settings: Settings, token: str) -> dict[str, Any]:
    decoded: dict[str, Any] = jwt.decode(
        token,
        settings.jwt_signing_key,
        algorithms=[settings.jwt_algorithm],
        audience=settings.jwt_audience,
    )
    return decoded


class TestSignIn:
    async def test_an_admin_gets_a_bearer_token_bound_to_a_new_session(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient, settings: Settings
    ) -> None:
        # given
        partner = await create_partner(sessions)
        tenant = await create_tenant(sessions, partner=partner)
        admin = await create_admin(
            sessions, tenant=tenant, role=AdminRole.PARTNER_ADMIN, email="ada@example.com"
        )

        # when
        response = await http.post(
            SIGN_IN,
            json={"email": "Ada@Example.com", "password": PASSWORD},
            headers={"User-Agent": "admin-ui/1.0"},
        )

        # then
        assert response.status_code == 200, response.text
        assert response.headers["cache-control"] == "no-store"
        body = response.json()
        assert set(body) == {"access_token", "token_type", "expires_in", "session_id"}
        assert body["token_type"] == "Bearer"
        assert body["expires_in"] == settings.token_ttl_seconds
        assert body["session_id"].startswith("ses_")
        token = claims(settings, body["access_token"])
        assert token["sub"] == admin.id
        assert token["sid"] == body["session_id"]
        assert (token["role"], token["partner_id"]) == ("partner_admin", partner.id)
        assert token["exp"] - token["iat"] == settings.token_ttl_seconds
        session = await stored_session(sessions, body["session_id"])
        assert (session.user_id, session.tenant_id, session.partner_id) == (
            admin.id,
            tenant.id,
            partner.id,
        )
        assert (session.admin_role, session.revoked_at) == ("partner_admin", None)
        assert (session.ip, session.user_agent) == ("127.0.0.1", "admin-ui/1.0")
        assert abs((session.expires_at - session.created_at).total_seconds() - 3600) < 1

    async def test_the_token_is_accepted_as_the_user_it_names(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient
    ) -> None:
        tenant = await create_tenant(sessions, partner=await create_partner(sessions))
        admin = await create_admin(sessions, tenant=tenant, email="tenant-admin@example.com")
        token = await signed_in_token(http, "tenant-admin@example.com")

        response = await http.post("/graphql", json={"query": VIEWER}, headers=bearer(token))

        assert response.json() == {
            "data": {
                "viewer": {
                    "role": "TENANT_ADMIN",
                    "subject": admin.id,
                    "partnerId": None,
                    "tenantId": tenant.id,
                }
            }
        }

    async def test_success_is_an_audit_event_whose_actor_is_the_user(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient
    ) -> None:
        partner = await create_partner(sessions)
        tenant = await create_tenant(sessions, partner=partner)
        admin = await create_admin(
            sessions, tenant=tenant, role=AdminRole.SUPER_ADMIN, email="root@example.com"
        )

        response = await sign_in(http, "root@example.com")

        [event] = await events(sessions, "auth.sign_in")
        assert (event.result, event.actor_id, event.actor_type, event.actor_role) == (
            "success",
            admin.id,
            "user",
            "super_admin",
        )
        assert (event.resource_type, event.resource_id) == ("user", admin.id)
        assert (event.tenant_id, event.partner_id) == (tenant.id, partner.id)
        assert event.event_metadata == {
            "email": "root@example.com",
            "session_id": response.json()["session_id"],
        }
        assert PASSWORD not in str(event.event_metadata)


REFUSALS: dict[str, tuple[dict[str, Any], str, str]] = {
    "wrong password": ({}, "wrong_password", "wrong password!"),
    "unknown email": ({}, "unknown_account", PASSWORD),
    "disabled user": ({"status": "disabled"}, "user_disabled", PASSWORD),
    "locked user": ({"status": "locked"}, "user_locked", PASSWORD),
    "not an admin": ({"role": None}, "not_admin", PASSWORD),
    "no password set": ({"password": None}, "no_password", PASSWORD),
    "suspended tenant": ({"tenant_status": "suspended"}, "tenant_suspended", PASSWORD),
}


@pytest.mark.parametrize("case", list(REFUSALS))
class TestRefusedSignIn:
    async def test_every_refusal_is_the_same_401_and_a_failure_event_with_its_reason(
        self, case: str, db: None, sessions: Sessions, http: httpx.AsyncClient
    ) -> None:
        # given
        fields, reason, password = REFUSALS[case]
        user_fields = dict(fields)
        tenant = await create_tenant(
            sessions,
            partner=await create_partner(sessions),
            status=user_fields.pop("tenant_status", "active"),
        )
        email = "someone@example.com"
        if case != "unknown email":
            await create_admin(sessions, tenant=tenant, email=email, **user_fields)

        # when
        response = await sign_in(http, email, password)

        # then
        assert response.status_code == 401
        assert response.json() == GENERIC
        assert response.headers["www-authenticate"] == "Bearer"
        [event] = await events(sessions, "auth.sign_in")
        assert (event.result, event.actor_id, event.actor_type) == ("failure", None, "anonymous")
        assert event.event_metadata == {"reason": reason, "email": email}
        assert password not in str(event.event_metadata)


class TestAddressesInSeveralTenants:
    async def test_without_a_tenant_the_account_the_password_opens_signs_in(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient, settings: Settings
    ) -> None:
        partner = await create_partner(sessions)
        first = await create_tenant(sessions, partner=partner)
        second = await create_tenant(sessions, partner=partner)
        await create_admin(sessions, tenant=first, email="a@example.com", password="one password!")
        wanted = await create_admin(sessions, tenant=second, email="a@example.com")

        token = await signed_in_token(http, "a@example.com")

        assert claims(settings, token)["sub"] == wanted.id

    async def test_when_the_password_opens_several_the_answer_is_409_asking_for_the_tenant(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient
    ) -> None:
        partner = await create_partner(sessions)
        first = await create_tenant(sessions, partner=partner)
        second = await create_tenant(sessions, partner=partner)
        for tenant in (first, second):
            await create_admin(sessions, tenant=tenant, email="a@example.com")

        response = await sign_in(http, "a@example.com")

        assert response.status_code == 409
        assert response.json()["code"] == "CONFLICT"
        assert "name the tenant" in response.json()["detail"]
        [event] = await events(sessions, "auth.sign_in")
        assert event.event_metadata["reason"] == "ambiguous"

    @pytest.mark.parametrize("by", ["slug", "id"])
    async def test_naming_the_tenant_by_slug_or_id_picks_its_account(
        self, by: str, db: None, sessions: Sessions, http: httpx.AsyncClient, settings: Settings
    ) -> None:
        partner = await create_partner(sessions)
        first = await create_tenant(sessions, partner=partner)
        second = await create_tenant(sessions, partner=partner)
        await create_admin(sessions, tenant=first, email="a@example.com")
        wanted = await create_admin(sessions, tenant=second, email="a@example.com")

        token = await signed_in_token(http, "a@example.com", tenant=getattr(second, by))

        assert claims(settings, token)["sub"] == wanted.id


class TestMalformedSignIn:
    @pytest.mark.parametrize(
        ("body", "detail"),
        [
            ({"email": "a@example.com"}, "password: is required"),
            ({"password": PASSWORD}, "email: is required"),
            ({"email": "a@example.com", "password": ""}, "password: must be a non-empty string"),
            ({"email": "a@example.com", "password": PASSWORD, "role": "x"}, "Unknown field 'role'"),
            (["a@example.com"], "body: must be a JSON object"),
        ],
    )
    async def test_answers_422_naming_the_field(
        self, db: None, http: httpx.AsyncClient, body: Any, detail: str
    ) -> None:
        response = await http.post(SIGN_IN, json=body)

        assert response.status_code == 422
        assert response.json() == {"detail": detail, "code": "BAD_USER_INPUT"}

    async def test_a_body_that_is_not_json_is_422(self, db: None, http: httpx.AsyncClient) -> None:
        response = await http.post(
            SIGN_IN, content=b"email=a", headers={"content-type": "application/json"}
        )

        assert response.status_code == 422
        assert response.json()["detail"] == "body: is not valid JSON"


@pytest.fixture(params=["memory", "redis"])
async def small_throttle(
    request: pytest.FixtureRequest, app: FastAPI
) -> AsyncIterator[SignInThrottle]:
    """3 failures per account and 5 per address, in the storage of the parameter."""
    storage = "memory://" if request.param == "memory" else redis_url()
    throttle = SignInThrottle(
        storage,
        ThrottleLimits(failures_per_account=3, failures_per_address=5, window_seconds=900),
        key_prefix=unique_prefix(),
    )
    original = app.state.sign_in_throttle
    app.state.sign_in_throttle = throttle
    yield throttle
    app.state.sign_in_throttle = original
    await throttle.reset()


@pytest.fixture
async def elsewhere(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """A client at another address than the `http` fixture's 127.0.0.1."""
    transport = httpx.ASGITransport(app=app, client=("198.51.100.7", 4321))
    async with httpx.AsyncClient(transport=transport, base_url="http://scaigate.test") as client:
        yield client


class TestThrottling:
    async def test_after_the_account_limit_even_the_right_password_gets_429_unchecked(
        self,
        db: None,
        sessions: Sessions,
        http: httpx.AsyncClient,
        small_throttle: SignInThrottle,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        # given: three failures for one account
        tenant = await create_tenant(sessions, partner=await create_partner(sessions))
        await create_admin(sessions, tenant=tenant, email="target@example.com")
        for _ in range(3):
            assert (await sign_in(http, "target@example.com", "guess guess!")).status_code == 401
        checked: list[str] = []
        verify = passwords.verify_password

        def counting_verify(password_hash: str, password: str) -> bool:
            checked.append(password)
            return verify(password_hash, password)

        monkeypatch.setattr(passwords, "verify_password", counting_verify)

        # when
        response = await sign_in(http, "target@example.com", PASSWORD)

        # then
        assert response.status_code == 429
        assert response.json() == {
            "detail": "Too many failed sign-in attempts: try again later",
            "code": "RATE_LIMITED",
        }
        assert 800 < int(response.headers["retry-after"]) <= 900
        assert checked == [], "a throttled attempt checks no password"
        reasons = [e.event_metadata["reason"] for e in await events(sessions, "auth.sign_in")]
        assert reasons == ["wrong_password"] * 3 + ["throttled"]

    async def test_the_account_limit_holds_from_every_address(
        self,
        db: None,
        sessions: Sessions,
        http: httpx.AsyncClient,
        elsewhere: httpx.AsyncClient,
        small_throttle: SignInThrottle,
    ) -> None:
        tenant = await create_tenant(sessions, partner=await create_partner(sessions))
        await create_admin(sessions, tenant=tenant, email="target@example.com")
        for client in (http, elsewhere, http):
            await sign_in(client, "target@example.com", "guess guess!")

        response = await sign_in(elsewhere, "target@example.com", "guess guess!")

        assert response.status_code == 429

    async def test_a_success_forgets_the_accounts_earlier_failures(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient, small_throttle: SignInThrottle
    ) -> None:
        tenant = await create_tenant(sessions, partner=await create_partner(sessions))
        await create_admin(sessions, tenant=tenant, email="forgetful@example.com")
        for _ in range(2):
            await sign_in(http, "forgetful@example.com", "typo typo typo")
        assert (await sign_in(http, "forgetful@example.com")).status_code == 200

        statuses = [
            (await sign_in(http, "forgetful@example.com", "typo typo typo")).status_code
            for _ in range(3)
        ]

        assert statuses == [401, 401, 401]

    async def test_after_the_address_limit_every_account_from_that_address_gets_429(
        self,
        db: None,
        sessions: Sessions,
        http: httpx.AsyncClient,
        elsewhere: httpx.AsyncClient,
        small_throttle: SignInThrottle,
    ) -> None:
        # given: five failures from 127.0.0.1, on five different addresses
        tenant = await create_tenant(sessions, partner=await create_partner(sessions))
        await create_admin(sessions, tenant=tenant, email="fresh@example.com")
        for n in range(5):
            assert (await sign_in(http, f"nobody{n}@example.com")).status_code == 401

        # when
        here = await sign_in(http, "fresh@example.com")
        there = await sign_in(elsewhere, "fresh@example.com")

        # then: the address is throttled, the account itself is not
        assert here.status_code == 429
        assert int(here.headers["retry-after"]) > 0
        assert there.status_code == 200


class TestSignOut:
    async def test_ends_the_callers_own_session(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient
    ) -> None:
        # given
        tenant = await create_tenant(sessions, partner=await create_partner(sessions))
        admin = await create_admin(sessions, tenant=tenant, email="leaving@example.com")
        token = await signed_in_token(http, "leaving@example.com")

        # when
        response = await http.post("/auth/sign-out", headers=bearer(token))
        after = await http.post("/graphql", json={"query": VIEWER}, headers=bearer(token))

        # then
        assert response.status_code == 204
        assert after.status_code == 401
        assert after.json()["errors"][0]["message"] == "Session has been revoked"
        [event] = await events(sessions, "auth.sign_out")
        assert (event.result, event.actor_id) == ("success", admin.id)
        session = await stored_session(sessions, str(event.resource_id))
        assert session.revoked_reason == "signed_out"

    async def test_a_token_without_a_session_cannot_sign_out(
        self, db: None, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        response = await http.post("/auth/sign-out", headers=bearer(tokens.super_admin()))

        assert response.status_code == 422
        assert response.json()["code"] == "BAD_USER_INPUT"

    async def test_without_a_token_it_is_401(self, db: None, http: httpx.AsyncClient) -> None:
        response = await http.post("/auth/sign-out")

        assert response.status_code == 401
