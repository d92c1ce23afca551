"""OpenAPI descriptions of the REST routes, derived from the route table and the schema: path,
query and header parameters, request bodies from the input types, answers from the routes'
selections (`rest_compat.response_schemas`), and the refusals each route can give."""

from __future__ import annotations

from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
)

from resolvers.listing.limits import MAX_TEXT_LENGTH
from resolvers.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE, MAX_PAGE_SIZE
from rest_compat.documents import snake
from rest_compat.enums import variable_types
from rest_compat.response_schemas import ERROR, SCALARS, response_schema
from rest_compat.runner import body_is_optional
from rest_compat.sorting import search_description, sort_description, sort_fields
from rest_compat.table import Route, Shape
from schema.schema import schema
from schema.strawberry_private import graphql_core_schema


def _type_schema(graphql_type: GraphQLInputType) -> dict[str, Any]:
    if isinstance(graphql_type, GraphQLNonNull):
        return _type_schema(graphql_type.of_type)
    if isinstance(graphql_type, GraphQLList):
        return {"type": "array", "items": _type_schema(graphql_type.of_type)}
    if isinstance(graphql_type, GraphQLEnumType):
        return {"type": "string", "enum": list(graphql_type.values)}
    if isinstance(graphql_type, GraphQLScalarType):
        return dict(SCALARS[graphql_type.name])
    assert isinstance(graphql_type, GraphQLInputObjectType)
    return input_schema(graphql_type.name)


def input_schema(name: str) -> dict[str, Any]:
    input_type = graphql_core_schema(schema).get_type(name)
    assert isinstance(input_type, GraphQLInputObjectType)
    properties = {}
    required = []
    for field_name, field in input_type.fields.items():
        prop = _type_schema(field.type)
        if field.description:
            prop["description"] = field.description
        properties[snake(field_name)] = prop
        if isinstance(field.type, GraphQLNonNull):
            required.append(snake(field_name))
    result: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
    }
    if required:
        result["required"] = required
    return result


def _argument_description(route: Route, argument: str) -> str:
    """The schema's description of the argument a header maps onto."""
    for root in (graphql_core_schema(schema).query_type, graphql_core_schema(schema).mutation_type):
        field = root.fields.get(route.field) if root else None
        if field and argument in field.args and field.args[argument].description:
            return str(field.args[argument].description)
    return f"The GraphQL argument `{argument}`."


def _query_value_schema(route: Route, variable: str) -> dict[str, Any]:
    """A query parameter or header as the string it arrives in, typed by its variable."""
    graphql_type = variable_types(route.document).get(variable)
    while isinstance(graphql_type, GraphQLNonNull):
        graphql_type = graphql_type.of_type
    if isinstance(graphql_type, GraphQLEnumType):
        return {"type": "string", "enum": list(graphql_type.values)}
    if isinstance(graphql_type, GraphQLScalarType) and graphql_type.name == "Boolean":
        return {"type": "string", "enum": ["true", "false"]}
    if isinstance(graphql_type, GraphQLScalarType) and graphql_type.name == "DateTime":
        return {"type": "string", "format": "date-time"}
    return {"type": "string"}


def _parameters(route: Route) -> list[dict[str, Any]]:
    parameters: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in route.path_parameters
    ]
    if route.shape is Shape.PAGE:
        parameters += [
            {
                "name": "page",
                "in": "query",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1},
            },
            {
                "name": "per_page",
                "in": "query",
                "schema": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": MAX_PAGE_SIZE,
                    "default": DEFAULT_PAGE_SIZE,
                },
            },
        ]
    parameters += [
        {"name": name, "in": "query", "schema": _query_value_schema(route, variable)}
        for name, variable in route.filters.items()
    ]
    if route.listing is not None:
        if route.listing.searchable:
            search = {"type": "string", "maxLength": MAX_TEXT_LENGTH}
            description = search_description(route.listing)
            parameters.append(
                {"name": "search", "in": "query", "schema": search, "description": description}
            )
        fields = "|".join(sort_fields(route.listing))
        sort = {"type": "string", "pattern": f"^-?({fields})(,-?({fields}))*$"}
        description = sort_description(route.listing)
        parameters.append(
            {"name": "sort", "in": "query", "schema": sort, "description": description}
        )
    if route.limit is not None:
        default, maximum = route.limit
        limit = {"type": "integer", "minimum": 1, "maximum": maximum, "default": default}
        parameters.append({"name": "limit", "in": "query", "schema": limit})
    parameters += [
        {
            "name": name,
            "in": "header",
            "schema": _query_value_schema(route, variable),
            "description": _argument_description(route, variable),
        }
        for name, variable in route.headers.items()
    ]
    return parameters


# Why each refusal can happen; `error_statuses` says which routes can give it.
_ERRORS = {
    401: "No token, or one that is not accepted",
    403: "The caller's role or scopes do not allow this",
    404: "Not found, or not visible to the caller",
    409: "Conflicts with existing data, or a limit is reached",
    413: "The request body is too large",
    415: "The request body is not application/json",
    422: "A parameter or body field is refused; `detail` names it",
    429: "Too many requests",
}


def error_statuses(route: Route) -> list[int]:
    """The refusals a route can answer: every route can be unauthenticated, forbidden,
    refused a parameter or throttled; one that names something can miss it; a write can
    conflict; one that reads a body can be sent too large a body or one that is not JSON."""
    statuses = {401, 403, 422, 429}
    if route.path_parameters or route.headers or route.filters or route.body_input:
        statuses.add(404)
    if route.method != "GET":
        statuses.add(409)
    if route.body_input is not None:
        statuses |= {413, 415}
    return sorted(statuses)


def _responses(route: Route) -> dict[str, Any]:
    success: dict[str, Any] = {"description": route.summary or "Success"}
    answer = response_schema(route)
    if answer is not None:
        success["content"] = {"application/json": {"schema": answer}}
    responses = {str(route.success_status): success}
    for status in error_statuses(route):
        responses[str(status)] = {
            "description": _ERRORS[status],
            "content": {"application/json": {"schema": ERROR}},
        }
    return responses


def openapi_extra(route: Route) -> dict[str, Any]:
    extra: dict[str, Any] = {"responses": _responses(route)}
    parameters = _parameters(route)
    if parameters:
        extra["parameters"] = parameters
    if route.body_input:
        extra["requestBody"] = {
            "required": not body_is_optional(route.body_input),
            "content": {"application/json": {"schema": input_schema(route.body_input)}},
        }
    return extra
