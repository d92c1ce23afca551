"""OpenAPI descriptions derived from the route table and the schema's input types."""

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

from rest_compat.documents import snake
from rest_compat.runner import body_is_optional
from rest_compat.table import Route, Shape
from schema.schema import schema

_SCALARS: dict[str, dict[str, Any]] = {
    "String": {"type": "string"},
    "ID": {"type": "string"},
    "Int": {"type": "integer"},
    "Float": {"type": "number"},
    "Boolean": {"type": "boolean"},
    "DateTime": {"type": "string", "format": "date-time"},
    "JSON": {"type": "object"},
}


def _type_schema(graphql_type: GraphQLInputType) -> dict[str, Any]:
    if isinstance(graphql_type, GraphQLNonNull):
        return _type_schema(graphql_type.of_type)
    if isinstance(graphql_type, GraphQLList):
        return {"type": "array", "items": _type_schema(graphql_type.of_type)}
    if isinstance(graphql_type, GraphQLEnumType):
        return {"type": "string", "enum": list(graphql_type.values)}
    if isinstance(graphql_type, GraphQLScalarType):
        return dict(_SCALARS.get(graphql_type.name, {}))
    assert isinstance(graphql_type, GraphQLInputObjectType)
    return input_schema(graphql_type.name)


def input_schema(name: str) -> dict[str, Any]:
    input_type = schema._schema.get_type(name)
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
    for root in (schema._schema.query_type, schema._schema.mutation_type):
        field = root.fields.get(route.field) if root else None
        if field and argument in field.args and field.args[argument].description:
            return str(field.args[argument].description)
    return f"The GraphQL argument `{argument}`."


def openapi_extra(route: Route) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    parameters = []
    if route.shape is Shape.PAGE:
        parameters += [
            {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
            {
                "name": "per_page",
                "in": "query",
                "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20},
            },
        ]
    parameters += [
        {"name": name, "in": "query", "schema": {"type": "string"}} for name in route.filters
    ]
    if route.limit is not None:
        default, maximum = route.limit
        schema = {"type": "integer", "minimum": 1, "maximum": maximum, "default": default}
        parameters.append({"name": "limit", "in": "query", "schema": schema})
    parameters += [
        {
            "name": name,
            "in": "header",
            "schema": {"type": "string"},
            "description": _argument_description(route, variable),
        }
        for name, variable in route.headers.items()
    ]
    if parameters:
        extra["parameters"] = parameters
    if route.body_input:
        extra["requestBody"] = {
            "required": not body_is_optional(route.body_input),
            "content": {"application/json": {"schema": input_schema(route.body_input)}},
        }
    return extra
