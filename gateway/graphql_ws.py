"""GraphQL over WebSocket (graphql-transport-ws) at `/graphql`: subscriptions only.

Browsers cannot set headers on a WebSocket, so the bearer token comes in the
`connection_init` payload: `{"Authorization": "Bearer <jwt>"}` or `{"token": "<jwt>"}` (a
handshake `Authorization` header is accepted too). It is checked by the same
`gateway.auth.authenticate` as an HTTP request (signature, expiry, a signed-in session
still live); without one, or with one that is refused, the connection is closed with 4403
Forbidden, as the protocol defines. The token is checked again before each delivery, so
a subscription stops once its token expires or its session is revoked.

Queries and mutations are not run over WebSocket (they have HTTP, where persisted
operations, batching and status codes are handled); in allow-list mode a subscription
must be registered like any other operation.
"""

from __future__ import annotations

from typing import Any, cast

from graphql import GraphQLError, OperationType, get_operation_ast, parse
from starlette.requests import Request
from starlette.websockets import WebSocket
from strawberry.exceptions import ConnectionRejectionError

from core.errors import AuthenticationFailed
from core.settings import Settings
from gateway.auth import anonymous_context, authenticate
from gateway.persisted_operations import Mode, Refused, resolve
from resolvers.errors import Unauthenticated
from schema.context import GraphQLContext

NOT_A_SUBSCRIPTION = (
    "Only subscriptions are served over WebSocket: send queries and mutations over HTTP"
)


class WebSocketContext(GraphQLContext):
    """One connection's context: its caller is set at `connection_init`."""

    def __init__(self, websocket: WebSocket) -> None:
        # `anonymous_context` reads only what an HTTP request and a WebSocket share.
        super().__init__(anonymous_context(cast("Request", websocket)))
        self.settings: Settings = websocket.app.state.settings
        self._handshake_authorization = websocket.headers.get("authorization")
        self._authorization: str | None = None

    async def connect(self) -> None:
        """Authenticates the connection; `ConnectionRejectionError` closes it with 4403."""
        authorization = _authorization(self.connection_params) or self._handshake_authorization
        if not authorization:
            raise ConnectionRejectionError()
        try:
            principal = await authenticate(self.request_context, self.settings, authorization)
        except AuthenticationFailed as exc:
            raise ConnectionRejectionError() from exc
        if principal is None:  # pragma: no cover - a header always yields one or raises
            raise ConnectionRejectionError()
        self.request_context.principal = principal
        self._authorization = authorization

    async def still_authenticated(self) -> None:
        """Raises `Unauthenticated` once the connection's token is no longer accepted."""
        try:
            await authenticate(self.request_context, self.settings, self._authorization)
        except AuthenticationFailed as exc:
            raise Unauthenticated(exc.message) from exc


def _authorization(params: Any) -> str | None:
    if not isinstance(params, dict):
        return None
    for key in ("Authorization", "authorization"):
        value = params.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    token = params.get("token")
    if isinstance(token, str) and token.strip():
        return f"Bearer {token.strip()}"
    return None


async def subscription_refusal(
    context: WebSocketContext, query: Any, operation_name: Any, extensions: Any
) -> GraphQLError | None:
    """Why an operation sent over the connection may not start: it is not a subscription, or
    (in allow-list mode) it is not registered. None lets it run; a document that does not
    parse is answered by the protocol handler."""
    max_tokens = context.request_context.operation_limits.max_tokens
    try:
        operation = get_operation_ast(parse(query, max_tokens=max_tokens), operation_name)
    except (GraphQLError, TypeError):
        return None
    if operation is not None and operation.operation is not OperationType.SUBSCRIPTION:
        return GraphQLError(NOT_A_SUBSCRIPTION, extensions={"code": "BAD_REQUEST"})
    mode = Mode(context.settings.persisted_operations)
    if mode is Mode.ALLOWLIST:
        try:
            await resolve(mode, context.request_context, query, operation_name, extensions)
        except Refused as refused:
            return refused.error
    return None
