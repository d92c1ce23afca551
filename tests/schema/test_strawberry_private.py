"""The private Strawberry behaviour `schema.strawberry_private` relies on, on a tiny schema.

Each test fails when a Strawberry upgrade changes what the adapter reaches: then the adapter
(and the version pin in pyproject.toml) are what to revisit.
"""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import GraphQLField, GraphQLResolveInfo, GraphQLSchema, GraphQLString
from strawberry.permission import BasePermission, PermissionExtension
from strawberry.schema_directive import Location

from schema.strawberry_private import (
    graphql_core_schema,
    print_directive_with,
    resolve_info,
    strawberry_field_of,
)

GREETING = 'query Greeting { greeting(name: "Ada") }'
SEEN_INFO = "query Seen { seen { path } }"

_seen: list[GraphQLResolveInfo] = []  # what `seen` read, for the test to look at


@strawberry.schema_directive(locations=[Location.FIELD_DEFINITION], name="tagged")
class Tagged:
    label: str


class TaggedPermission(BasePermission):
    def __init__(self, label: str) -> None:
        print_directive_with(self, Tagged(label=label))

    def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
        return True


class SilentPermission(BasePermission):
    def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
        return True


@strawberry.type
class Seen:
    path: str


@strawberry.type
class Query:
    @strawberry.field
    def greeting(self, name: str) -> str:
        return f"Hello, {name}"

    @strawberry.field
    def seen(self, info: strawberry.Info) -> Seen:
        raw = resolve_info(info)
        _seen.append(raw)
        return Seen(path=".".join(str(key) for key in raw.path.as_list()))

    @strawberry.field(extensions=[PermissionExtension(permissions=[TaggedPermission("audited")])])
    def guarded(self) -> str:
        return "guarded"

    @strawberry.field(extensions=[PermissionExtension(permissions=[SilentPermission()])])
    def unmarked(self) -> str:
        return "unmarked"

    @strawberry.field(metadata={"scaigate.test": "declared"})
    def described(self) -> str:
        return "described"


tiny = strawberry.Schema(query=Query)


class TestGraphqlCoreSchema:
    def test_is_the_schema_strawberry_executes_on(self) -> None:
        # given the tiny schema
        # when its graphql-core schema is read
        built = graphql_core_schema(tiny)

        # then it is graphql-core's, with the Strawberry fields, and executing it answers
        assert isinstance(built, GraphQLSchema)
        assert built.query_type is not None
        assert "greeting" in built.query_type.fields
        result = tiny.execute_sync(GREETING)
        assert result.errors is None
        assert result.data == {"greeting": "Hello, Ada"}

    def test_is_the_same_object_each_time(self) -> None:
        assert graphql_core_schema(tiny) is graphql_core_schema(tiny)


class TestResolveInfo:
    def test_is_graphql_cores_info_of_the_running_field(self) -> None:
        # given a resolver that reads its graphql-core info
        _seen.clear()

        # when the field is queried
        result = tiny.execute_sync(SEEN_INFO)

        # then it is graphql-core's info of that field, in that operation, with what
        # prefetching reads: field nodes, return type, schema, fragments and variables
        assert result.errors is None
        assert result.data == {"seen": {"path": "seen"}}
        (raw,) = _seen
        assert raw.field_name == "seen"
        assert [node.name.value for node in raw.field_nodes] == ["seen"]
        assert str(raw.return_type) == "Seen!"
        assert raw.operation.name is not None and raw.operation.name.value == "Seen"
        assert raw.schema is graphql_core_schema(tiny)
        assert raw.fragments == {}
        assert raw.variable_values == {}


class TestPrintDirectiveWith:
    def test_the_permissions_directive_is_printed_on_its_field(self) -> None:
        # when the schema is printed
        sdl = tiny.as_str()

        # then the field guarded by the permission carries the directive given, in place of
        # the one Strawberry names after a permission class
        lines = {line.strip().split(":")[0]: line.strip() for line in sdl.splitlines()}
        assert lines["guarded"] == 'guarded: String! @tagged(label: "audited")'
        assert lines["unmarked"] == "unmarked: String! @silentPermission"
        assert "directive @tagged(label: String!) on FIELD_DEFINITION" in sdl
        assert "taggedPermission" not in sdl


class TestStrawberryFieldOf:
    def test_a_converted_field_leads_back_to_its_declaration(self) -> None:
        # given the graphql-core field Strawberry built
        query_type = graphql_core_schema(tiny).query_type
        assert query_type is not None

        # when its Strawberry field is looked up
        definition = strawberry_field_of(query_type.fields["described"])

        # then it is the declared field, with its metadata
        assert definition is not None
        assert definition.python_name == "described"
        assert definition.metadata == {"scaigate.test": "declared"}

    def test_a_field_strawberry_did_not_build_has_none(self) -> None:
        assert strawberry_field_of(GraphQLField(GraphQLString)) is None
