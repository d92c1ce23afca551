"""The gateway as `scaigate serve` runs it: graceful shutdown, several workers."""

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
from prometheus_client.parser import text_string_to_metric_families
from typer.testing import CliRunner

from core.principals import Role
from core.settings import Settings
from gateway.cli import app as cli
from gateway.tokens import issue_token

SIGNING_KEY = "operations-test-signing-key-0123456789-abcdef"
REPOSITORY = Path(__file__).resolve().parents[2]


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
