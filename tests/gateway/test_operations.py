"""Operations: health and readiness probes, Prometheus metrics (one process and several
workers), and a graceful shutdown that finishes the requests in flight."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

import gateway.health
from core import observation
from core.settings import Settings
from db.engine import create_engine
from gateway.app import create_app
from gateway.metrics import ACTIVE_SUBSCRIPTIONS, subscription_opened
from tests.factories import create_partner, create_tenant
from tests.tokens import Tokens, bearer

SIGNING_KEY = "operations-test-signing-key-0123456789-abcdef"
REPOSITORY = Path(__file__).resolve().parents[2]


def sample(name: str, **labels: str) -> float:
    """The sum of the samples called `name` whose labels include `labels`."""
    return sum(
        s.value
        for family in REGISTRY.collect()
        for s in family.samples
        if s.name == name and labels.items() <= s.labels.items()
    )


@contextmanager
def deltas(*samples: tuple[str, dict[str, str]]) -> Iterator[list[float]]:
    """How much each (name, labels) sample grew while the block ran."""
    before = [sample(name, **labels) for name, labels in samples]
    grown: list[float] = []
    yield grown
    grown.extend(
        sample(name, **labels) - b for (name, labels), b in zip(samples, before, strict=True)
    )


class TestProbes:
    async def test_healthz_answers_without_a_token_or_the_database(
        self, http: httpx.AsyncClient
    ) -> None:
        with deltas(
            ("scaigate_sql_statements_per_request_sum", {"method": "GET", "route": "/healthz"})
        ) as grown:
            response = await http.get("/healthz")

        assert response.status_code == 200
        assert response.json() == {"status": "ok"}
        assert grown == [0.0]

    async def test_readyz_runs_a_query_on_the_database(self, http: httpx.AsyncClient) -> None:
        response = await http.get("/readyz")

        assert response.status_code == 200
        assert response.json() == {"status": "ok"}
        assert response.headers["x-sql-statements"] == "1"

    async def test_readyz_is_503_with_a_reason_when_the_database_refuses(
        self, settings: Settings
    ) -> None:
        # given: a port nobody listens on
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]

        # when
        status, body = await readiness_with(settings, f"postgresql+asyncpg://u@127.0.0.1:{port}/x")

        # then
        assert status == 503
        assert body["status"] == "unavailable"
        assert body["reason"].startswith("database unavailable (")

    async def test_readyz_gives_up_after_a_short_timeout(
        self, settings: Settings, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # given: a server that accepts connections and never answers
        monkeypatch.setattr(gateway.health, "READINESS_TIMEOUT_SECONDS", 0.3)
        with socket.socket() as silent:
            silent.bind(("127.0.0.1", 0))
            silent.listen(8)
            port = silent.getsockname()[1]

            # when
            started = time.monotonic()
            status, body = await readiness_with(
                settings, f"postgresql+asyncpg://u@127.0.0.1:{port}/x"
            )
            elapsed = time.monotonic() - started

        # then
        assert status == 503
        assert body == {"status": "unavailable", "reason": "database did not answer within 0.3 s"}
        assert elapsed < 3

    async def test_probes_and_metrics_are_not_in_the_openapi_document(
        self, http: httpx.AsyncClient
    ) -> None:
        paths = (await http.get("/openapi.json")).json()["paths"]

        assert not {"/healthz", "/readyz", "/metrics"} & set(paths)


async def readiness_with(settings: Settings, url: str) -> tuple[int, dict[str, Any]]:
    application = create_app(settings)
    application.state.engine = create_engine(url)
    try:
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            response = await client.get("/readyz")
    finally:
        await application.state.engine.dispose()
    return response.status_code, response.json()


GRAPHQL_TOTAL = "scaigate_graphql_requests_total"


class TestMetrics:
    async def test_graphql_requests_by_operation_name_and_type(
        self, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        token = bearer(tokens.super_admin())
        labels = {"operation_type": "query", "operation_name": "CountedViewer", "status": "200"}
        latency = {"operation_type": "query", "operation_name": "CountedViewer"}
        with deltas(
            (GRAPHQL_TOTAL, labels),
            ("scaigate_graphql_request_duration_seconds_count", latency),
            (
                "scaigate_http_requests_total",
                {"method": "POST", "route": "/graphql", "status": "200"},
            ),
        ) as grown:
            for _ in range(3):
                await http.post(
                    "/graphql",
                    json={"query": "query CountedViewer { viewer { role } }"},
                    headers=token,
                )

        assert grown == [3.0, 3.0, 3.0]

    async def test_anonymous_mutations_and_invalid_documents_get_fixed_labels(
        self, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        token = bearer(tokens.super_admin())
        # Whatever the HTTP status of each (request errors may answer 400).
        anonymous = {"operation_type": "query", "operation_name": "anonymous"}
        invalid = {"operation_type": "unknown", "operation_name": "invalid"}
        mutation = {"operation_type": "mutation", "operation_name": "Rename"}
        with deltas(
            (GRAPHQL_TOTAL, anonymous), (GRAPHQL_TOTAL, invalid), (GRAPHQL_TOTAL, mutation)
        ) as grown:
            await http.post("/graphql", json={"query": "{ viewer { role } }"}, headers=token)
            await http.post(
                "/graphql", json={"query": "query Broken { viewer { nope } }"}, headers=token
            )
            await http.post("/graphql", json={"query": "query Unparsable {"}, headers=token)
            await http.post(
                "/graphql",
                json={"query": 'mutation Rename { deleteTenant(id: "tnt_0") { id } }'},
                headers=token,
            )

        assert grown == [1.0, 2.0, 1.0]

    async def test_rest_requests_by_route_template_never_the_id(
        self,
        db: None,
        sessions: async_sessionmaker[AsyncSession],
        http: httpx.AsyncClient,
        tokens: Tokens,
    ) -> None:
        tenant = await create_tenant(sessions, partner=await create_partner(sessions))
        route = {"method": "GET", "route": "/api/v1/admin/tenants/{id}"}
        with deltas(
            ("scaigate_http_requests_total", {**route, "status": "200"}),
            ("scaigate_http_requests_total", {**route, "status": "404"}),
            ("scaigate_http_request_duration_seconds_count", route),
            ("scaigate_sql_statements_per_request_count", route),
            ("scaigate_sql_statements_per_request_sum", route),
        ) as grown:
            found = await http.get(
                f"/api/v1/admin/tenants/{tenant.id}", headers=bearer(tokens.super_admin())
            )
            missing = await http.get(
                "/api/v1/admin/tenants/tnt_01jfmissing", headers=bearer(tokens.super_admin())
            )

        statements = int(found.headers["x-sql-statements"]) + int(
            missing.headers["x-sql-statements"]
        )
        assert grown == [1.0, 1.0, 2.0, 2.0, float(statements)]
        exposition = (await http.get("/metrics")).text
        assert tenant.id not in exposition and "tnt_01jfmissing" not in exposition

    async def test_sql_statements_per_request_match_the_header(
        self,
        db: None,
        sessions: async_sessionmaker[AsyncSession],
        http: httpx.AsyncClient,
        tokens: Tokens,
    ) -> None:
        partner = await create_partner(sessions)
        for _ in range(3):
            await create_tenant(sessions, partner=partner)
        route = {"method": "POST", "route": "/graphql"}
        with deltas(("scaigate_sql_statements_per_request_sum", route)) as grown:
            response = await http.post(
                "/graphql",
                json={"query": "{ tenants(first: 5) { nodes { id partner { id } } } }"},
                headers=bearer(tokens.super_admin()),
            )

        assert grown == [float(response.headers["x-sql-statements"])]
        assert grown[0] >= 2

    async def test_unmatched_paths_share_one_label(self, http: httpx.AsyncClient) -> None:
        labels = {"method": "GET", "route": "unmatched", "status": "404"}
        with deltas(("scaigate_http_requests_total", labels)) as grown:
            await http.get("/wp-admin/1")
            await http.get("/wp-admin/2")

        assert grown == [2.0]

    async def test_exposition_is_prometheus_text(self, http: httpx.AsyncClient) -> None:
        await http.get("/healthz")

        response = await http.get("/metrics")

        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/plain; version=")
        names = {family.name for family in text_string_to_metric_families(response.text)}
        assert {
            "scaigate_http_requests",
            "scaigate_http_request_duration_seconds",
            "scaigate_graphql_requests",
            "scaigate_graphql_request_duration_seconds",
            "scaigate_sql_statements_per_request",
            "scaigate_active_subscriptions",
        } <= names

    async def test_metrics_can_be_turned_off(self, database_url: str) -> None:
        settings = Settings(database_url=database_url, enable_metrics=False, _env_file=None)  # type: ignore[call-arg]
        transport = httpx.ASGITransport(app=create_app(settings))
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            assert (await client.get("/metrics")).status_code == 404

    def test_active_subscriptions_gauge_follows_the_helper(self) -> None:
        before = ACTIVE_SUBSCRIPTIONS._value.get()
        with subscription_opened():
            with subscription_opened():
                during = ACTIVE_SUBSCRIPTIONS._value.get()
            with pytest.raises(RuntimeError), subscription_opened():
                raise RuntimeError("the subscriber went away")

        assert during == before + 2
        assert ACTIVE_SUBSCRIPTIONS._value.get() == before

    def test_operation_names_are_capped_per_process(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(observation, "_known_names", set())
        monkeypatch.setattr(observation, "MAX_OPERATION_NAMES", 2)

        labels = [
            observation.operation_name_label(name) for name in ["A", "B", "C", "A", None, "x" * 65]
        ]

        assert labels == ["A", "B", "other", "A", "anonymous", "other"]
