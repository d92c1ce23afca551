"""`User.lastSignInAt`: set by a successful sign-in with its audit event, by nothing else."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text

from db.enums import AdminRole
from db.models import User
from tests.conftest import GraphQLClient
from tests.factories import create_partner, create_tenant
from tests.factories_sessions import (
    Sessions,
    create_admin,
    events,
    forget_failed_sign_ins,
    sessions_of,
    sign_in,
)
from tests.tokens import Tokens

LAST_SIGN_IN = "query($id: ID!) { user(id: $id) { lastSignInAt } }"
EARLIER = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


@pytest.fixture(autouse=True)
async def no_earlier_failures(app: FastAPI) -> None:
    await forget_failed_sign_ins(app)


async def stored_last_sign_in(sessions: Sessions, user_id: str) -> datetime | None:
    async with sessions() as session:
        user = await session.get(User, user_id)
    assert user is not None
    return user.last_sign_in_at


async def an_admin(sessions: Sessions, email: str, **fields: Any) -> User:
    tenant = await create_tenant(sessions, partner=await create_partner(sessions))
    return await create_admin(
        sessions, tenant=tenant, role=AdminRole.SUPER_ADMIN, email=email, **fields
    )


@pytest.fixture
async def sign_in_events_refused(app: FastAPI, db_kind: str) -> AsyncIterator[None]:
    """While it lasts, the database refuses every `auth.sign_in` success event."""
    if db_kind == "postgresql":
        create = [
            "CREATE FUNCTION test_refuse_sign_in_event() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'sign-in events refused by the test'; END $$",
            "CREATE TRIGGER test_refuse_sign_in_event BEFORE INSERT ON audit_events FOR EACH ROW "
            "WHEN (NEW.action = 'auth.sign_in' AND NEW.result = 'success') "
            "EXECUTE FUNCTION test_refuse_sign_in_event()",
        ]
        drop = [
            "DROP TRIGGER test_refuse_sign_in_event ON audit_events",
            "DROP FUNCTION test_refuse_sign_in_event()",
        ]
    else:
        create = [
            "CREATE TRIGGER test_refuse_sign_in_event BEFORE INSERT ON audit_events "
            "WHEN NEW.action = 'auth.sign_in' AND NEW.result = 'success' "
            "BEGIN SELECT RAISE(ABORT, 'sign-in events refused by the test'); END"
        ]
        drop = ["DROP TRIGGER test_refuse_sign_in_event"]
    async with app.state.engine.begin() as connection:
        for statement in create:
            await connection.execute(text(statement))
    try:
        yield
    finally:
        async with app.state.engine.begin() as connection:
            for statement in drop:
                await connection.execute(text(statement))


class TestLastSignInAt:
    async def test_is_null_until_the_first_sign_in(
        self, db: None, sessions: Sessions, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        admin = await an_admin(sessions, "new@example.com")

        body = await gql(LAST_SIGN_IN, {"id": admin.id}, token=tokens.super_admin())

        assert body["data"] == {"user": {"lastSignInAt": None}}

    async def test_a_sign_in_sets_it_to_the_time_of_its_session(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient
    ) -> None:
        # given: a user who last signed in long ago
        admin = await an_admin(sessions, "ada@example.com", last_sign_in_at=EARLIER)

        # when
        response = await sign_in(http, "ada@example.com")

        # then: it moved to the new session's start, the audit event beside it
        assert response.status_code == 200, response.text
        [session] = await sessions_of(sessions, admin.id)
        assert await stored_last_sign_in(sessions, admin.id) == session.created_at
        [event] = await events(sessions, "auth.sign_in")
        assert (event.result, event.resource_id) == ("success", admin.id)

    async def test_graphql_reads_the_new_value(
        self,
        db: None,
        sessions: Sessions,
        http: httpx.AsyncClient,
        gql: GraphQLClient,
        tokens: Tokens,
    ) -> None:
        admin = await an_admin(sessions, "grace@example.com", last_sign_in_at=EARLIER)
        before = datetime.now(UTC)

        assert (await sign_in(http, "grace@example.com")).status_code == 200
        body = await gql(LAST_SIGN_IN, {"id": admin.id}, token=tokens.super_admin())

        read = datetime.fromisoformat(body["data"]["user"]["lastSignInAt"])
        assert before - timedelta(seconds=1) <= read <= datetime.now(UTC)
        assert read == await stored_last_sign_in(sessions, admin.id)

    async def test_a_failed_sign_in_leaves_it_unchanged(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient
    ) -> None:
        admin = await an_admin(sessions, "linus@example.com", last_sign_in_at=EARLIER)

        response = await sign_in(http, "linus@example.com", "not the password")

        assert response.status_code == 401
        assert await stored_last_sign_in(sessions, admin.id) == EARLIER
        [event] = await events(sessions, "auth.sign_in")
        assert event.result == "failure"

    async def test_a_refused_user_with_the_right_password_leaves_it_unchanged(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient
    ) -> None:
        admin = await an_admin(
            sessions, "locked@example.com", last_sign_in_at=EARLIER, status="locked"
        )

        response = await sign_in(http, "locked@example.com")

        assert response.status_code == 401
        assert await stored_last_sign_in(sessions, admin.id) == EARLIER

    async def test_a_sign_in_whose_audit_event_fails_leaves_it_unchanged(
        self,
        db: None,
        sessions: Sessions,
        http: httpx.AsyncClient,
        sign_in_events_refused: None,
    ) -> None:
        # given: the database refuses the success event of a sign-in
        admin = await an_admin(sessions, "margaret@example.com", last_sign_in_at=EARLIER)

        # when
        response = await sign_in(http, "margaret@example.com")

        # then: nothing of the sign-in landed, neither the session nor the time
        assert response.status_code == 500
        assert await stored_last_sign_in(sessions, admin.id) == EARLIER
        assert await sessions_of(sessions, admin.id) == []
        assert [e.result for e in await events(sessions, "auth.sign_in")] == []
