"""The GraphQL endpoint: Strawberry's FastAPI router with orjson on the wire.

Strawberry serves the explorer page and graphql-transport-ws (`gateway.graphql_ws`: the
token at `connection_init`, subscriptions only). HTTP operations go through
`serve_http` below, which follows the GraphQL-over-HTTP specification (`gateway.graphql_http`:
media types, status codes, GET for queries only), applies persisted operations
(`gateway.persisted_operations`) and bounds batches (`SCAIGATE_LIMIT_MAX_BATCH`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson
import structlog
from graphql import GraphQLError, OperationType
from sqlalchemy.exc import SQLAlchemyError
from starlette.requests import Request
from starlette.responses import Response
from strawberry.http import GraphQLHTTPResponse
from strawberry.types import ExecutionResult

from core.json_bytes import json_bytes
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
    parse_content_type,
    status_of,
)
from gateway.graphql_ws import WebSocketContext, subscription_refusal
from gateway.persisted_operations import Mode, Refused, remember, resolve
from resolvers.context import RequestContext
from resolvers.errors import ErrorCode, retry_after_headers
from schema.strawberry_private import (
    GraphQLEndpoint,
    OperationNotFound,
    OperationTypeNotAllowed,
    QueryMissing,
    execute_over_http,
    never_ran,
    request_error,
)

logger = structlog.stdlib.get_logger("scaigate.graphql")

_ALLOWED_OPERATIONS = {
    "GET": frozenset({OperationType.QUERY}),
    "POST": frozenset({OperationType.QUERY, OperationType.MUTATION}),
}


class GatewayGraphQLRouter(OfflineGraphiQL, GraphQLEndpoint):
    """`/graphql`: Strawberry's router (`schema.strawberry_private.GraphQLEndpoint`) with the
    gateway's rules for HTTP (`serve_http`) and WebSocket (`gateway.graphql_ws`)."""

    async def connect_websocket(self, context: object) -> None:
        assert isinstance(context, WebSocketContext)
        await context.connect()

    async def refuse_subscription(
        self, context: Any, query: object, operation_name: object, extensions: object
    ) -> GraphQLError | None:
        return await subscription_refusal(context, query, operation_name, extensions)

    def encode_json(self, data: object) -> bytes:
        return json_bytes(data)

    def decode_json(self, data: str | bytes) -> object:
        return orjson.loads(data)

    def serves_explorer(self, request: Request) -> bool:
        return shows_explorer(request, enabled=self.graphql_ide is not None)

    async def serve_http(self, request: Request, context: object, response: Response) -> Response:
        media_type = negotiate(request.headers.get("accept"))
        if media_type is None:
            acceptable = ", ".join(MEDIA_TYPES)
            error = GraphQLHTTPError(406, f"Not acceptable: this endpoint answers {acceptable}")
            return self._error_response(error, JSON)
        try:
            return await self._run_http(request, context, media_type, response)
        except GraphQLHTTPError as error:
            return self._error_response(error, media_type)

    async def _run_http(
        self,
        request: Request,
        context: object,
        media_type: str,
        sub_response: Response,
    ) -> Response:
        settings: Settings = request.app.state.settings
        data = await self._request_data(request, settings.limit_max_batch)
        mode = Mode(settings.persisted_operations)
        body: GraphQLHTTPResponse | list[GraphQLHTTPResponse]
        if isinstance(data, list):
            # One after another, as written: a batch's mutations must not race each other.
            results = [await self._execute(request.method, context, item, mode) for item in data]
            body = [await self._response_data(request, result) for result in results]
            status = 200
        else:
            result = await self._execute(request.method, context, data, mode)
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
        self, method: str, context: object, data: OperationRequest, mode: Mode
    ) -> ExecutionResult:
        request_context: RequestContext = getattr(context, "request_context")  # noqa: B009
        try:
            operation = await resolve(
                mode, request_context, data.query, data.operation_name, data.extensions
            )
        except Refused as refused:
            return request_error([refused.error])
        try:
            result = await execute_over_http(
                self.schema,
                operation.query,
                variables=data.variables,
                operation_name=data.operation_name,
                extensions=data.extensions,
                context=context,
                allowed=_ALLOWED_OPERATIONS[method],
            )
        except OperationTypeNotAllowed as error:
            if error.operation_type is OperationType.MUTATION:
                raise GraphQLHTTPError(
                    405,
                    "Mutations are not allowed over GET: send them with POST",
                    headers={"Allow": "POST"},
                ) from error
            return _request_error("Subscriptions are not served over HTTP", "BAD_REQUEST")
        except OperationNotFound as error:
            return _request_error(str(error), "OPERATION_RESOLUTION_FAILURE")
        except QueryMissing as error:
            raise GraphQLHTTPError(
                400, "No GraphQL query in the request: send `query` (or a persisted query hash)"
            ) from error
        if operation.store_as and operation.query and not never_ran(result):
            try:
                await remember(request_context, operation.store_as, operation.query)
            except SQLAlchemyError:
                # The operation has run (perhaps a mutation): answer it all the same.
                logger.warning("persisted_query_not_stored", exc_info=True)
        return result

    async def _request_data(
        self, request: Request, max_batch: int
    ) -> OperationRequest | list[OperationRequest]:
        if request.method == "GET":
            params: dict[str, Any] = dict(request.query_params)
            try:
                for name in ("variables", "extensions"):
                    if params.get(name):
                        params[name] = self.decode_json(params[name])
            except ValueError as error:
                raise GraphQLHTTPError(
                    400, "The variables and extensions parameters must be JSON"
                ) from error
            return _request(params)
        header = request.headers.get("content-type")
        if not header:
            raise GraphQLHTTPError(415, "A POST body needs Content-Type: application/json")
        mime, parameters = parse_content_type(header)
        if mime != JSON or parameters.get("charset", "utf-8").lower() != "utf-8":
            raise GraphQLHTTPError(
                415, f"Unsupported Content-Type {header!r}: send application/json (UTF-8)"
            )
        try:
            body = self.decode_json(await request.body())
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


@dataclass(frozen=True)
class OperationRequest:
    """One operation's GraphQL-over-HTTP request parameters, checked for shape."""

    query: str | None
    operation_name: str | None
    variables: dict[str, Any] | None
    extensions: dict[str, Any] | None


def _request_error(message: str, code: str) -> ExecutionResult:
    return request_error([GraphQLError(message, extensions={"code": code})])


def _request(params: Any) -> OperationRequest:
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
    return OperationRequest(
        query=query, operation_name=operation_name, variables=variables, extensions=extensions
    )
