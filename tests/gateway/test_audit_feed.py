"""The live audit feed over a real WebSocket: the gateway app served by uvicorn in this
process, graphql-transport-ws, events written through the API.

Nothing here waits for an event *not* to arrive: a subscriber that must not see an event
is sent one it must see right after, and the first thing it receives is checked.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from graphql import parse
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from websockets.asyncio.client import connect

from core.principals import Principal, Role
from gateway.persisted_operations import register_operations, standalone_documents
from resolvers import audit, audit_feed
from resolvers.audit_feed import FeedInterrupted
from resolvers.audit_log import NO_FILTER
from resolvers.context import RequestContext
from tests.app_settings import settings_changed
from tests.factories import create_partner, create_tenant
from tests.factories_audit import create_audit_events
from tests.factories_sessions import create_admin, forget_failed_sign_ins, signed_in_token
from tests.factories_sessions import events as recorded_events
from tests.gateway.live_feed import (
    AUDIT_EVENTS,
    PROTOCOL,
    FeedClient,
    bearer_payload,
    feed_client,
    until,
)
from tests.gateway.test_served_process import free_port
from tests.security.policies import EXPECTED, SCOPE_MESSAGES, Policy
from tests.security.principals import Caller, World, token_for
from tests.tokens import Tokens, bearer

Sessions = async_sessionmaker[AsyncSession]
LIMITS = {"max_users_per_tenant": 10_000}

CREATE_USER = """
mutation ($input: CreateUserInput!) { createUser(input: $input) { id } }
"""
DELETE_USER = "mutation ($id: ID!) { deleteUser(id: $id) { id } }"


@pytest.fixture(scope="module")
async def served(app: FastAPI) -> AsyncIterator[str]:
    """The session's app on a real port (its lifespan already runs in the test session)."""
    port = free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, lifespan="off", log_config=None, access_log=False
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        assert not task.done(), "uvicorn did not start"
        await asyncio.sleep(0.01)
    yield f"ws://127.0.0.1:{port}/graphql"
    server.should_exit = True
    await task


@pytest.fixture(autouse=True)
async def no_subscriber_left(app: FastAPI) -> None:
    """A previous test's subscriptions end once the server sees their connections close."""
    feed = app.state.audit_feed
    await until(lambda: _true(feed.subscriber_count == 0))


async def _true(value: bool) -> bool:
    return value


async def subscribed(app: FastAPI, count: int = 1) -> None:
    """Waits until `count` subscriptions are live in this process."""
    feed = app.state.audit_feed
    await until(lambda: _true(feed.subscriber_count == count))


@dataclass
class Writer:
    """Writes through the API, as a super admin: each write leaves one audit event."""

    http: httpx.AsyncClient
    token: str

    async def create_user(self, tenant_id: str) -> str:
        response = await self.http.post(
            "/api/v1/admin/users",
            json={"tenant_id": tenant_id, "email": f"live{next(_numbers)}@example.com"},
            headers=bearer(self.token),
        )
        assert response.status_code == 201, response.text
        user_id: str = response.json()["id"]
        return user_id

    async def delete_user(self, user_id: str) -> None:
        response = await self.http.delete(
            f"/api/v1/admin/users/{user_id}", headers=bearer(self.token)
        )
        assert response.status_code == 204, response.text


_numbers = iter(range(1, 1_000_000))


@pytest.fixture
async def world(db: None, sessions: Sessions) -> World:
    partner = await create_partner(sessions, **LIMITS)
    other = await create_partner(sessions, **LIMITS)
    return World(
        partner=partner,
        other_partner=other,
        tenant=await create_tenant(sessions, partner=partner),
        sibling=await create_tenant(sessions, partner=partner),
        foreign=await create_tenant(sessions, partner=other),
    )


@pytest.fixture
def writer(http: httpx.AsyncClient, tokens: Tokens) -> Writer:
    return Writer(http, tokens.super_admin())


def _error(message: dict[str, Any], operation_id: str = "1") -> tuple[str, str]:
    assert (message["type"], message["id"]) in (("error", operation_id), ("next", operation_id))
    errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
    return errors[0]["extensions"]["code"], errors[0]["message"]


class TestConnectionInit:
    @pytest.mark.parametrize("form", ["Authorization", "authorization", "token"])
    async def test_the_token_is_taken_from_the_payload(
        self, served: str, tokens: Tokens, form: str
    ) -> None:
        token = tokens.super_admin()
        payload = {form: token if form == "token" else f"Bearer {token}"}

        async with feed_client(served, payload, acknowledged=False) as client:
            assert await client.receive() == {"type": "connection_ack"}

    async def test_a_page_on_another_origin_may_connect_with_a_token(
        self, served: str, tokens: Tokens
    ) -> None:
        headers = {"Origin": "https://admin.example"}
        async with connect(served, subprotocols=[PROTOCOL], additional_headers=headers) as ws:  # type: ignore[list-item]
            client = FeedClient(ws)
            await client.send(
                {"type": "connection_init", "payload": bearer_payload(tokens.super_admin())}
            )

            assert await client.receive() == {"type": "connection_ack"}

    @pytest.mark.parametrize(
        "payload",
        ["none", "empty", "expired", "badly signed", "not bearer"],
    )
    async def test_a_connection_without_an_accepted_token_is_closed_with_4403(
        self, served: str, tokens: Tokens, payload: str
    ) -> None:
        given = {
            "none": None,
            "empty": {},
            "expired": bearer_payload(tokens.expired()),
            "badly signed": bearer_payload(tokens.badly_signed()),
            "not bearer": {"Authorization": f"Basic {tokens.super_admin()}"},
        }[payload]

        async with feed_client(served, given, acknowledged=False) as client:
            assert await client.closed() == (4403, "Forbidden")

    async def test_a_refused_token_is_audited(
        self, db: None, served: str, sessions: Sessions, tokens: Tokens
    ) -> None:
        async with feed_client(
            served, bearer_payload(tokens.expired()), acknowledged=False
        ) as client:
            await client.closed()

        [event] = await recorded_events(sessions, "auth.token_rejected")
        assert (event.result, event.event_metadata["reason"]) == ("failure", "expired")

    async def test_subscribing_before_connection_init_is_closed_with_4401(
        self, served: str
    ) -> None:
        async with connect(served, subprotocols=[PROTOCOL]) as connection:  # type: ignore[list-item]
            client = FeedClient(connection)
            await client.subscribe()

            assert await client.closed() == (4401, "Unauthorized")


class TestWhoReceivesWhat:
    """The subscription's rows of the authorization matrix: a `READ_LIST` field, with the
    event of tenant T as the target; a caller who may not see it gets its own scope's next
    event first. Without an accepted token the connection is refused (401 elsewhere)."""

    @pytest.mark.parametrize("caller", list(Caller), ids=lambda c: c.value)
    async def test_decision(
        self,
        app: FastAPI,
        served: str,
        world: World,
        tokens: Tokens,
        writer: Writer,
        caller: Caller,
    ) -> None:
        expected = EXPECTED[Policy.READ_LIST][caller]
        token = token_for(caller, world, tokens)
        payload = bearer_payload(token) if token else None

        async with feed_client(served, payload, acknowledged=expected != 401) as client:
            if expected == 401:
                assert await client.closed() == (4403, "Forbidden")
                return
            await client.subscribe()
            if expected == 403:
                assert _error(await client.receive()) == ("FORBIDDEN", SCOPE_MESSAGES["read"])
                return
            await subscribed(app)

            target = await writer.create_user(world.tenant.id)
            own = await writer.create_user(_own_tenant(caller, world))
            first = await client.next_event()

        outcome = {target: "ok", own: "hidden"}[first["resourceId"]]
        assert outcome == expected


def _own_tenant(caller: Caller, world: World) -> str:
    return {
        Caller.PARTNER_ADMIN_OWNING: world.sibling.id,
        Caller.TENANT_ADMIN_OWNING: world.tenant.id,
        Caller.TENANT_ADMIN_SIBLING: world.sibling.id,
    }.get(caller, world.foreign.id)


class TestDelivery:
    async def test_an_event_written_through_the_api_arrives_with_its_fields(
        self, app: FastAPI, served: str, world: World, tokens: Tokens, writer: Writer
    ) -> None:
        async with feed_client(served, bearer_payload(tokens.super_admin())) as client:
            await client.subscribe()
            await subscribed(app)

            user_id = await writer.create_user(world.tenant.id)
            event = await client.next_event()

        assert event == {
            "id": event["id"],
            "action": "user.create",
            "tenantId": world.tenant.id,
            "partnerId": world.partner.id,
            "result": "success",
            "resourceId": user_id,
        }
        assert event["id"].startswith("aud_")

    async def test_a_tenant_admin_receives_only_its_tenants_events(
        self, app: FastAPI, served: str, world: World, tokens: Tokens, writer: Writer
    ) -> None:
        async with feed_client(served, bearer_payload(tokens.tenant_admin(world.tenant.id))) as c:
            await c.subscribe()
            await subscribed(app)

            await writer.create_user(world.foreign.id)
            await writer.create_user(world.sibling.id)
            mine = await writer.create_user(world.tenant.id)
            first = await c.next_event()

        assert (first["resourceId"], first["tenantId"]) == (mine, world.tenant.id)

    async def test_the_filter_applies_to_what_is_delivered(
        self, app: FastAPI, served: str, world: World, tokens: Tokens, writer: Writer
    ) -> None:
        async with feed_client(served, bearer_payload(tokens.super_admin())) as client:
            await client.subscribe(filter={"action": {"eq": "user.delete"}})
            await subscribed(app)

            user_id = await writer.create_user(world.tenant.id)
            await writer.delete_user(user_id)
            first = await client.next_event()

        assert (first["action"], first["resourceId"]) == ("user.delete", user_id)

    async def test_lists_prefixes_and_not_apply_to_what_is_delivered(
        self, app: FastAPI, served: str, world: World, tokens: Tokens, writer: Writer
    ) -> None:
        # given a subscription to unsuccessful user events, other than updates
        unsuccessful_user_events = {
            "action": {"startsWith": "USER."},
            "result": {"in": ["FAILURE", "DENIED"]},
            "not": {"action": {"eq": "user.update"}},
        }
        async with feed_client(served, bearer_payload(tokens.super_admin())) as client:
            await client.subscribe(filter=unsuccessful_user_events)
            await subscribed(app)

            # when a user is created (success), a missing group and then a missing user deleted
            await writer.create_user(world.tenant.id)
            for path in ("groups/grp_missing", "users/usr_missing"):
                response = await writer.http.delete(
                    f"/api/v1/admin/{path}", headers=bearer(writer.token)
                )
                assert response.status_code == 404, response.text
            first = await client.next_event()

        # then only the failed user deletion is delivered
        assert (first["action"], first["result"]) == ("user.delete", "failure")

    @pytest.mark.parametrize(
        ("given", "message"),
        [
            (
                {"action": {"in": ["user.create"] * 101}},
                "filter.action.in: holds more than 100 values",
            ),
            (
                {"createdAt": {"gte": "2026-01-01T00:00:00"}},
                "filter.createdAt.gte: must carry a time zone",
            ),
        ],
    )
    async def test_a_bad_filter_is_refused_when_subscribing(
        self, served: str, tokens: Tokens, given: dict[str, Any], message: str
    ) -> None:
        async with feed_client(served, bearer_payload(tokens.super_admin())) as client:
            await client.subscribe(filter=given)

            assert _error(await client.receive()) == ("BAD_USER_INPUT", message)

    async def test_a_value_outside_an_enum_is_refused_when_subscribing(
        self, served: str, tokens: Tokens
    ) -> None:
        async with feed_client(served, bearer_payload(tokens.super_admin())) as client:
            await client.subscribe(filter={"result": {"eq": "MAYBE"}})

            code, message = _error(await client.receive())

        assert code == "BAD_USER_INPUT"
        assert "'AuditResult'" in message

    @pytest.mark.parametrize(
        "document",
        ["query { viewer { role } }", 'mutation { deleteUser(id: "usr_x") { id } }'],
    )
    async def test_queries_and_mutations_are_not_run_over_websocket(
        self, db: None, served: str, tokens: Tokens, document: str
    ) -> None:
        async with feed_client(served, bearer_payload(tokens.super_admin())) as client:
            await client.subscribe(query=document)

            assert _error(await client.receive()) == (
                "BAD_REQUEST",
                "Only subscriptions are served over WebSocket: send queries and mutations "
                "over HTTP",
            )

    async def test_in_allowlist_mode_only_a_registered_subscription_runs(
        self,
        app: FastAPI,
        served: str,
        database_url: str,
        tokens: Tokens,
        world: World,
        writer: Writer,
    ) -> None:
        # given the feed's subscription registered, and another one that is not
        await register_operations(database_url, standalone_documents(parse(AUDIT_EVENTS)))
        unregistered = "subscription { auditEvents { id } }"

        with settings_changed(app, persisted_operations="allowlist"):
            async with feed_client(served, bearer_payload(tokens.super_admin())) as client:
                # when both are subscribed
                await client.subscribe("other", query=unregistered)
                refused = await client.receive()
                await client.subscribe("registered")
                await subscribed(app)
                user_id = await writer.create_user(world.tenant.id)
                event = await client.next_event("registered")

        # then only the registered one runs
        assert _error(refused, "other")[0] == "OPERATION_NOT_ALLOWLISTED"
        assert event["resourceId"] == user_id

    async def test_a_revoked_session_ends_the_subscription(
        self,
        app: FastAPI,
        served: str,
        sessions: Sessions,
        http: httpx.AsyncClient,
        world: World,
        writer: Writer,
    ) -> None:
        # given a tenant admin signed in, subscribed with its session's token
        await forget_failed_sign_ins(app)
        admin = await create_admin(sessions, tenant=world.tenant)
        token = await signed_in_token(http, admin.email)
        async with feed_client(served, bearer_payload(token)) as client:
            await client.subscribe()
            await subscribed(app)
            # and receiving events
            await writer.create_user(world.tenant.id)
            await client.next_event()

            # when its session is revoked (which is itself an event of its tenant)
            [session_id] = [row.id for row in await _sessions_of(sessions, admin.id)]
            response = await http.post(
                f"/api/v1/admin/sessions/{session_id}/revoke", headers=bearer(writer.token)
            )
            assert response.status_code == 200, response.text

            # then the stream ends instead of delivering it
            assert _error(await client.receive()) == (
                "UNAUTHENTICATED",
                "Session has been revoked",
            )
            assert await client.receive() == {"id": "1", "type": "complete"}

    async def test_the_gauge_counts_open_subscriptions(
        self, app: FastAPI, served: str, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        before = await _active_subscriptions(http)
        async with feed_client(served, bearer_payload(tokens.super_admin())) as client:
            await client.subscribe("a")
            await client.subscribe("b")
            await subscribed(app, 2)
            during = await _active_subscriptions(http)
            await client.send({"id": "a", "type": "complete"})
            await subscribed(app, 1)
            after_one = await _active_subscriptions(http)

        assert (during - before, after_one - before) == (2, 1)


async def _sessions_of(sessions: Sessions, user_id: str) -> list[Any]:
    from tests.factories_sessions import sessions_of

    return await sessions_of(sessions, user_id)


async def _active_subscriptions(http: httpx.AsyncClient) -> float:
    exposition = (await http.get("/metrics")).text
    return sum(
        sample.value
        for family in text_string_to_metric_families(exposition)
        if family.name == "scaigate_active_subscriptions"
        for sample in family.samples
    )


def _super_admin_context(app: FastAPI) -> RequestContext:
    return RequestContext(
        principal=Principal(role=Role.SUPER_ADMIN, subject="usr_feed"),
        sessions=app.state.sessions,
        write_sessions=app.state.write_sessions,
    )


class TestFanOut:
    async def test_a_slow_subscriber_is_dropped_without_holding_back_the_others(
        self, db: None, app: FastAPI, sessions: Sessions, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # given a feed whose subscribers may fall 10 events behind
        monkeypatch.setattr(audit_feed, "QUEUE_SIZE", 10)
        feed = app.state.audit_feed
        context = _super_admin_context(app)
        event_ids = await create_audit_events(sessions, count=30)
        # and one subscriber that reads everything, one that reads one event and stops
        received: list[str] = []

        async def read_everything() -> None:
            async for row in feed.follow(context, NO_FILTER):
                received.append(row.id)

        reader = asyncio.create_task(read_everything())
        slow = feed.follow(context, NO_FILTER)
        first_of_slow = asyncio.create_task(anext(slow))
        await subscribed(app, 2)

        # when the events are announced one after another
        for count, event_id in enumerate(event_ids, start=1):
            feed.publish([event_id])
            await until(lambda count=count: _true(len(received) == count))  # type: ignore[misc]

        # then the reader got them all, and the slow one was dropped with a reason
        assert received == event_ids
        assert (await first_of_slow).id == event_ids[0]
        with pytest.raises(FeedInterrupted) as interrupted:
            async for _ in slow:
                pass
        assert interrupted.value.extensions == {"reason": "overflow"}
        assert feed.subscriber_count == 1
        reader.cancel()

    async def test_a_rolled_back_write_announces_nothing(self, db: None, app: FastAPI) -> None:
        feed = app.state.audit_feed
        context = _super_admin_context(app)
        events = feed.follow(context, NO_FILTER)
        first = asyncio.create_task(anext(events))
        await subscribed(app)

        with pytest.raises(RuntimeError):
            async with context.transaction() as session:
                await audit.record(session, context, "test.rolled_back")
                raise RuntimeError("the write fails after its event was added")
        kept = await audit.record_alone(context, "test.committed")

        assert (await first).id == kept
        await events.aclose()


@pytest.mark.usefixtures("db")
class TestTheListenerReconnects:
    async def test_a_lost_connection_ends_subscriptions_and_the_next_one_listens_again(
        self, app: FastAPI, served: str, db_kind: str, tokens: Tokens, world: World, writer: Writer
    ) -> None:
        if db_kind != "postgresql":
            pytest.skip("LISTEN/NOTIFY is PostgreSQL's")
        async with feed_client(served, bearer_payload(tokens.super_admin())) as client:
            await client.subscribe()
            await subscribed(app)

            # when the database ends the LISTEN connection
            async with app.state.engine.begin() as connection:
                ended = await connection.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE application_name = :name"
                    ),
                    {"name": audit_feed.listener_name()},
                )
                assert ended.scalars().all() == [True]

            # then the subscription ends, saying why
            message = await client.receive()
            assert _error(message)[0] == "SERVICE_UNAVAILABLE"
            assert message["payload"]["errors"][0]["extensions"]["reason"] == "connection_lost"

            # and a new subscription receives events again
            await client.subscribe("2")
            await subscribed(app)
            user_id = await writer.create_user(world.tenant.id)
            while (message := await client.receive())["type"] == "complete":
                pass
            assert message["id"] == "2"
            assert message["payload"]["data"]["auditEvents"]["resourceId"] == user_id
