"""No audit event is lost while PostgreSQL is away: a TCP proxy between the gateway and the
database is cut and restored. Failure events raised during the cut are in the database after
it, once each and as raised; a process killed with events in its spool hands them to the
next process started on the same spool directory, which writes them before it serves."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.settings import Settings
from db.base import utcnow
from db.models import AuditEvent
from gateway.app import create_app
from resolvers.audit_spool import SEGMENT_GLOB, decode
from tests.gateway.live_feed import until
from tests.gateway.test_served_process import Server, running_server
from tests.tcp_proxy import TcpProxy, tcp_proxy, threaded_tcp_proxy
from tests.tokens import Tokens, bearer

Sessions = async_sessionmaker[AsyncSession]

CREATE_PARTNER = """
mutation ($input: CreatePartnerInput!) { createPartner(input: $input) { id } }
"""
PARTNERS = "{ partners(first: 1) { totalCount } }"
NOT_A_TOKEN = {"Authorization": "Bearer not-a-token"}


@pytest.fixture(scope="module")
def postgresql_only(db_kind: str) -> None:
    if db_kind != "postgresql":
        pytest.skip("the proxy stands in front of PostgreSQL")


def through(proxy_port: int, database_url: str) -> str:
    url = make_url(database_url).set(host="127.0.0.1", port=proxy_port)
    return url.render_as_string(hide_password=False)


@pytest.fixture
async def behind_proxy(
    postgresql_only: None, database_url: str, tmp_path: Path
) -> AsyncIterator[tuple[httpx.AsyncClient, TcpProxy, Path]]:
    """A gateway in this process whose database connections go through a proxy."""
    upstream = make_url(database_url)
    spool_dir = tmp_path / "spool"
    async with tcp_proxy(upstream.host or "127.0.0.1", upstream.port or 5432) as proxy:
        settings = Settings(  # type: ignore[call-arg]
            database_url=through(proxy.port, database_url),
            audit_spool_dir=spool_dir,
            _env_file=None,
        )
        app = create_app(settings)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://gw.test") as http:
                yield http, proxy, spool_dir


def spooled(spool_dir: Path) -> dict[str, dict[str, Any]]:
    """The events in every spool file of `spool_dir`, by request id."""
    events = [
        decode(line)
        for path in sorted(spool_dir.glob(SEGMENT_GLOB))
        for line in path.read_bytes().splitlines(keepends=True)
    ]
    return {event["request_id"]: event for event in events}


async def stored(sessions: Sessions, request_ids: list[str]) -> list[tuple[Any, ...]]:
    """(request id, id, created_at, action, result) of every stored event of those requests."""
    async with sessions() as session:
        rows = await session.execute(
            select(
                AuditEvent.request_id,
                AuditEvent.id,
                AuditEvent.created_at,
                AuditEvent.action,
                AuditEvent.result,
            )
            .where(AuditEvent.request_id.in_(request_ids))
            .order_by(AuditEvent.request_id)
        )
        return [tuple(row) for row in rows]


async def metric(server: Server, name: str) -> float:
    async with httpx.AsyncClient() as client:
        exposition = (await client.get(f"{server.url}/metrics")).text
    return sum(
        sample.value
        for family in text_string_to_metric_families(exposition)
        for sample in family.samples
        if sample.name == name
    )


class TestOutage:
    async def test_failure_events_raised_during_a_cut_are_stored_once_after_it(
        self,
        db: None,
        sessions: Sessions,
        tokens: Tokens,
        behind_proxy: tuple[httpx.AsyncClient, TcpProxy, Path],
    ) -> None:
        http, proxy, spool_dir = behind_proxy
        super_admin, tenant_admin = tokens.super_admin(), tokens.tenant_admin("tnt_outage")
        # Given a gateway whose pool holds connections through the proxy
        warm = await http.post("/graphql", json={"query": PARTNERS}, headers=bearer(super_admin))
        assert warm.status_code == 200 and "errors" not in warm.json(), warm.text

        # When the database is cut off and requests raise failure events
        await proxy.cut()
        expected: dict[str, tuple[str, str]] = {}
        for n in range(2):
            rejected = await http.get(
                "/api/v1/admin/partners", headers={**NOT_A_TOKEN, "X-Request-ID": f"token-{n}"}
            )
            assert rejected.status_code == 401
            expected[f"token-{n}"] = ("auth.token_rejected", "failure")

            variables = {"input": {"name": f"Outage {n}", "slug": f"outage-{n}"}}
            denied = await http.post(
                "/graphql",
                json={"query": CREATE_PARTNER, "variables": variables},
                headers={**bearer(tenant_admin), "X-Request-ID": f"denied-{n}"},
            )
            assert denied.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
            expected[f"denied-{n}"] = ("partner.create", "denied")

            failed = await http.post(
                "/graphql",
                json={"query": CREATE_PARTNER, "variables": variables},
                headers={**bearer(super_admin), "X-Request-ID": f"failed-{n}"},
            )
            assert failed.json().get("data") is None, failed.text
            expected[f"failed-{n}"] = ("partner.create", "failure")

        # Then, during the cut, they wait in the spool and not one is stored
        request_ids = sorted(expected)
        waiting = spooled(spool_dir)
        assert sorted(waiting) == request_ids
        assert await stored(sessions, request_ids) == []

        # and once the database is back, each is stored once, with its own id and time
        restored_at: datetime = utcnow()
        await proxy.restore()

        async def all_stored() -> bool:
            return len(await stored(sessions, request_ids)) >= len(request_ids)

        await until(all_stored)
        assert await stored(sessions, request_ids) == [
            (request_id, waiting[request_id]["id"], waiting[request_id]["created_at"], *outcome)
            for request_id, outcome in sorted(expected.items())
        ]
        assert all(event["created_at"] < restored_at for event in waiting.values())
        assert list(spool_dir.glob(SEGMENT_GLOB)) == []


class TestKilledProcess:
    async def test_a_process_started_on_a_killed_ones_spool_stores_its_events_before_serving(
        self, postgresql_only: None, db: None, sessions: Sessions, database_url: str, tmp_path: Path
    ) -> None:
        spool_dir = tmp_path / "spool"
        spool_env = {"SCAIGATE_AUDIT_SPOOL_DIR": str(spool_dir)}
        upstream = make_url(database_url)
        request_ids = [f"killed-{n}" for n in range(5)]
        (tmp_path / "first").mkdir()
        (tmp_path / "second").mkdir()
        # Given a served gateway that spooled failure events while its database was away
        with (
            threaded_tcp_proxy(upstream.host or "127.0.0.1", upstream.port or 5432) as proxy,
            running_server(
                tmp_path / "first", through(proxy.port, database_url), env=spool_env
            ) as first,
        ):
            proxy.cut()
            async with httpx.AsyncClient(base_url=first.url) as client:
                for request_id in request_ids:
                    response = await client.get(
                        "/api/v1/admin/partners",
                        headers={**NOT_A_TOKEN, "X-Request-ID": request_id},
                    )
                    assert response.status_code == 401
            assert await metric(first, "scaigate_audit_spool_events") == len(request_ids)
            assert await metric(first, "scaigate_audit_spooled_events_total") == len(request_ids)
            assert await metric(first, "scaigate_audit_spool_oldest_age_seconds") > 0

            # and was killed before the database came back
            first.process.kill()
            first.process.wait(timeout=10)

        waiting = spooled(spool_dir)
        assert sorted(waiting) == request_ids
        assert await stored(sessions, request_ids) == []

        # When another gateway starts on the same spool directory, with its database there
        with running_server(tmp_path / "second", database_url, env=spool_env) as second:
            # Then by the time it serves, every event is stored once, as it was raised
            assert await stored(sessions, request_ids) == [
                (r, waiting[r]["id"], waiting[r]["created_at"], "auth.token_rejected", "failure")
                for r in request_ids
            ]
            assert list(spool_dir.glob(SEGMENT_GLOB)) == []
            drained = await metric(second, "scaigate_audit_spool_drained_events_total")
            assert drained == len(request_ids)
            assert await metric(second, "scaigate_audit_spool_events") == 0
