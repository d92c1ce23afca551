"""A lost database: while PostgreSQL cannot be reached (a TCP proxy in front of it is cut),
every surface answers 503 `SERVICE_UNAVAILABLE` with `Retry-After`, never 500, and an open
subscription ends saying why; once it is back, the first request succeeds, and every write
answered 2xx is stored (PostgreSQL runs only)."""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.engine import make_url

from core.principals import Role
from core.settings import Settings
from db.enums import AdminRole
from db.models import Partner
from gateway.app import create_app
from gateway.logs import configure_logging
from gateway.tokens import issue_token
from tests.factories import create_partner, create_tenant
from tests.factories_sessions import (
    CLIENT_SECRET,
    PASSWORD,
    SIGN_IN,
    TOKEN,
    Sessions,
    create_admin,
    create_platform_client,
    create_session,
)
from tests.gateway.live_feed import bearer_payload, feed_client, until
from tests.gateway.test_served_process import free_port
from tests.tcp_proxy import TcpProxy, tcp_proxy
from tests.tokens import Tokens, bearer

PARTNERS = "/api/v1/admin/partners"
PARTNER_NAMES = "query PartnerNames { partners(first: 5) { nodes { name } } }"
CREATE_PARTNER = """
mutation CreatePartner($input: CreatePartnerInput!) { createPartner(input: $input) { id } }
"""
UNAVAILABLE = {"detail": "Database unavailable", "code": "SERVICE_UNAVAILABLE"}
GRAPHQL_UNAVAILABLE = {
    "message": "Database unavailable",
    "extensions": {"code": "SERVICE_UNAVAILABLE"},
}
POOL_TIMEOUT_SECONDS = 1.0


@dataclass
class Gateway:
    """A gateway whose database connections all go through `proxy`."""

    app: FastAPI
    http: httpx.AsyncClient
    proxy: TcpProxy


@pytest.fixture
async def gateway(db_kind: str, database_url: str, settings: Settings) -> AsyncIterator[Gateway]:
    if db_kind != "postgresql":
        pytest.skip("the proxy stands in front of PostgreSQL")
    url = make_url(database_url)
    async with tcp_proxy(url.host or "127.0.0.1", url.port or 5432) as proxy:
        proxied = url.set(host="127.0.0.1", port=proxy.port).render_as_string(False)
        gateway_settings = settings.model_copy(
            update={
                "database_url": proxied,
                "db_pool_timeout_seconds": POOL_TIMEOUT_SECONDS,
                "db_connect_timeout_seconds": POOL_TIMEOUT_SECONDS,
            }
        )
        application = create_app(gateway_settings)
        try:
            async with application.router.lifespan_context(application):
                transport = httpx.ASGITransport(app=application)
                async with httpx.AsyncClient(
                    transport=transport, base_url="http://scaigate.test"
                ) as client:
                    yield Gateway(application, client, proxy)
        finally:
            configure_logging(settings)  # create_app installed the proxied gateway's


@pytest.fixture
def json_log(settings: Settings) -> Iterator[io.StringIO]:
    stream = io.StringIO()
    configure_logging(
        settings.model_copy(update={"log_format": "json", "log_level": "DEBUG"}), stream=stream
    )
    try:
        yield stream
    finally:
        configure_logging(settings)


def log_lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


async def warm_up(gateway: Gateway, token: str, connections: int = 4) -> None:
    """Requests in parallel, so that the pool holds several connections when the cut comes."""
    answers = await asyncio.gather(
        *(gateway.http.get(PARTNERS, headers=bearer(token)) for _ in range(connections))
    )
    assert [answer.status_code for answer in answers] == [200] * connections


class TestDuringTheCut:
    async def test_graphql_answers_503_with_retry_after_under_both_media_types(
        self, db: None, gateway: Gateway, tokens: Tokens
    ) -> None:
        # given
        headers = bearer(tokens.super_admin())
        await warm_up(gateway, tokens.super_admin())
        await gateway.proxy.cut()

        # when
        answers = {
            accept: await gateway.http.post(
                "/graphql", json={"query": PARTNER_NAMES}, headers={**headers, "Accept": accept}
            )
            for accept in ("application/json", "application/graphql-response+json")
        }

        # then
        for accept, answer in answers.items():
            assert answer.status_code == 503, answer.text
            assert answer.headers["retry-after"] == "1"
            assert answer.headers["content-type"] == f"{accept}; charset=utf-8"
            [error] = answer.json()["errors"]
            assert (error["message"], error["extensions"], error["path"]) == (
                "Database unavailable",
                {"code": "SERVICE_UNAVAILABLE"},
                ["partners"],
            )

    async def test_rest_reads_and_writes_answer_503_with_retry_after(
        self, db: None, gateway: Gateway, tokens: Tokens
    ) -> None:
        headers = bearer(tokens.super_admin())
        await warm_up(gateway, tokens.super_admin())
        await gateway.proxy.cut()

        read = await gateway.http.get(PARTNERS, headers=headers)
        write = await gateway.http.post(
            PARTNERS, json={"name": "Cut", "slug": "cut"}, headers=headers
        )
        mutation = await gateway.http.post(
            "/graphql",
            json={"query": CREATE_PARTNER, "variables": {"input": {"name": "Cut", "slug": "c"}}},
            headers=headers,
        )

        for answer in (read, write):
            assert (answer.status_code, answer.json()) == (503, UNAVAILABLE)
            assert answer.headers["retry-after"] == "1"
        assert mutation.status_code == 503
        assert mutation.json()["errors"][0]["extensions"] == {"code": "SERVICE_UNAVAILABLE"}

    async def test_authentication_that_reads_the_database_answers_503_not_401(
        self, db: None, sessions: Sessions, gateway: Gateway, settings: Settings
    ) -> None:
        # given: an admin who signs in, one with a live session, a platform client
        tenant = await create_tenant(sessions, partner=await create_partner(sessions))
        admin = await create_admin(
            sessions, tenant=tenant, role=AdminRole.TENANT_ADMIN, email="ann@example.com"
        )
        live = await create_session(sessions, user=admin, partner_id=tenant.partner_id)
        session_token = issue_token(
            settings,
            role=Role.TENANT_ADMIN,
            subject=admin.id,
            tenant_id=tenant.id,
            session_id=live.id,
        )
        client = await create_platform_client(sessions, scopes=["admin:read"])
        assert (await gateway.http.get("/readyz")).status_code == 200
        await gateway.proxy.cut()

        # when
        signing_in = await gateway.http.post(
            SIGN_IN, json={"email": "ann@example.com", "password": PASSWORD}
        )
        with_session_rest = await gateway.http.get(
            f"/api/v1/admin/tenants/{tenant.id}", headers=bearer(session_token)
        )
        with_session_graphql = await gateway.http.post(
            "/graphql", json={"query": "{ viewer { role } }"}, headers=bearer(session_token)
        )
        token_grant = await gateway.http.post(
            TOKEN,
            data={
                "grant_type": "client_credentials",
                "client_id": client.client_id,
                "client_secret": CLIENT_SECRET,
            },
        )

        # then
        for answer in (signing_in, with_session_rest, token_grant):
            assert (answer.status_code, answer.json()) == (503, UNAVAILABLE), answer.text
            assert answer.headers["retry-after"] == "1"
        assert with_session_graphql.status_code == 503
        assert with_session_graphql.json() == {"errors": [GRAPHQL_UNAVAILABLE]}
        assert with_session_graphql.headers["retry-after"] == "1"

    async def test_readyz_answers_503_and_200_once_restored(
        self, db: None, gateway: Gateway
    ) -> None:
        await gateway.proxy.cut()
        during = await gateway.http.get("/readyz")
        await gateway.proxy.restore()
        after = await gateway.http.get("/readyz")

        assert during.status_code == 503
        assert during.json()["status"] == "unavailable"
        assert after.status_code == 200

    async def test_each_failure_is_one_warning_line_without_a_traceback(
        self, db: None, gateway: Gateway, tokens: Tokens, json_log: io.StringIO
    ) -> None:
        await warm_up(gateway, tokens.super_admin())
        await gateway.proxy.cut()

        await gateway.http.get(PARTNERS, headers=bearer(tokens.super_admin()))
        await gateway.http.post(
            "/graphql", json={"query": PARTNER_NAMES}, headers=bearer(tokens.super_admin())
        )

        lines = log_lines(json_log)
        outages = [line for line in lines if line["event"] == "database_unavailable"]
        assert len(outages) == 2
        assert {line["level"] for line in outages} == {"warning"}
        assert not [line for line in lines if "exception" in line or line["level"] == "error"]


class TestAfterTheCut:
    async def test_the_first_request_succeeds_though_the_pool_held_broken_connections(
        self, db: None, gateway: Gateway, tokens: Tokens
    ) -> None:
        # given: a pool of connections that the cut broke, and no request while it lasted
        await warm_up(gateway, tokens.super_admin())
        connected_before = gateway.proxy.connections_accepted
        await gateway.proxy.cut()
        await gateway.proxy.restore()

        # when
        first = await gateway.http.get(PARTNERS, headers=bearer(tokens.super_admin()))

        # then: answered on a new connection, not on one of the broken ones
        assert first.status_code == 200, first.text
        assert gateway.proxy.connections_accepted > connected_before

    async def test_the_first_request_succeeds_after_requests_failed_during_the_cut(
        self, db: None, gateway: Gateway, tokens: Tokens
    ) -> None:
        headers = bearer(tokens.super_admin())
        await warm_up(gateway, tokens.super_admin())
        await gateway.proxy.cut()
        failed = [(await gateway.http.get(PARTNERS, headers=headers)).status_code for _ in range(3)]
        await gateway.proxy.restore()

        first = await gateway.http.get(PARTNERS, headers=headers)

        assert failed == [503, 503, 503]
        assert first.status_code == 200, first.text

    async def test_writes_answered_2xx_are_all_stored(
        self, db: None, sessions: Sessions, gateway: Gateway, tokens: Tokens
    ) -> None:
        # given: a client creating partners one after another, without pause
        headers = bearer(tokens.super_admin())
        answered: dict[str, int] = {}  # slug → status
        created: set[str] = set()
        stop = asyncio.Event()
        answer_came = asyncio.Condition()

        async def write_steadily() -> None:
            n = 0
            while not stop.is_set():
                n += 1
                slug = f"steady-{n}"
                answer = await gateway.http.post(
                    PARTNERS, json={"name": f"Steady {n}", "slug": slug}, headers=headers
                )
                answered[slug] = answer.status_code
                if answer.status_code == 201:
                    created.add(answer.json()["id"])
                async with answer_came:
                    answer_came.notify_all()

        async def until_answered(condition: Callable[[], bool]) -> None:
            async with answer_came:
                await answer_came.wait_for(condition)

        writer = asyncio.create_task(write_steadily())

        # when: the database goes away for a while and comes back
        await until_answered(lambda: len(created) >= 5)
        await gateway.proxy.cut()
        await until_answered(lambda: list(answered.values()).count(503) >= 5)
        await gateway.proxy.restore()
        resumed = len(created)
        await until_answered(lambda: len(created) >= resumed + 5)
        stop.set()
        await writer

        # then: only 201 and 503, and every 201 is a stored partner
        statuses = set(answered.values())
        assert statuses == {201, 503}
        async with sessions() as session:
            stored = set(
                await session.scalars(select(Partner.id).where(Partner.slug.like("steady-%")))
            )
        assert created <= stored
        assert len(stored) <= len(answered)


class TestSubscriptions:
    async def test_an_open_subscription_ends_saying_the_database_connection_was_lost(
        self, db: None, gateway: Gateway, tokens: Tokens
    ) -> None:
        # given: the gateway on a real port, and a client following the live audit feed
        port = free_port()
        server = uvicorn.Server(
            uvicorn.Config(
                gateway.app, host="127.0.0.1", port=port, lifespan="off", log_config=None
            )
        )
        serving = asyncio.create_task(server.serve())
        await until(lambda: _now(server.started))
        try:
            url = f"ws://127.0.0.1:{port}/graphql"
            async with feed_client(url, bearer_payload(tokens.super_admin())) as client:
                await client.subscribe()
                await until(lambda: _now(gateway.app.state.audit_feed.subscriber_count == 1))

                # when
                await gateway.proxy.cut()

                # then: the stream ends with a reason, and the operation completes
                ended = await client.receive()
                completed = await client.receive()
        finally:
            server.should_exit = True
            await serving

        assert ended["type"] == "next"
        [error] = ended["payload"]["errors"]
        assert error["extensions"] == {"code": "SERVICE_UNAVAILABLE", "reason": "connection_lost"}
        assert completed == {"type": "complete", "id": "1"}


async def _now(value: bool) -> bool:
    return value
