"""Enum values on REST input, matched case-insensitively onto the GraphQL enum's names.

A route's variables come from the body, the query string and headers, where clients write
the documented spelling of a value in either case (`tenant_admin` or `TENANT_ADMIN`). Each
variable's type is read from the route's document, so every enum a route takes is covered
without a list of fields to keep in step.
"""

from __future__ import annotations

import functools
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    OperationDefinitionNode,
    parse,
    type_from_ast,
)

from schema.schema import schema
from schema.strawberry_private import graphql_core_schema


@functools.cache
def variable_types(document: str) -> dict[str, GraphQLInputType]:
    """The type of each variable the document declares."""
    types: dict[str, GraphQLInputType] = {}
    for operation in parse(document).definitions:
        if not isinstance(operation, OperationDefinitionNode):
            continue
        for definition in operation.variable_definitions or ():
            graphql_type = type_from_ast(graphql_core_schema(schema), definition.type)
            if graphql_type is not None:
                types[definition.variable.name.value] = graphql_type  # type: ignore[assignment]
    return types


@functools.cache
def _names_by_lower_case(enum: GraphQLEnumType) -> dict[str, str]:
    names: dict[str, list[str]] = {}
    for name in enum.values:
        names.setdefault(name.lower(), []).append(name)
    # Two names that differ only in case keep their exact spellings.
    return {lower: spelled[0] for lower, spelled in names.items() if len(spelled) == 1}


def _matched(value: Any, graphql_type: GraphQLInputType) -> Any:
    if isinstance(graphql_type, GraphQLNonNull):
        return _matched(value, graphql_type.of_type)
    if isinstance(graphql_type, GraphQLList):
        if isinstance(value, list):
            return [_matched(item, graphql_type.of_type) for item in value]
        return _matched(value, graphql_type.of_type)  # GraphQL reads one value as a list of one
    if isinstance(graphql_type, GraphQLEnumType) and isinstance(value, str):
        return _names_by_lower_case(graphql_type).get(value.lower(), value)
    if isinstance(graphql_type, GraphQLInputObjectType) and isinstance(value, dict):
        fields = graphql_type.fields
        return {
            key: _matched(item, fields[key].type) if key in fields else item
            for key, item in value.items()
        }
    return value


def match_enum_values(document: str, variables: dict[str, Any]) -> dict[str, Any]:
    """`variables` with every enum value spelled as its GraphQL name (unknown values kept, for
    GraphQL to refuse with its own message)."""
    types = variable_types(document)
    return {
        name: _matched(value, types[name]) if name in types else value
        for name, value in variables.items()
    }
