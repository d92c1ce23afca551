"""The Redis the throttling tests share counters through (`scripts/redis-up` starts it).

Without it those tests are skipped, except in CI (`CI=true`), where that is a failure.
"""

from __future__ import annotations

import os
import socket
import uuid
from urllib.parse import urlsplit

import pytest

REDIS_URL = os.environ.get("SCAIGATE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _answers(url: str) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection(
            (parts.hostname or "127.0.0.1", parts.port or 6379), timeout=2
        ) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def redis_url() -> str:
    """The test Redis's URL, or a skip (a failure in CI) when it does not answer."""
    if not _answers(REDIS_URL):
        message = f"no Redis answers at {REDIS_URL} (scripts/redis-up starts one)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return REDIS_URL


def unique_prefix() -> str:
    """A key prefix of its own: parallel runs (SQLite and PostgreSQL) share the server."""
    return f"scaigate-test-{uuid.uuid4().hex}"
