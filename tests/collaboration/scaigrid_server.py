"""A small real ScaiGrid stand-in: an HTTP server on 127.0.0.1 in a thread of the test process.

It serves `GET /v1/models` with whatever status, body and delay the test sets, and counts
the requests it received (with their headers), so tests can see what the gateway sent.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

MODELS: list[dict[str, Any]] = [
    {
        "slug": "mistralai/voxtral-small-latest",
        "name": "Voxtral Small",
        "provider": "mistralai",
        "context_window": 32000,
        "capabilities": ["audio", "chat"],
        "description": "Speech understanding.",
        "pricing": {"input": 0.1},  # a key the gateway does not read
    },
    {"slug": "anthropic/claude-sonnet-4-6", "name": "Claude Sonnet 4.6"},
]


class FakeScaiGrid:
    def __init__(self) -> None:
        self.status = 200
        self.body: bytes = json.dumps({"data": MODELS}).encode()
        self.delay_seconds = 0.0
        self.requests: list[dict[str, str]] = []  # the headers of each request received
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True  # a handler still asleep does not hold up the end
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def hits(self) -> int:
        return len(self.requests)

    def answer(self, *, status: int = 200, body: Any = None, raw: bytes | None = None) -> None:
        self.status = status
        self.body = raw if raw is not None else json.dumps(body).encode()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                fake.requests.append(dict(self.headers.items()))
                if self.path != "/v1/models":
                    self.send_error(404)
                    return
                time.sleep(fake.delay_seconds)
                self.send_response(fake.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(fake.body)))
                self.end_headers()
                self.wfile.write(fake.body)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # the test output stays the gateway's

        return Handler

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@contextmanager
def running_scaigrid() -> Iterator[FakeScaiGrid]:
    server = FakeScaiGrid()
    server.start()
    try:
        yield server
    finally:
        server.stop()


def closed_port_url() -> str:
    """A local URL where nothing listens: connections to it are refused."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"
