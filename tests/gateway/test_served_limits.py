"""A running worker refuses a fragment fan-out without a token, and keeps answering others
while it does."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import httpx

from gateway.limits import DEFAULT_OPERATION_LIMITS
from tests.fragment_documents import fan_out, fan_out_cost
from tests.gateway.test_served_process import read_response, running_server


class TestFragmentFanOut:
    def test_is_refused_while_the_health_check_is_answered(
        self, database_url: str, tmp_path: Path
    ) -> None:
        with running_server(tmp_path, database_url) as server:
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
