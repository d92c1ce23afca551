"""ASGI middleware: request ids and the per-request SQL statement count header."""

from __future__ import annotations

import re
import uuid
from typing import Any

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from db.engine import count_statements

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,128}$")


class RequestIdAndStatements:
    """Gives each request an id (kept from `X-Request-ID` when sane; bound to every log line
    written while it runs) and, outside production, reports the SQL statements it ran in
    `X-SQL-Statements`."""

    def __init__(self, app: ASGIApp, *, report_statements: bool) -> None:
        self.app = app
        self.report_statements = report_statements

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = b""
        for key, value in scope["headers"]:
            if key == b"x-request-id":
                incoming = value  # the last one, as a dict of the headers kept it
        text = incoming.decode("latin-1")
        request_id = text if _REQUEST_ID.match(text) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id

        request_id_header = (b"x-request-id", request_id.encode())

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers: list[Any] = list(message.get("headers", []))
                headers.append(request_id_header)
                if self.report_statements:
                    headers.append((b"x-sql-statements", str(counter.count).encode()))
                message["headers"] = headers
            await send(message)

        # Bound and reset by token: `bound_contextvars` copies the whole context to save
        # what it replaces, on every request.
        bound = structlog.contextvars.bind_contextvars(request_id=request_id)
        try:
            with count_statements() as counter:
                scope["state"]["sql_statements"] = counter  # read by the access log, metrics
                await self.app(scope, receive, send_with_headers)
        finally:
            structlog.contextvars.reset_contextvars(**bound)
