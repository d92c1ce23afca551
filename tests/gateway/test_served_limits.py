"""A running worker refuses a fragment fan-out, with or without a token and over HTTP or
WebSocket, and keeps answering others while it does."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator

import httpx
import pytest

from core.limits import DEFAULT_OPERATION_LIMITS
from tests.fragment_documents import fan_out, fan_out_cost
from tests.gateway.live_feed import bearer_payload, feed_client
from tests.gateway.test_served_process import (
    Server,
    read_response,
    running_server,
    super_admin_token,
)

# Each fragment spreads the next one twice, below the subscription's one root field.
SUBSCRIPTION_FAN_OUT = " ".join(
    [
        "subscription { auditEvents { ...F0 } }",
        *(f"fragment F{i} on AuditEvent {{ id ...F{i + 1} ...F{i + 1} }}" for i in range(40)),
        "fragment F40 on AuditEvent { id }",
    ]
)


@pytest.fixture(scope="module")
def server(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with running_server(tmp_path_factory.mktemp("served"), database_url) as served:
        yield served


class TestFragmentFanOut:
    def test_is_refused_while_the_health_check_is_answered(self, server: Server) -> None:
        # given: the whole 40-level document sent, without a token
        body = json.dumps({"query": fan_out(40)}).encode()
        head = (
            "POST /graphql HTTP/1.1\r\n"
            f"Host: 127.0.0.1:{server.port}\r\n"
            "Content-Type: application/json\r\n"
            "Accept: application/graphql-response+json\r\n"
            "Connection: close\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode()
        with socket.create_connection(("127.0.0.1", server.port), timeout=60) as connection:
            connection.sendall(head + body)

            # when: the health check is asked while that request is in the worker's hands
            health = httpx.get(f"{server.url}/healthz", timeout=30)
            status, answer = read_response(connection)

        # then
        assert (health.status_code, health.json()) == (200, {"status": "ok"})
        assert status == 400
        assert "data" not in answer
        [error] = answer["errors"]
        assert error["extensions"] == {
            "code": "OPERATION_LIMIT_EXCEEDED",
            "limit": "cost",
            "maximum": DEFAULT_OPERATION_LIMITS.budget(None)[1],
            "actual": fan_out_cost(40),
            "role": "anonymous",
        }

    async def test_is_refused_when_subscribing(self, server: Server) -> None:
        url = f"ws://127.0.0.1:{server.port}/graphql"
        async with feed_client(url, bearer_payload(super_admin_token())) as client:
            await client.subscribe(query=SUBSCRIPTION_FAN_OUT)

            answer = await client.receive()

        # auditEvents costs 1, F40 1, and each fragment above it 1 + twice the next
        assert (answer["type"], answer["id"]) == ("error", "1")
        [error] = answer["payload"]
        assert error["extensions"]["limit"] == "cost"
        assert error["message"] == (
            f"Operation cost {2**41:,} exceeds the super_admin budget of "
            f"{DEFAULT_OPERATION_LIMITS.cost_super_admin:,}"
        )
