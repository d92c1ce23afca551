"""The GraphQL endpoint: Strawberry's FastAPI router with orjson on the wire.

Strawberry serves the explorer page and graphql-transport-ws (`gateway.graphql_ws`: the
token at `connection_init`, subscriptions only). HTTP operations go through
`run` below, which follows the GraphQL-over-HTTP specification (`gateway.graphql_http`:
media types, status codes, GET for queries only), applies persisted operations
(`gateway.persisted_operations`) and bounds batches (`SCAIGATE_LIMIT_MAX_BATCH`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

import orjson
import structlog
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from graphql import GraphQLError
from sqlalchemy.exc import SQLAlchemyError
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket, WebSocketDisconnect
from strawberry.asgi import ASGIWebSocketAdapter
from strawberry.exceptions import MissingQueryError
from strawberry.fastapi import GraphQLRouter
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.http.base import BaseRequestProtocol
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.http.parse_content_type import parse_content_type
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types import ExecutionResult
from strawberry.types.execution import PreExecutionError
from strawberry.types.graphql import OperationType
from strawberry.types.unset import UNSET, UnsetType

from core.settings import Settings
from gateway.explorer import OfflineGraphiQL, shows_explorer
from gateway.graphql_http import (
    JSON,
    MEDIA_TYPES,
    GraphQLHTTPError,
    content_type,
    error_document,
    is_request_error,
    negotiate,
    status_of,
)
from gateway.graphql_ws import SubscriptionsOnlyHandler, WebSocketContext
from gateway.persisted_operations import Mode, Refused, remember, resolve
from resolvers.context import RequestContext
from resolvers.errors import ErrorCode, retry_after_headers

logger = structlog.stdlib.get_logger("scaigate.graphql")

_ALLOWED_OPERATIONS = {
    "GET": frozenset({OperationType.QUERY}),
    "POST": frozenset({OperationType.QUERY, OperationType.MUTATION}),
}


class TextFrameWebSocketAdapter(ASGIWebSocketAdapter):
    """graphql-transport-ws messages are JSON *text* frames; browser clients (graphql-ws)
    refuse binary ones, which Strawberry sends whenever `encode_json` returns bytes."""

    async def send_json(self, message: Mapping[str, object]) -> None:
        try:
            await self.ws.send_text(orjson.dumps(message).decode())
        except WebSocketDisconnect as exc:
            raise WebSocketDisconnected from exc


class GatewayGraphQLRouter(OfflineGraphiQL, GraphQLRouter[object, None]):
    # WebSocket: graphql-transport-ws only, subscriptions only (`gateway.graphql_ws`).
    graphql_transport_ws_handler_class = SubscriptionsOnlyHandler
    websocket_adapter_class = TextFrameWebSocketAdapter

    async def on_ws_connect(self, context: object) -> UnsetType:
        assert isinstance(context, WebSocketContext)
        await context.connect()
        return UNSET

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)

    def decode_json(self, data: str | bytes) -> object:
        return orjson.loads(data)

    def should_render_graphql_ide(self, request: BaseRequestProtocol) -> bool:
        return shows_explorer(request, enabled=self.graphql_ide is not None)

    async def run(  # type: ignore[override]
        self,
        request: Request | WebSocket,
        context: object = UNSET,
        root_value: None = UNSET,
    ) -> Response | WebSocket:
        if self.is_websocket_request(request):
            return await super().run(request, context, root_value)
        request = cast("Request", request)
        adapter = self.request_adapter_class(request)
        if self.should_render_graphql_ide(adapter):
            return await super().run(request, context, root_value)
        sub_response = await self.get_sub_response(request)  # before anything else awaits
        media_type = negotiate(request.headers.get("accept"))
        if media_type is None:
            acceptable = ", ".join(MEDIA_TYPES)
            error = GraphQLHTTPError(406, f"Not acceptable: this endpoint answers {acceptable}")
            return self._error_response(error, JSON)
        try:
            return await self._run_http(request, adapter, context, media_type, sub_response)
        except GraphQLHTTPError as error:
            return self._error_response(error, media_type)

    async def _run_http(
        self,
        request: Request,
        adapter: AsyncHTTPRequestAdapter,
        context: object,
        media_type: str,
        sub_response: Response,
    ) -> Response:
        settings: Settings = request.app.state.settings
        data = await self._request_data(adapter, settings.limit_max_batch)
        mode = Mode(settings.persisted_operations)
        body: GraphQLHTTPResponse | list[GraphQLHTTPResponse]
        if isinstance(data, list):
            # One after another, as written: a batch's mutations must not race each other.
            results = [await self._execute(adapter.method, context, item, mode) for item in data]
            body = [await self._response_data(request, result) for result in results]
            status = 200
        else:
            result = await self._execute(adapter.method, context, data, mode)
            body = await self._response_data(request, result)
            status = status_of(result, media_type)
        response = Response(
            self.encode_json(body),
            status_code=status,
            media_type=content_type(media_type),
            headers=retry_after_headers(ErrorCode.SERVICE_UNAVAILABLE) if status == 503 else None,
        )
        response.headers.raw.extend(sub_response.headers.raw)  # set by resolvers, if any
        return response

    async def _response_data(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        data = await self.process_result(request, result)
        if is_request_error(result):
            data.pop("data", None)  # the operation never ran: no `data` at all
        return data

    def _error_response(self, error: GraphQLHTTPError, media_type: str) -> Response:
        return Response(
            self.encode_json(error_document(error.message, error.code)),
            status_code=error.status,
            media_type=content_type(media_type),
            headers=error.headers,
        )

    async def _execute(
        self, method: str, context: object, data: GraphQLRequestData, mode: Mode
    ) -> ExecutionResult:
        request_context: RequestContext = getattr(context, "request_context")  # noqa: B009
        try:
            operation = await resolve(
                mode, request_context, data.query, data.operation_name, data.extensions
            )
        except Refused as refused:
            return PreExecutionError(data=None, errors=[refused.error])
        try:
            result = await self.schema.execute(
                operation.query,
                variable_values=data.variables,
                context_value=context,
                operation_name=data.operation_name,
                allowed_operation_types=_ALLOWED_OPERATIONS[method],
                operation_extensions=data.extensions,
            )
        except InvalidOperationTypeError as error:
            if error.operation_type is OperationType.MUTATION:
                raise GraphQLHTTPError(
                    405,
                    "Mutations are not allowed over GET: send them with POST",
                    headers={"Allow": "POST"},
                ) from error
            return _request_error("Subscriptions are not served over HTTP", "BAD_REQUEST")
        except CannotGetOperationTypeError as error:
            return _request_error(error.as_http_error_reason(), "OPERATION_RESOLUTION_FAILURE")
        except MissingQueryError as error:
            raise GraphQLHTTPError(
                400, "No GraphQL query in the request: send `query` (or a persisted query hash)"
            ) from error
        if operation.store_as and operation.query and not isinstance(result, PreExecutionError):
            try:
                await remember(request_context, operation.store_as, operation.query)
            except SQLAlchemyError:
                # The operation has run (perhaps a mutation): answer it all the same.
                logger.warning("persisted_query_not_stored", exc_info=True)
        return result

    async def _request_data(
        self, adapter: AsyncHTTPRequestAdapter, max_batch: int
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        if adapter.method == "GET":
            try:
                params = self.parse_query_params(adapter.query_params)
            except HTTPException as error:
                raise GraphQLHTTPError(
                    400, "The variables and extensions parameters must be JSON"
                ) from error
            return _request(params)
        header = adapter.content_type
        if not header:
            raise GraphQLHTTPError(415, "A POST body needs Content-Type: application/json")
        mime, parameters = parse_content_type(header)
        if mime != JSON or parameters.get("charset", "utf-8").lower() != "utf-8":
            raise GraphQLHTTPError(
                415, f"Unsupported Content-Type {header!r}: send application/json (UTF-8)"
            )
        try:
            body = self.decode_json(await adapter.get_body())
        except ValueError as error:
            raise GraphQLHTTPError(400, "The request body is not valid JSON") from error
        if not isinstance(body, list):
            return _request(body)
        if max_batch == 0:
            raise GraphQLHTTPError(
                400, "Batched requests (a JSON array) are not accepted: send one operation each"
            )
        if not 1 <= len(body) <= max_batch:
            raise GraphQLHTTPError(
                400, f"A batch holds 1 to {max_batch} operations; this one has {len(body)}"
            )
        return [_request(item) for item in body]


def _request_error(message: str, code: str) -> ExecutionResult:
    return PreExecutionError(data=None, errors=[GraphQLError(message, extensions={"code": code})])


def _request(params: Any) -> GraphQLRequestData:
    """The GraphQL-over-HTTP request parameters, or 400 when they have the wrong shape."""
    if not isinstance(params, dict):
        raise GraphQLHTTPError(400, "A GraphQL request is a JSON object")
    # Absent, null and (in a GET's query string) empty all mean "not given".
    query, operation_name, variables, extensions = (
        None if params.get(name) in (None, "") else params[name]
        for name in ("query", "operationName", "variables", "extensions")
    )
    for name, value, kind in (
        ("query", query, str),
        ("operationName", operation_name, str),
        ("variables", variables, dict),
        ("extensions", extensions, dict),
    ):
        if value is not None and not isinstance(value, kind):
            shape = "a string" if kind is str else "an object"
            raise GraphQLHTTPError(400, f"The `{name}` parameter must be {shape}")
    return GraphQLRequestData(
        query=query,
        variables=variables,
        operation_name=operation_name,
        extensions=extensions,
        protocol="http",
    )
