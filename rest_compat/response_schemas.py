"""JSON Schemas of REST answers, derived from each route's GraphQL selection.

The route's document is walked over the schema's types: every selected field becomes a
property under its response key (the snake_case alias), required because GraphQL always
answers a selected field, nullable where its GraphQL type is; an interface or union becomes
`anyOf` one object per possible type. The route's shape then wraps the root field's value
as the runner does (a page's `data` and `pagination`, a list's `data`).
"""

from __future__ import annotations

from typing import Any

from graphql import (
    FieldNode,
    GraphQLAbstractType,
    GraphQLEnumType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    parse,
)

from rest_compat.table import Route, Shape
from schema.schema import schema
from schema.strawberry_private import graphql_core_schema

SCALARS: dict[str, dict[str, Any]] = {
    "String": {"type": "string"},
    "ID": {"type": "string"},
    "Int": {"type": "integer"},
    "BigInt": {"type": "integer"},
    "Float": {"type": "number"},
    "Boolean": {"type": "boolean"},
    "DateTime": {"type": "string", "format": "date-time"},
    "JSON": {"type": "object"},
}

PAGINATION = {
    "type": "object",
    "properties": {
        name: {"type": "integer", "minimum": 0}
        for name in ("page", "per_page", "total", "total_pages")
    },
    "required": ["page", "per_page", "total", "total_pages"],
    "additionalProperties": False,
}

ERROR = {
    "type": "object",
    "properties": {
        "detail": {"type": "string", "description": "What was refused, naming the field."},
        "code": {"type": "string", "description": "Machine-readable, e.g. `BAD_USER_INPUT`."},
        "error_id": {
            "type": "string",
            "description": "Unexpected errors only: the id of the server's log line.",
        },
    },
    "required": ["detail", "code"],
}


def _nullable(value: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [value, {"type": "null"}]}


def _fields_for(selection_set: SelectionSetNode, object_type: GraphQLObjectType) -> list[FieldNode]:
    """The field selections that apply to `object_type`, inline fragments included."""
    fields: list[FieldNode] = []
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            fields.append(selection)
        elif isinstance(selection, InlineFragmentNode):
            condition = selection.type_condition
            names = {object_type.name, *(i.name for i in object_type.interfaces)}
            if condition is None or condition.name.value in names:
                fields.extend(_fields_for(selection.selection_set, object_type))
    return fields


def _object_schema(
    object_type: GraphQLObjectType, selection_set: SelectionSetNode
) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    for node in _fields_for(selection_set, object_type):
        if node.name.value == "__typename":
            properties[node.alias.value if node.alias else "__typename"] = {
                "const": object_type.name
            }
            continue
        definition = object_type.fields[node.name.value]
        key = node.alias.value if node.alias else node.name.value
        properties[key] = _value_schema(definition.type, node.selection_set)
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


def _value_schema(
    graphql_type: GraphQLOutputType, selection_set: SelectionSetNode | None
) -> dict[str, Any]:
    if isinstance(graphql_type, GraphQLNonNull):
        return _non_null_schema(graphql_type.of_type, selection_set)
    return _nullable(_non_null_schema(graphql_type, selection_set))


def _non_null_schema(
    graphql_type: GraphQLOutputType, selection_set: SelectionSetNode | None
) -> dict[str, Any]:
    if isinstance(graphql_type, GraphQLList):
        return {"type": "array", "items": _value_schema(graphql_type.of_type, selection_set)}
    if isinstance(graphql_type, GraphQLEnumType):
        return {"type": "string", "enum": list(graphql_type.values)}
    if isinstance(graphql_type, GraphQLScalarType):
        return dict(SCALARS[graphql_type.name])
    assert selection_set is not None
    if isinstance(graphql_type, GraphQLObjectType):
        return _object_schema(graphql_type, selection_set)
    assert isinstance(graphql_type, GraphQLAbstractType)
    possible = graphql_core_schema(schema).get_possible_types(graphql_type)
    return {"anyOf": [_object_schema(member, selection_set) for member in possible]}


def _root(route: Route) -> tuple[GraphQLOutputType, FieldNode]:
    """The type and the selection of the route's root field."""
    operation = next(
        node
        for node in parse(route.document).definitions
        if isinstance(node, OperationDefinitionNode)
    )
    root_type = (
        graphql_core_schema(schema).mutation_type
        if operation.operation is OperationType.MUTATION
        else graphql_core_schema(schema).query_type
    )
    assert root_type is not None
    for node in operation.selection_set.selections:
        if isinstance(node, FieldNode) and (node.alias or node.name).value == route.field:
            return root_type.fields[node.name.value].type, node
    raise LookupError(f"{route.method} {route.path}: no root field {route.field!r}")


def _items(graphql_type: GraphQLOutputType, node: FieldNode) -> dict[str, Any]:
    """A list field's items, or a connection's nodes."""
    while isinstance(graphql_type, GraphQLNonNull):
        graphql_type = graphql_type.of_type
    if isinstance(graphql_type, GraphQLList):
        return _value_schema(graphql_type.of_type, node.selection_set)
    assert isinstance(graphql_type, GraphQLObjectType) and node.selection_set is not None
    nodes = next(
        field
        for field in _fields_for(node.selection_set, graphql_type)
        if field.name.value == "nodes"
    )
    nodes_type = graphql_type.fields["nodes"].type
    while isinstance(nodes_type, GraphQLNonNull):
        nodes_type = nodes_type.of_type
    assert isinstance(nodes_type, GraphQLList)
    return _value_schema(nodes_type.of_type, nodes.selection_set)


def _flattened(value: dict[str, Any], key: str) -> dict[str, Any]:
    """`Route.resource_key`: the resource's properties, with the payload's others beside."""
    properties = dict(value["properties"])
    resource = properties.pop(key)
    resource = next(s for s in resource.get("anyOf", [resource]) if s.get("type") == "object")
    merged = {**resource["properties"], **properties}
    return {**value, "properties": merged, "required": list(merged)}


def response_schema(route: Route) -> dict[str, Any] | None:
    """The JSON Schema of the route's success answer; None for a 204."""
    if route.shape is Shape.NO_CONTENT:
        return None
    graphql_type, node = _root(route)
    if route.shape is Shape.PAGE:
        return {
            "type": "object",
            "properties": {
                "data": {"type": "array", "items": _items(graphql_type, node)},
                "pagination": PAGINATION,
            },
            "required": ["data", "pagination"],
            "additionalProperties": False,
        }
    if route.shape is Shape.DATA:
        return {
            "type": "object",
            "properties": {"data": {"type": "array", "items": _items(graphql_type, node)}},
            "required": ["data"],
            "additionalProperties": False,
        }
    # A root field that finds nothing raises NOT_FOUND (a 404), so a 200 always has a value.
    if isinstance(graphql_type, GraphQLNonNull):
        graphql_type = graphql_type.of_type
    value = _non_null_schema(graphql_type, node.selection_set)
    if route.resource_key is not None:
        value = _flattened(value, route.resource_key)
    return value
