"""Every use of Strawberry's private API, in one place: what the gateway reaches below it.

Strawberry (pinned in pyproject.toml) offers no public way to do these; each function names
what it does, and tests/schema/test_strawberry_private.py fails when an upgrade changes one.

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
"""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import GraphQLField, GraphQLResolveInfo, GraphQLSchema
from strawberry.permission import BasePermission
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField


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
