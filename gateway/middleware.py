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
        incoming = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id

        with (
            structlog.contextvars.bound_contextvars(request_id=request_id),
            count_statements() as counter,
        ):
            scope["state"]["sql_statements"] = counter  # read by the access log and metrics

            async def send_with_headers(message: Message) -> None:
                if message["type"] == "http.response.start":
                    headers: list[Any] = list(message.get("headers", []))
                    headers.append((b"x-request-id", request_id.encode()))
                    if self.report_statements:
                        headers.append((b"x-sql-statements", str(counter.count).encode()))
                    message["headers"] = headers
                await send(message)

            await self.app(scope, receive, send_with_headers)
