"""Two gateway processes on one database and one Redis: what one does, the other knows at once.

Real `scaigate serve` processes on free ports (`tests/gateway/test_served_process.py`), on
the suite's database (PostgreSQL on the `--db postgresql` run) and the test Redis.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass

import httpx
import pytest

from tests.factories import create_partner, create_tenant
from tests.factories_sessions import (
    PASSWORD,
    SIGN_IN,
    Sessions,
    client_token,
    create_admin,
    create_platform_client,
)
from tests.gateway.test_served_process import Server, running_server, super_admin_token
from tests.redis_server import redis_url, unique_prefix
from tests.tokens import bearer

USERS = "/api/v1/admin/users"


@dataclass(frozen=True)
class Pair:
    a: Server
    b: Server


@pytest.fixture(scope="module")
def pair(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pair]:
    """Processes A and B sharing the database and the throttle's counters (3 per account)."""
    environment = {
        "SCAIGATE_RATE_LIMIT_STORAGE": redis_url(),
        "SCAIGATE_RATE_LIMIT_KEY_PREFIX": unique_prefix(),
        "SCAIGATE_SIGN_IN_MAX_FAILURES_PER_ACCOUNT": "3",
    }
    with ExitStack() as stack:
        a, b = (
            stack.enter_context(
                running_server(tmp_path_factory.mktemp(name), database_url, env=environment)
            )
            for name in ("a", "b")
        )
        yield Pair(a, b)


async def sign_in(server: Server, email: str, password: str = PASSWORD) -> httpx.Response:
    async with httpx.AsyncClient(base_url=server.url) as client:
        return await client.post(SIGN_IN, json={"email": email, "password": password})


async def call(server: Server, method: str, path: str, token: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=server.url) as client:
        return await client.request(method, path, headers=bearer(token))


class TestRevocationAcrossProcesses:
    async def test_a_session_revoked_through_a_is_refused_by_b_on_the_next_request(
        self, db: None, sessions: Sessions, pair: Pair
    ) -> None:
        # given: an admin signed in through A, whose token B accepts
        tenant = await create_tenant(sessions, partner=await create_partner(sessions))
        await create_admin(sessions, tenant=tenant, email="roaming@example.com")
        signed_in = await sign_in(pair.a, "roaming@example.com")
        assert signed_in.status_code == 200, signed_in.text
        token, session_id = signed_in.json()["access_token"], signed_in.json()["session_id"]
        assert (await call(pair.b, "GET", USERS, token)).status_code == 200

        # when: another admin revokes the session through A
        revoked = await call(
            pair.a, "POST", f"/api/v1/admin/sessions/{session_id}/revoke", super_admin_token()
        )

        # then: B refuses the very next request
        assert revoked.status_code == 200, revoked.text
        refused = await call(pair.b, "GET", USERS, token)
        assert refused.status_code == 401
        assert refused.json() == {"detail": "Session has been revoked", "code": "UNAUTHENTICATED"}


class TestPlatformTokensAcrossProcesses:
    async def test_an_application_disabled_through_a_has_its_token_refused_by_b(
        self, db: None, sessions: Sessions, pair: Pair, db_kind: str
    ) -> None:
        if db_kind != "postgresql":
            pytest.skip("processes hear of each other's writes through PostgreSQL NOTIFY")
        # given a platform token from A, which B has accepted (and so knows its application)
        client = await create_platform_client(sessions, scopes=["admin:read"])
        async with httpx.AsyncClient(base_url=pair.a.url) as http:
            token = await client_token(http, client.client_id)
        assert (await call(pair.b, "GET", USERS, token)).status_code == 200

        # when its application is disabled through A
        async with httpx.AsyncClient(base_url=pair.a.url) as http:
            disabled = await http.patch(
                f"/api/v1/admin/applications/{client.id}",
                json={"enabled": False},
                headers=bearer(super_admin_token()),
            )

        # then B refuses the very next request
        assert disabled.status_code == 200, disabled.text
        refused = await call(pair.b, "GET", USERS, token)
        assert refused.status_code == 401
        assert refused.json() == {
            "detail": "Token's application is disabled",
            "code": "UNAUTHENTICATED",
        }


class TestThrottlingAcrossProcesses:
    async def test_failures_counted_by_either_process_throttle_both(
        self, db: None, sessions: Sessions, pair: Pair
    ) -> None:
        # given: three failures, spread over A and B
        tenant = await create_tenant(sessions, partner=await create_partner(sessions))
        await create_admin(sessions, tenant=tenant, email="guessed@example.com")
        failures = [
            (await sign_in(server, "guessed@example.com", "a wrong guess")).status_code
            for server in (pair.a, pair.b, pair.a)
        ]

        # when: the right password, through B
        attempt = await sign_in(pair.b, "guessed@example.com")

        # then
        assert failures == [401, 401, 401]
        assert attempt.status_code == 429
        assert int(attempt.headers["retry-after"]) > 0
