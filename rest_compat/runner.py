"""Runs a route's GraphQL operation on the shared schema and reshapes the answer."""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse, Response
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLNonNull,
    NamedTypeNode,
    OperationDefinitionNode,
    parse,
)
from starlette.datastructures import Headers, QueryParams
from starlette.requests import ClientDisconnect

from core.errors import AuthenticationFailed
from core.json_bytes import json_bytes
from core.observation import request_id_of
from resolvers.context import RequestContext
from resolvers.control_characters import refusal
from resolvers.errors import HTTP_STATUS, BadInput, ErrorCode, retry_after_headers
from resolvers.pagination import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE,
    MAX_PAGE_SIZE,
    encode_cursor,
    parse_count,
)
from rest_compat.documents import snake
from rest_compat.enums import match_enum_values, variable_types
from rest_compat.media_type import json_body_refusal
from rest_compat.planned import planned_data
from rest_compat.sorting import listing_variables
from rest_compat.table import Call, Route, Shape
from schema.context import GraphQLContext
from schema.errors import database_outage, log_unexpected, masked_message
from schema.schema import schema
from schema.strawberry_private import graphql_core_schema

# How a route gets its request's context, the bearer token verified: the app that mounts the
# routes passes it in, the same one its GraphQL endpoint uses.
ContextOf = Callable[[Request], Awaitable[RequestContext]]


class RestError(Exception):
    def __init__(self, status: int, detail: str, code: str, error_id: str | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.code = code
        self.error_id = error_id


_INVALID_VARIABLE = re.compile(
    r"^Variable '\$input' has invalid value at \.(\w+)[^:]*: (.*)$", re.S
)


def rest_message(message: str) -> str:
    """GraphQL's coercion message, in the REST body's terms: `contact_email: <why>`."""
    match = _INVALID_VARIABLE.match(message)
    if match is None:
        return message
    return f"{snake(match.group(1))}: {match.group(2)}"


def status_for(code: str) -> int:
    """Known domain codes map through the one table; GraphQL input errors are 422."""
    try:
        return HTTP_STATUS[ErrorCode(code)]
    except ValueError:
        return 422


class RestJSONResponse(JSONResponse):
    """Starlette's JSON response written by orjson, in a tenth of the time (a fair part of a
    request for a page of 100 rows). The bytes are the same for what routes answer: strings,
    integers, booleans and null, compact and UTF-8. (A float would be the same number, its
    exponent written `1e-5` rather than `1e-05`; no REST field is a float.)"""

    def render(self, content: Any) -> bytes:
        return json_bytes(content)


def error_response(
    status: int, detail: str, code: str, error_id: str | None = None
) -> JSONResponse:
    body = {"detail": detail, "code": code}
    if error_id:
        body["error_id"] = error_id  # an unexpected error: the id of its log line
    return RestJSONResponse(body, status_code=status, headers=retry_after_headers(code))


def _bad_input(detail: str) -> RestError:
    return RestError(422, detail, ErrorCode.BAD_USER_INPUT.value)


def _limit(query: dict[str, str], default: int, maximum: int) -> int:
    raw = query.get("limit")
    if raw is None:
        return default
    value = parse_count(raw)
    if value is None or not 1 <= value <= maximum:
        raise _bad_input(f"limit: must be an integer from 1 to {maximum}")
    return value


def _positive_int(query: dict[str, str], name: str, default: int, maximum: int) -> int:
    raw = query.get(name)
    if raw is None:
        return default
    value = parse_count(raw)
    if value is None or value < 1:
        raise _bad_input(f"{name} must be a positive integer")
    if value > maximum:
        raise _bad_input(f"{name} must be at most {maximum}")
    return value


def _check_body(route: Route, body: Any) -> None:
    if route.body_input is None:
        return
    if not isinstance(body, dict):
        raise _bad_input("Request body must be a JSON object")
    input_type = graphql_core_schema(schema).get_type(route.body_input)
    assert isinstance(input_type, GraphQLInputObjectType)
    # Only the documented snake_case keys: a camelCase spelling would otherwise be a second
    # name for the same field, and one of two values given under both would be dropped.
    documented = {snake(name) for name in input_type.fields}
    for key in body:
        if key not in documented:
            raise _bad_input(f"Unknown field '{key}'")
    for name, field in input_type.fields.items():
        if isinstance(field.type, GraphQLNonNull) and snake(name) not in body:
            raise _bad_input(f"{snake(name)}: is required")


def _check_query(route: Route, query: Mapping[str, str]) -> None:
    """A parameter the route does not read is refused, so that a misspelt filter does not
    quietly answer everything."""
    known = route.known_query_parameters()
    for name in query:
        if name not in known:
            accepted = ", ".join(sorted(known)) or "none"
            raise _bad_input(f"Unknown query parameter '{name}' (accepted: {accepted})")


def body_is_optional(input_name: str) -> bool:
    """A body may be left out when its input type has no required field."""
    input_type = graphql_core_schema(schema).get_type(input_name)
    assert isinstance(input_type, GraphQLInputObjectType)
    return not any(isinstance(f.type, GraphQLNonNull) for f in input_type.fields.values())


async def _read_body(request: Request, route: Route) -> Any:
    if route.body_input is None:
        return None
    raw = await request.body()
    if not raw.strip():
        if body_is_optional(route.body_input):
            return {}
        raise _bad_input("Request body must be a JSON object")
    refused_media_type = json_body_refusal(request.headers.get("content-type"))
    if refused_media_type is not None:
        raise RestError(415, refused_media_type, "UNSUPPORTED_MEDIA_TYPE")
    try:
        return await request.json()
    except ValueError as exc:
        raise _bad_input("Request body is not valid JSON") from exc
    except RecursionError as exc:
        raise _bad_input("Request body is nested too deeply") from exc


def check_text(route: Route, path: Mapping[str, str], query: QueryParams, headers: Headers) -> None:
    """Path ids, query parameters and the headers a route maps are one-line values: the
    control-character rule's strict form, named as the client sent them. (The body is
    checked as the operation's `$input`, where free-text fields are known.)"""
    mapped = ((f"{name} header", headers.get(name)) for name in route.headers)
    values = (*path.items(), *query.multi_items(), *mapped)
    for name, value in values:
        reason = refusal(value) if isinstance(value, str) else None
        if reason is not None:
            raise _bad_input(f"{name}: {reason}")
    for name in query:
        reason = refusal(name)
        if reason is not None:
            raise _bad_input(f"query parameter names: {reason}")


def _page_variables(query: dict[str, str]) -> tuple[dict[str, Any], int, int]:
    page = _positive_int(query, "page", 1, MAX_PAGE)
    per_page = _positive_int(query, "per_page", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
    variables: dict[str, Any] = {"first": per_page}
    offset = (page - 1) * per_page
    if offset:
        variables["after"] = encode_cursor(offset - 1)
    return variables, page, per_page


def _mapped(names: dict[str, str], values: Mapping[str, str]) -> dict[str, Any]:
    """Query parameters or headers (`names`: parameter → variable) present in the request."""
    return {variable: values[name] for name, variable in names.items() if name in values}


@functools.cache
def _boolean_variables(document: str) -> frozenset[str]:
    """The variables a route's document declares `Boolean` (`$active: Boolean`)."""
    return frozenset(
        definition.variable.name.value
        for operation in parse(document).definitions
        if isinstance(operation, OperationDefinitionNode)
        for definition in operation.variable_definitions or ()
        if isinstance(definition.type, NamedTypeNode) and definition.type.name.value == "Boolean"
    )


def _filters(route: Route, query: Mapping[str, str]) -> dict[str, Any]:
    """The route's query-string filters; a Boolean one is written `true` or `false`."""
    values = _mapped(route.filters, query)
    for variable in _boolean_variables(route.document) & values.keys():
        flag = {"true": True, "false": False}.get(str(values[variable]).lower())
        if flag is None:
            param = next(name for name, var in route.filters.items() if var == variable)
            raise _bad_input(f"{param} must be true or false")
        values[variable] = flag
    return values


_INVALID_PARAMETER = re.compile(r"^Variable '\$(\w+)' has invalid value: (.*)$", re.S)


def _refusal(route: Route, variable: str, reason: str) -> str:
    """Why a query parameter's value was refused; for an enum, the values it takes, spelled
    as documented (`must be one of success, failure, denied`)."""
    graphql_type = variable_types(route.document).get(variable)
    if isinstance(graphql_type, GraphQLNonNull):
        graphql_type = graphql_type.of_type
    if isinstance(graphql_type, GraphQLEnumType):
        return f"must be one of {', '.join(name.lower() for name in graphql_type.values)}"
    return reason


def _detail(route: Route, message: str, field: Any) -> str:
    """A refused value is named as the client sent it: the query parameter (`since`), or the
    header (`X-Scai-Tenant`) it came from."""
    parameter = _INVALID_PARAMETER.match(message)
    if parameter is not None:
        for param, variable in route.filters.items():
            if variable == parameter.group(1):
                return f"{param}: {_refusal(route, variable, parameter.group(2))}"
    message = rest_message(message)
    for header, variable in route.headers.items():
        name = snake(variable)
        if field == name and message.startswith(f"{name}: "):
            return f"{header} header: {message[len(name) + 2 :]}"
    return message


async def _run(route: Route, variables: dict[str, Any], context: RequestContext) -> Any:
    """The route's root field value, or the first error as a RestError."""
    data = await planned_data(route.document, variables, context)
    if data is not None:
        return data[route.field]
    result = await schema.execute(
        route.document, variable_values=variables, context_value=GraphQLContext(context)
    )
    if result.errors:
        error = result.errors[0]
        extensions = error.extensions or {}
        code = str(extensions.get("code", ErrorCode.BAD_USER_INPUT.value))
        detail = _detail(route, error.message, extensions.get("field"))
        raise RestError(status_for(code), detail, code, extensions.get("error_id"))
    assert result.data is not None
    return result.data[route.field]


async def _all_items(route: Route, variables: dict[str, Any], context: RequestContext) -> list[Any]:
    """Shape.DATA: a list as it is, or a connection's nodes, read page by page to its end."""
    to_the_end = "first" not in variables
    if to_the_end:
        variables = {**variables, "first": MAX_PAGE_SIZE}
    items: list[Any] = []
    while True:
        value = await _run(route, variables, context)
        if isinstance(value, list):
            return value
        items.extend(value["nodes"])
        page_info = value.get("pageInfo") or {}
        if not (to_the_end and page_info.get("hasNextPage")):
            return items
        variables = {**variables, "after": page_info["endCursor"]}


@dataclass(frozen=True)
class Prepared:
    """A call's variables, checked and mapped, and the page it asked for (Shape.PAGE)."""

    variables: dict[str, Any]
    page: int = 0
    per_page: int = 0


def prepare(
    route: Route, path: dict[str, str], query_params: QueryParams, headers: Headers, body: Any
) -> Prepared:
    """The route's variables from one call's parts (a RestError for what is refused), in the
    order its checks have always run, so that the first refusal is the same. The call's text
    was checked first (`check_text`), before its body was read."""
    _check_body(route, body)
    query = dict(query_params)
    _check_query(route, query)
    call = Call(path=path, query=query, body=body, headers=headers)
    variables = route.variables(call)
    variables.update(_filters(route, query))
    try:
        variables.update(listing_variables(route.listing, query))
    except BadInput as exc:
        raise _bad_input(str(exc)) from exc
    variables.update(_mapped(route.headers, headers))
    variables = match_enum_values(route.document, variables)
    page = per_page = 0
    if route.shape is Shape.PAGE:
        extra, page, per_page = _page_variables(query)
        variables.update(extra)
    if route.limit is not None:
        variables["first"] = _limit(query, *route.limit)
    return Prepared(variables, page, per_page)


@dataclass(frozen=True)
class Answer:
    """A route's answer: its status and what its JSON body holds (no body for 204)."""

    status: int
    content: Any = None
    has_body: bool = True


async def answer(route: Route, prepared: Prepared, context: RequestContext) -> Answer:
    """What the route answers the call (a RestError for a refusal)."""
    variables = prepared.variables
    if route.shape is Shape.DATA:
        return Answer(200, {"data": await _all_items(route, variables, context)})
    value = await _run(route, variables, context)
    if route.shape is Shape.NO_CONTENT:
        return Answer(204, has_body=False)
    if route.shape is Shape.PAGE:
        total = value["totalCount"]
        per_page = prepared.per_page
        return Answer(
            200,
            {
                "data": value["nodes"],
                "pagination": {
                    "page": prepared.page,
                    "per_page": per_page,
                    "total": total,
                    "total_pages": math.ceil(total / per_page) if per_page else 0,
                },
            },
        )
    return Answer(route.status, route.reshape(value))


def failure_response(route: Route, exc: Exception, request_id: str) -> Response:
    """What a call that failed answers: its RestError, 503 for a database outage, else a
    masked unexpected error whose id matches its log line."""
    if isinstance(exc, RestError):
        return error_response(exc.status, exc.detail, exc.code, exc.error_id)
    outage = database_outage(exc, request_id=request_id, route=route.path)
    if outage is not None:
        return error_response(status_for(outage.code), outage.message, outage.code.value)
    error_id = log_unexpected(exc, request_id=request_id, route=route.path)
    code = ErrorCode.INTERNAL.value
    return error_response(status_for(code), masked_message(error_id), code, error_id)


async def execute(route: Route, request: Request, context_of: ContextOf) -> Response:
    try:
        return await _execute(route, request, context_of)
    except (AuthenticationFailed, ClientDisconnect):
        raise
    except Exception as exc:
        return failure_response(route, exc, request_id_of(request))


async def _execute(route: Route, request: Request, context_of: ContextOf) -> Response:
    context = await context_of(request)
    path, query, headers = dict(request.path_params), request.query_params, request.headers
    check_text(route, path, query, headers)
    body = await _read_body(request, route)
    prepared = prepare(route, path, query, headers, body)
    answered = await answer(route, prepared, context)
    if not answered.has_body:
        return Response(status_code=answered.status)
    return RestJSONResponse(answered.content, status_code=answered.status)
