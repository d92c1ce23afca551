"""Operations: health and readiness probes, Prometheus metrics (one process and several
workers), and a graceful shutdown that finishes the requests in flight."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from typer.testing import CliRunner

import gateway.health
from db.engine import create_engine
from gateway import observability
from gateway.app import create_app
from gateway.cli import app as cli
from gateway.metrics import ACTIVE_SUBSCRIPTIONS, subscription_opened
from gateway.principals import Role
from gateway.settings import Settings
from gateway.tokens import issue_token
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
        monkeypatch.setattr(observability, "_known_names", set())
        monkeypatch.setattr(observability, "MAX_OPERATION_NAMES", 2)

        labels = [
            observability.operation_name_label(name)
            for name in ["A", "B", "C", "A", None, "x" * 65]
        ]

        assert labels == ["A", "B", "other", "A", "anonymous", "other"]


# A real server in a subprocess.


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_lines(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.log.read_text().splitlines() if line.strip()]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def running_server(
    workdir: Path, database_url: str, *args: str, env: dict[str, str] | None = None
) -> Iterator[Server]:
    port = free_port()
    log = workdir / "server.log"
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SCAIGATE_", "PROMETHEUS_"))},
        "SCAIGATE_ENV": "production",
        "SCAIGATE_JWT_SIGNING_KEY": SIGNING_KEY,
        "SCAIGATE_DATABASE_URL": database_url,
        "PYTHONPATH": str(REPOSITORY),
        **(env or {}),
    }
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "gateway.cli", "serve", "--port", str(port), *args],
            cwd=workdir,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    server = Server(process, port, log)
    try:
        wait_until_healthy(server)
        yield server
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


def wait_until_healthy(server: Server, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(f"the server exited early:\n{server.log.read_text()}")
        try:
            if httpx.get(f"{server.url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    pytest.fail(f"the server did not become healthy:\n{server.log.read_text()}")


def super_admin_token() -> str:
    return issue_token(
        Settings(jwt_signing_key=SIGNING_KEY, _env_file=None),  # type: ignore[call-arg]
        role=Role.SUPER_ADMIN,
        subject="usr_ops",
    )


def refuses_connections(port: int, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
        except ConnectionRefusedError:
            return True
        time.sleep(0.05)
    return False


def read_response(connection: socket.socket) -> tuple[int, dict[str, Any]]:
    data = b""
    while chunk := connection.recv(65536):
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    return status, json.loads(body)


class TestGracefulShutdown:
    def test_sigterm_finishes_the_request_in_flight_and_refuses_new_ones(
        self, database_url: str, tmp_path: Path
    ) -> None:
        with running_server(
            tmp_path, database_url, env={"SCAIGATE_SHUTDOWN_GRACE_SECONDS": "20"}
        ) as server:
            # given: a request whose body is still arriving
            body = json.dumps({"query": "query InFlight { viewer { role subject } }"}).encode()
            head = (
                "POST /graphql HTTP/1.1\r\n"
                f"Host: 127.0.0.1:{server.port}\r\n"
                "Content-Type: application/json\r\n"
                f"Authorization: Bearer {super_admin_token()}\r\n"
                "X-Request-ID: req-in-flight\r\n"
                f"Content-Length: {len(body)}\r\n\r\n"
            ).encode()
            connection = socket.create_connection(("127.0.0.1", server.port), timeout=30)
            connection.sendall(head + body[:10])
            time.sleep(1.0)

            # when
            server.process.send_signal(signal.SIGTERM)

            # then: no new connections, but the one in flight is answered in full
            assert refuses_connections(server.port)
            assert server.process.poll() is None, "it must wait for the request in flight"
            connection.sendall(body[10:])
            status, answer = read_response(connection)
            connection.close()
            assert status == 200
            assert answer == {"data": {"viewer": {"role": "SUPER_ADMIN", "subject": "usr_ops"}}}
            assert server.process.wait(timeout=30) in (0, -signal.SIGTERM)

        lines = server.log_lines()  # every line is JSON in production
        [access] = [line for line in lines if line.get("request_id") == "req-in-flight"]
        assert (access["event"], access["status"], access["graphql_operation"]) == (
            "request",
            200,
            "InFlight",
        )
        assert any(line["event"] == "Shutting down" for line in lines)

    def test_serve_passes_the_grace_period_and_the_metrics_directory(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        import uvicorn

        seen: dict[str, Any] = {}

        def fake_run(*args: Any, **kwargs: Any) -> None:
            directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
            seen.update(
                kwargs, directory=directory, existed=bool(directory and Path(directory).is_dir())
            )

        monkeypatch.setattr(uvicorn, "run", fake_run)
        monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
        result = CliRunner().invoke(
            cli,
            ["serve", "--workers", "2"],
            env={
                "SCAIGATE_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'serve.db'}",
                "SCAIGATE_SHUTDOWN_GRACE_SECONDS": "7",
            },
        )

        assert result.exit_code == 0, result.output
        assert seen["timeout_graceful_shutdown"] == 7
        assert seen["workers"] == 2
        assert seen["access_log"] is False and seen["log_config"] is None
        assert seen["existed"] is True
        assert not Path(seen["directory"]).exists(), "removed when the server stops"
        assert "PROMETHEUS_MULTIPROC_DIR" not in os.environ

    def test_the_grace_period_defaults_to_30_seconds(self) -> None:
        assert Settings(_env_file=None).shutdown_grace_seconds == 30  # type: ignore[call-arg]


class TestSeveralWorkers:
    def test_metrics_add_up_over_all_workers(self, database_url: str, tmp_path: Path) -> None:
        scratch = tmp_path / "tmp"
        scratch.mkdir()
        token = {"Authorization": f"Bearer {super_admin_token()}"}
        with running_server(
            tmp_path, database_url, "--workers", "2", env={"TMPDIR": str(scratch)}
        ) as server:
            [directory] = list(scratch.glob("scaigate-metrics-*"))
            for _ in range(20):  # a new connection each time, so that both workers take some
                response = httpx.post(
                    f"{server.url}/graphql",
                    json={"query": "query Spread { viewer { role } }"},
                    headers={**token, "Connection": "close"},
                )
                assert response.status_code == 200
            totals = [scraped_total(server, "Spread") for _ in range(4)]
            assert list(directory.glob("*.db"))
            server.process.send_signal(signal.SIGTERM)
            server.process.wait(timeout=30)

        assert totals == [20.0] * 4
        assert not directory.exists()


def scraped_total(server: Server, operation: str) -> float:
    text = httpx.get(f"{server.url}/metrics", headers={"Connection": "close"}).text
    return sum(
        s.value
        for family in text_string_to_metric_families(text)
        if family.name == "scaigate_graphql_requests"
        for s in family.samples
        if s.name == "scaigate_graphql_requests_total" and s.labels["operation_name"] == operation
    )
