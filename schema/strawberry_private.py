"""Every use of Strawberry's private or undocumented API, in one place.

Strawberry (pinned in pyproject.toml) offers no public way to do these; each function or
class names what it does, and tests/schema/test_strawberry_private.py fails when an upgrade
changes one. No other module imports a private name of Strawberry or graphql-core, imports
from an undocumented Strawberry module, or overrides an undocumented member of a Strawberry
class (tests/schema/test_strawberry_fence.py holds the line).

The schema side:

- `graphql_core_schema`: the graphql-core schema Strawberry built (`Schema._schema`). The
  REST routes, the OpenAPI document, the operation limits, input checks and relation
  prefetching walk graphql-core's types, which carry what Strawberry's own do not (input
  coercion, possible types, the field objects the executor resolves).
- `resolve_info`: graphql-core's resolve info behind a `strawberry.Info` (`Info._raw_info`):
  the field nodes, path and fragments that prefetching reads ahead of the executor.
- `print_directive_with`: the schema directive a permission prints on its field in the SDL
  (`BasePermission._schema_directive`), so that the check and its declaration are one.
- `strawberry_field_of`: the Strawberry field a graphql-core field was built from (the
  converter's back reference), where a relation field keeps its metadata.

The transport side (the gateway's `/graphql` endpoint subclasses `GraphQLEndpoint`):

- `GraphQLEndpoint.run` replaces the router's undocumented request loop for HTTP
  operations (media types, status codes, persisted operations and batches are the
  gateway's, in `serve_http`); WebSocket handshakes and the explorer page stay Strawberry's.
- `execute_over_http`: `Schema.execute` restricted to the operation types a method allows,
  with Strawberry's undocumented exceptions for a refused type, an unknown operation and a
  missing query turned into this module's.
- `request_error` and `never_ran`: Strawberry's `PreExecutionError`, the result of an
  operation that never started (nothing parsed, validated or coerced).
- `SubscriptionGate`: the graphql-transport-ws handler, asking the endpoint's
  `refuse_subscription` before each new operation starts.
- `TextFrameWebSocketAdapter`: WebSocket messages as JSON *text* frames.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

import strawberry
from graphql import (
    GraphQLError,
    GraphQLField,
    GraphQLResolveInfo,
    GraphQLSchema,
)
from graphql import (
    OperationType as CoreOperationType,
)
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket, WebSocketDisconnect
from strawberry.asgi import ASGIWebSocketAdapter
from strawberry.exceptions import MissingQueryError
from strawberry.fastapi import GraphQLRouter
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.permission import BasePermission
from strawberry.schema.base import BaseSchema
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import SubscribeMessage
from strawberry.types import ExecutionResult
from strawberry.types.execution import PreExecutionError
from strawberry.types.field import StrawberryField
from strawberry.types.graphql import OperationType
from strawberry.types.unset import UnsetType

from core.json_bytes import json_bytes

# -- the schema side --------------------------------------------------------------------------


def graphql_core_schema(schema: strawberry.Schema) -> GraphQLSchema:
    """The graphql-core schema a Strawberry schema was converted into."""
    built: GraphQLSchema = schema._schema
    return built


def resolve_info(info: strawberry.Info[Any, Any]) -> GraphQLResolveInfo:
    """graphql-core's resolve info of the field a Strawberry resolver is running for."""
    raw: GraphQLResolveInfo = info._raw_info
    return raw


def print_directive_with(permission: BasePermission, directive: object) -> None:
    """`directive` (a `@strawberry.schema_directive` instance) is printed on every field the
    permission guards, when the permission is attached with `PermissionExtension`."""
    permission._schema_directive = directive  # type: ignore[misc]


def strawberry_field_of(field: GraphQLField) -> StrawberryField | None:
    """The Strawberry field a graphql-core field was converted from, if it was one."""
    definition = field.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
    return definition if isinstance(definition, StrawberryField) else None


# -- executing an operation received over HTTP ------------------------------------------------


class OperationTypeNotAllowed(Exception):
    """The operation's type is not among those the request's method allows."""

    def __init__(self, operation_type: CoreOperationType) -> None:
        super().__init__(operation_type.value)
        self.operation_type = operation_type


class OperationNotFound(Exception):
    """The document has no operation by the name given (or several and no name); the
    message says which, in Strawberry's words."""


class QueryMissing(Exception):
    """The request carries no document to run."""


async def execute_over_http(
    schema: BaseSchema,
    query: str | None,
    *,
    variables: dict[str, Any] | None,
    operation_name: str | None,
    extensions: dict[str, Any] | None,
    context: object,
    allowed: frozenset[CoreOperationType],
) -> ExecutionResult:
    """Runs one operation, refusing (before anything executes) one whose type is not in
    `allowed`: `OperationTypeNotAllowed`, `OperationNotFound`, `QueryMissing`."""
    try:
        return await schema.execute(
            query,
            variable_values=variables,
            context_value=context,
            operation_name=operation_name,
            allowed_operation_types=[OperationType(kind.value) for kind in allowed],
            operation_extensions=extensions,
        )
    except InvalidOperationTypeError as error:
        refused = CoreOperationType(error.operation_type.value)
        raise OperationTypeNotAllowed(refused) from error
    except CannotGetOperationTypeError as error:
        raise OperationNotFound(error.as_http_error_reason()) from error
    except MissingQueryError as error:
        raise QueryMissing from error


def request_error(errors: list[GraphQLError]) -> ExecutionResult:
    """The result of an operation refused before it started: no `data` is sent at all."""
    return PreExecutionError(data=None, errors=errors)


def never_ran(result: ExecutionResult) -> bool:
    """Whether Strawberry answered `result` before executing anything (a document that does
    not parse or validate, or one refused by `request_error`)."""
    return isinstance(result, PreExecutionError)


# -- the endpoint -----------------------------------------------------------------------------


class TextFrameWebSocketAdapter(ASGIWebSocketAdapter):
    """graphql-transport-ws messages are JSON *text* frames; browser clients (graphql-ws)
    refuse binary ones, which Strawberry sends whenever `encode_json` returns bytes."""

    async def send_json(self, message: Mapping[str, object]) -> None:
        try:
            await self.ws.send_text(json_bytes(message).decode())
        except WebSocketDisconnect as exc:
            raise WebSocketDisconnected from exc


class SubscriptionGate(BaseGraphQLTransportWSHandler[Any, Any]):
    """graphql-transport-ws, where the endpoint may refuse an operation before it starts:
    the refusal is sent as the operation's `error` message and the connection stays open."""

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        if self.connection_acknowledged and message["id"] not in self.operations:
            payload: Any = message["payload"]
            endpoint = cast("GraphQLEndpoint", self.view)
            refusal = await endpoint.refuse_subscription(
                self.context,
                payload.get("query"),
                payload.get("operationName"),
                payload.get("extensions"),
            )
            if refusal is not None:
                await self.send_message(
                    {"id": message["id"], "type": "error", "payload": [refusal.formatted]}
                )
                return
        await super().handle_subscribe(message)


class GraphQLEndpoint(GraphQLRouter[object, None]):
    """Strawberry's FastAPI router, with HTTP operations answered by `serve_http`.

    Strawberry keeps the WebSocket protocol (through `SubscriptionGate`: `connect_websocket`
    at `connection_init`, `refuse_subscription` before each operation) and the explorer page
    (for a GET that `serves_explorer`).
    """

    graphql_transport_ws_handler_class = SubscriptionGate
    websocket_adapter_class = TextFrameWebSocketAdapter

    async def connect_websocket(self, context: Any) -> None:
        """Accepts a WebSocket at `connection_init` (its payload is `context.connection_params`),
        or raises `strawberry.exceptions.ConnectionRejectionError` to close it with 4403."""

    async def on_ws_connect(self, context: Any) -> UnsetType:
        await self.connect_websocket(context)
        return strawberry.UNSET  # acknowledged without a payload

    async def serve_http(self, request: Request, context: object, response: Response) -> Response:
        """The answer to a GraphQL operation over HTTP. `response` is the one resolvers set
        headers on; copy its headers onto the answer."""
        raise NotImplementedError

    def serves_explorer(self, request: Request) -> bool:
        """Whether a request gets the explorer page (Strawberry's own rule: a GET without
        `query` whose `Accept` admits HTML) rather than being run as an operation."""
        accept = request.headers.get("accept", "")
        return (
            request.method == "GET"
            and request.query_params.get("query") is None
            and ("text/html" in accept or "*/*" in accept)
        )

    def should_render_graphql_ide(self, request: Any) -> bool:
        # Strawberry asks this again inside `run`; the gateway's rule answers both times.
        return self.serves_explorer(request)

    async def refuse_subscription(
        self,
        context: Any,
        query: object,
        operation_name: object,
        extensions: object,
    ) -> GraphQLError | None:
        """Why an operation sent over WebSocket may not start (the parameters as sent, not
        checked), or None to let Strawberry run it."""
        return None

    async def run(  # type: ignore[override]
        self,
        request: Request | WebSocket,
        context: object = strawberry.UNSET,
        root_value: None = strawberry.UNSET,
    ) -> Response | WebSocket:
        if self.is_websocket_request(request):
            return await super().run(request, context, root_value)
        request = cast("Request", request)
        if self.serves_explorer(request):
            return await super().run(request, context, root_value)
        # The router keeps the request's response on itself: read it before anything awaits.
        response = await self.get_sub_response(request)
        return await self.serve_http(request, context, response)
