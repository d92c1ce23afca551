"""Each descriptor's field map agrees with what its GraphQL type reads: the column a plain field
is declared to read is the one the field answers from, and the field is nullable exactly when
that column is.

Rows of every resource are given a distinct value in every declared column (a boolean column
a distinct pattern across the rows), then each plain field is read through GraphQL and compared
with the value stored in the column its descriptor names.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    build_schema,
    get_named_type,
)
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from strawberry.types import get_object_definition

from resolvers.resources import RESOURCES, Resource
from schema.schema import schema
from tests.conftest import GraphQLClient
from tests.resolvers.test_resources import _one_of_each, _strawberry_type
from tests.tokens import Tokens

# Read by how the rows are reached when they are not Relay nodes.
NOT_NODES = {
    "model_participant": (
        "query ($tenant: ID) { participants(tenantId: $tenant, kind: model, first: 100) {"
        " nodes { id ... on %(type)s { %(fields)s } } } }"
    ),
}
NODE = "query ($id: ID!) { node(id: $id) { id ... on %(type)s { %(fields)s } } }"
START = datetime(2031, 2, 3, 4, 5, 6, tzinfo=UTC)


def _ids(resource: Resource) -> str:
    return resource.name


@cache
def _sdl_schema() -> GraphQLSchema:
    return build_schema(schema.as_str())


def _plain_fields(resource: Resource) -> dict[str, GraphQLField]:
    """The fields of the resource's GraphQL type that have no resolver of their own, by their
    Python name, as the schema declares them."""
    object_type = _sdl_schema().get_type(resource.graphql_type)
    assert isinstance(object_type, GraphQLObjectType), resource.graphql_type
    return {
        python_name: object_type.fields[graphql_name]
        for python_name, graphql_name in _graphql_names(resource).items()
    }


def _graphql_names(resource: Resource) -> dict[str, str]:
    """Each plain field's GraphQL name, by its Python name."""
    definition = get_object_definition(_strawberry_type(resource.graphql_type), strict=True)
    return {
        field.python_name: schema.config.name_converter.get_graphql_name(field)
        for field in definition.fields
        if field.base_resolver is None
    }


def _booleans(resource: Resource) -> list[str]:
    fields = _plain_fields(resource)
    return [f for f in resource.fields if get_named_type(fields[f].type).name == "Boolean"]


# Enough rows that each boolean column of a resource gets its own pattern of values.
ROWS = max(len(_booleans(r)) for r in RESOURCES).bit_length()


def _distinct_value(resource: Resource, python_name: str, index: int, row: int) -> Any:
    """A value for the column behind `python_name` that no other column of the row and no
    other row holds (booleans: a pattern across the rows no other boolean column has)."""
    field_type = _plain_fields(resource)[python_name].type
    if isinstance(field_type, GraphQLNonNull):
        field_type = field_type.of_type
    named = get_named_type(field_type)
    column = resource.fields[python_name]
    if isinstance(field_type, GraphQLList):
        return [f"{column}-{row}"]
    if isinstance(named, GraphQLEnumType):
        values = [v.value for v in _enum_values(named.name)]
        return values[(index + row) % len(values)]
    if named.name == "Boolean":
        pattern = _booleans(resource).index(python_name) + 1
        return bool(pattern >> row & 1)
    if named.name in ("Int", "BigInt"):
        return 100 * (row + 1) + index
    if named.name == "DateTime":
        return START + timedelta(days=index, hours=row)
    if named.name == "JSON":
        return {"column": column, "row": row}
    assert named.name in ("String", "ID"), (resource.name, python_name, named.name)
    return f"{column}-{row}"


def _enum_values(name: str) -> list[Any]:
    values: list[Any] = getattr(schema.get_type_by_name(name), "values", [])
    assert values, name
    return values


def _as_read(resource: Resource, python_name: str, stored: Any) -> Any:
    """What GraphQL answers for a column holding `stored`, by the field's type."""
    if stored is None:
        return None
    named = get_named_type(_plain_fields(resource)[python_name].type)
    if isinstance(named, GraphQLEnumType):
        return next(v.name for v in _enum_values(named.name) if v.value == stored)
    return stored


def _answered(resource: Resource, python_name: str, answer: Any) -> Any:
    named = get_named_type(_plain_fields(resource)[python_name].type)
    if named.name == "DateTime" and answer is not None:
        moment = datetime.fromisoformat(answer)
        assert moment.tzinfo is not None, answer
        return moment
    return answer


async def _give_distinct_values(
    sessions: async_sessionmaker[AsyncSession], resource: Resource, row_id: str, row: int
) -> dict[str, Any]:
    """Writes a distinct value into every declared column but the id and foreign keys (which
    already differ), and returns the row as stored."""
    table = resource.table
    values = {
        column: _distinct_value(resource, python_name, index, row)
        for index, (python_name, column) in enumerate(resource.fields.items())
        if column != "id" and not table.c[column].foreign_keys
    }
    async with sessions.begin() as session:
        await session.execute(update(table).where(table.c.id == row_id).values(**values))
        stored = (await session.execute(select(table).where(table.c.id == row_id))).one()
    return dict(stored._mapping)


async def _read(
    gql: GraphQLClient, token: str, resource: Resource, rows: dict[str, Any]
) -> dict[str, Any]:
    names = _graphql_names(resource)
    fields = " ".join(names[f] for f in resource.fields)
    row_id = rows[resource.name].id
    if resource.node:
        result = await gql(
            NODE % {"type": resource.graphql_type, "fields": fields}, {"id": row_id}, token=token
        )
        assert "errors" not in result, result
        node: dict[str, Any] = result["data"]["node"]
        return node
    document = NOT_NODES[resource.name] % {"type": resource.graphql_type, "fields": fields}
    result = await gql(document, {"tenant": rows["tenant"].id}, token=token)
    assert "errors" not in result, result
    [found] = [n for n in result["data"]["participants"]["nodes"] if n["id"] == row_id]
    return dict(found)


@pytest.mark.parametrize("resource", RESOURCES, ids=_ids)
class TestFieldsAgreeWithTheirColumns:
    def test_a_field_is_nullable_exactly_when_its_column_is(self, resource: Resource) -> None:
        fields = _plain_fields(resource)
        nullable = {f: not isinstance(fields[f].type, GraphQLNonNull) for f in fields}
        columns = {f: resource.column(c).nullable for f, c in resource.fields.items()}

        assert set(nullable) == set(columns)
        # each disagreement as (the field is nullable, its column is nullable)
        assert {f: (n, columns[f]) for f, n in nullable.items() if n != columns[f]} == {}

    async def test_each_plain_field_answers_from_the_column_its_descriptor_names(
        self,
        resource: Resource,
        db: None,
        sessions: async_sessionmaker[AsyncSession],
        gql: GraphQLClient,
        tokens: Tokens,
    ) -> None:
        for row in range(ROWS):
            # given a row whose declared columns all hold different values
            rows = await _one_of_each(sessions)
            stored = await _give_distinct_values(sessions, resource, rows[resource.name].id, row)

            # when
            answer = await _read(gql, tokens.super_admin(), resource, rows)

            # then
            names = _graphql_names(resource)
            read = {f: _answered(resource, f, answer[names[f]]) for f in resource.fields}
            expected = {
                f: _as_read(resource, f, stored[column]) for f, column in resource.fields.items()
            }
            assert read == expected, row


def test_every_resource_is_read_by_node_or_a_path_of_its_own() -> None:
    assert {r.name for r in RESOURCES if not r.node} == set(NOT_NODES)
    assert ROWS >= 2  # users carry three boolean columns
