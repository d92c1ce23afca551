"""The live audit feed across gateway processes (PostgreSQL LISTEN/NOTIFY): two
`scaigate serve` processes on one database; a subscriber on one receives what the other
writes, within its own scope."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.principals import Role
from core.settings import Settings
from gateway.tokens import issue_token
from tests.factories import create_partner, create_tenant
from tests.gateway.live_feed import bearer_payload, feed_client, until
from tests.gateway.test_served_process import SIGNING_KEY, Server, running_server

Sessions = async_sessionmaker[AsyncSession]


@pytest.fixture(scope="module")
def postgresql_only(db_kind: str) -> None:
    if db_kind != "postgresql":
        pytest.skip("several processes share events through PostgreSQL LISTEN/NOTIFY")


@pytest.fixture(scope="module")
def two_servers(
    postgresql_only: None, database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Server, Server]]:
    with (
        running_server(tmp_path_factory.mktemp("a"), database_url) as a,
        running_server(tmp_path_factory.mktemp("b"), database_url) as b,
    ):
        yield a, b


def token(role: Role, *, tenant_id: str | None = None) -> str:
    settings = Settings(jwt_signing_key=SIGNING_KEY, _env_file=None)  # type: ignore[call-arg]
    return issue_token(settings, role=role, subject="usr_processes", tenant_id=tenant_id)


def ws_url(server: Server) -> str:
    return f"ws://127.0.0.1:{server.port}/graphql"


async def active_subscriptions(server: Server) -> float:
    async with httpx.AsyncClient() as client:
        exposition = (await client.get(f"{server.url}/metrics")).text
    return sum(
        sample.value
        for family in text_string_to_metric_families(exposition)
        if family.name == "scaigate_active_subscriptions"
        for sample in family.samples
    )


async def subscriptions_open(server: Server, count: int) -> None:
    """Waits until `count` subscriptions are live on `server` (its metrics gauge says so)."""

    async def open_() -> bool:
        return await active_subscriptions(server) == count

    await until(open_)


async def create_user(server: Server, tenant_id: str, email: str) -> str:
    async with httpx.AsyncClient() as client:
        response = await client.post(
            f"{server.url}/api/v1/admin/users",
            json={"tenant_id": tenant_id, "email": email},
            headers={"Authorization": f"Bearer {token(Role.SUPER_ADMIN)}"},
        )
    assert response.status_code == 201, response.text
    user_id: str = response.json()["id"]
    return user_id


class TestAcrossProcesses:
    async def test_a_subscriber_on_one_process_receives_what_another_writes_in_its_scope(
        self, db: None, sessions: Sessions, two_servers: tuple[Server, Server]
    ) -> None:
        a, b = two_servers
        # given tenants T and U, and a tenant admin of T subscribed on process A
        tenant = await create_tenant(sessions, partner=await create_partner(sessions))
        other = await create_tenant(sessions, partner=await create_partner(sessions))
        admin = bearer_payload(token(Role.TENANT_ADMIN, tenant_id=tenant.id))
        everyone = bearer_payload(token(Role.SUPER_ADMIN))
        async with feed_client(ws_url(a), admin) as mine, feed_client(ws_url(a), everyone) as all_:
            await mine.subscribe()
            await all_.subscribe()
            await subscriptions_open(a, 2)

            # when process B writes in U, then in T
            foreign = await create_user(b, other.id, "processes-u@example.com")
            own = await create_user(b, tenant.id, "processes-t@example.com")

            # then the super admin on A receives both, in order
            assert [(await all_.next_event())["resourceId"] for _ in range(2)] == [foreign, own]
            # and the tenant admin on A only T's
            event = await mine.next_event()
            assert (event["action"], event["tenantId"], event["resourceId"]) == (
                "user.create",
                tenant.id,
                own,
            )
