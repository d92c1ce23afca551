"""A graphql-transport-ws client for the live audit feed (the `websockets` package)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

PROTOCOL = "graphql-transport-ws"
AUDIT_EVENTS = """
subscription ($filter: AuditEventFilter) {
  auditEvents(filter: $filter) { id action tenantId partnerId result resourceId }
}
"""
# Long enough for a slow machine; a test that waits this long has failed anyway.
PATIENCE = 20.0


class FeedClient:
    def __init__(self, connection: ClientConnection) -> None:
        self.connection = connection

    async def send(self, message: dict[str, Any]) -> None:
        await self.connection.send(json.dumps(message))

    async def receive(self) -> dict[str, Any]:
        raw = await asyncio.wait_for(self.connection.recv(), PATIENCE)
        # The protocol's messages are JSON text frames; browsers' graphql-ws refuses others.
        assert isinstance(raw, str), f"a binary frame: {raw!r}"
        message: dict[str, Any] = json.loads(raw)
        return message

    async def subscribe(
        self,
        operation_id: str = "1",
        *,
        filter: dict[str, Any] | None = None,
        query: str = AUDIT_EVENTS,
    ) -> None:
        variables = {"filter": filter} if filter is not None else {}
        await self.send(
            {
                "id": operation_id,
                "type": "subscribe",
                "payload": {"query": query, "variables": variables},
            }
        )

    async def next_event(self, operation_id: str = "1") -> dict[str, Any]:
        message = await self.receive()
        assert (message["type"], message.get("id")) == ("next", operation_id), message
        assert "errors" not in message["payload"], message
        event: dict[str, Any] = message["payload"]["data"]["auditEvents"]
        return event

    async def closed(self) -> tuple[int | None, str | None]:
        """Waits for the server to close the connection: (code, reason)."""
        await asyncio.wait_for(self.connection.wait_closed(), PATIENCE)
        return self.connection.close_code, self.connection.close_reason


@asynccontextmanager
async def feed_client(
    url: str, payload: dict[str, Any] | None, *, acknowledged: bool = True
) -> AsyncIterator[FeedClient]:
    """A connection that has sent `connection_init` with `payload` (and been acknowledged,
    unless `acknowledged` is False: then the caller reads the answer itself)."""
    async with connect(url, subprotocols=[PROTOCOL]) as connection:  # type: ignore[list-item]
        client = FeedClient(connection)
        init: dict[str, Any] = {"type": "connection_init"}
        if payload is not None:
            init["payload"] = payload
        await client.send(init)
        if acknowledged:
            assert await client.receive() == {"type": "connection_ack"}
        yield client


def bearer_payload(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def until(condition: Callable[[], Awaitable[bool]]) -> None:
    """Waits (polling) until `condition` holds, failing after PATIENCE seconds."""
    deadline = asyncio.get_running_loop().time() + PATIENCE
    while not await condition():
        assert asyncio.get_running_loop().time() < deadline, "the condition never held"
        await asyncio.sleep(0.02)
