"""Request bodies are bounded (`SCAIGATE_LIMIT_MAX_BODY_BYTES`): 413 before anything parses.

A `Content-Length` over the bound is refused at once (the server reads no more than the length
announced); a body without one (chunked) is read up to the bound and refused as soon as it
passes it. The refusal speaks the caller's dialect:
a GraphQL error document on the GraphQL path, `{"detail", "code"}` elsewhere.
"""

from __future__ import annotations

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.graphql_http import JSON, content_type, error_document, negotiate

CODE = "PAYLOAD_TOO_LARGE"


class BodySizeLimit:
    def __init__(self, app: ASGIApp, *, max_bytes: int, graphql_path: str) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.graphql_path = graphql_path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        announced = b""
        for key, value in scope["headers"]:
            if key == b"content-length":
                announced = value  # the last one, as a dict of the headers keeps it
        length = announced.decode("latin-1").strip()
        if length.isdigit() and int(length) > self.max_bytes:
            await self._refuse(scope, dict(scope["headers"]), send)
            return
        if not length.isdigit():  # no length announced (chunked): count while reading
            messages = await self._read_bounded(receive)
            if messages is None:
                await self._refuse(scope, dict(scope["headers"]), send)
                return
            receive = replay(messages, receive)
        await self.app(scope, receive, send)

    async def _read_bounded(self, receive: Receive) -> list[Message] | None:
        """The body's messages, or None once it has passed the bound."""
        messages: list[Message] = []
        size = 0
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                return messages
            size += len(message.get("body", b""))
            if size > self.max_bytes:
                return None
            if not message.get("more_body", False):
                return messages

    async def _refuse(self, scope: Scope, headers: dict[bytes, bytes], send: Send) -> None:
        message = f"The request body is larger than the {self.max_bytes:,} bytes accepted"
        media_type = JSON
        body: object
        if str(scope.get("path", "")).startswith(self.graphql_path):
            accept = headers.get(b"accept")
            media_type = negotiate(accept.decode("latin-1") if accept else None) or JSON
            body = error_document(message, CODE)
        else:
            body = {"detail": message, "code": CODE}
        payload = orjson.dumps(body)
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", content_type(media_type).encode()),
                    (b"content-length", str(len(payload)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": payload})


def replay(messages: list[Message], receive: Receive) -> Receive:
    """A `receive` that hands out `messages` (already read) first, then reads on."""
    pending = list(messages)

    async def replayed() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replayed
