"""A node writer's typed steps write what the field's own coercion writes, for any value."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from operator import itemgetter
from typing import Any

import pytest
from graphql import (
    GraphQLBoolean,
    GraphQLEnumType,
    GraphQLError,
    GraphQLInt,
    GraphQLScalarType,
    GraphQLString,
)

from core.json_bytes import json_bytes
from db.enums import UserStatus
from schema.planner.plans import Leaf, NodesPlan, Unplannable
from schema.planner.write import finish, node_writer
from schema.schema import schema
from schema.strawberry_private import graphql_core_schema

CORE = graphql_core_schema(schema)
INDIA = timezone(timedelta(hours=5, minutes=30))


def _coercion(type_name: str) -> Callable[[Any], Any]:
    named = CORE.type_map[type_name]
    assert isinstance(named, GraphQLScalarType | GraphQLEnumType)
    return named.coerce_output_value


def _unused(*_: Any) -> Any:
    raise AssertionError("no relation in these nodes")


def _leaf(coerce: Any, *, nullable: bool = True, text: bool = False) -> Leaf:
    return Leaf("value", itemgetter(0), coerce, nullable, text=text)


def _written(leaf: Leaf, value: Any, *, datetimes: bool = False) -> Any:
    """What the generated writer writes for `value`, or Unplannable / the error's type."""
    nodes = NodesPlan(itemgetter(0), (leaf,))
    write = node_writer(nodes, _unused, _unused, datetimes=datetimes)
    try:
        return write((value,), None)["value"]
    except Exception as exc:  # compared with the coercion's own failure
        return type(exc)


def _json(value: Any) -> Any:
    """The JSON a response writes for a written value; a failure (a type) as it is."""
    return value if isinstance(value, type) else json_bytes(value)


def _coerced(leaf: Leaf, value: Any) -> Any:
    try:
        return finish(leaf)(value)
    except Exception as exc:
        return type(exc)


CASES: dict[str, tuple[Callable[[Any], Any], list[Any]]] = {
    "DateTime": (
        _coercion("DateTime"),
        [
            datetime(2026, 3, 4, 5, 6, 7, 890123, tzinfo=UTC),
            datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC),
            datetime(2026, 3, 4, 5, 6, 7, 5, tzinfo=INDIA),
            datetime(2026, 3, 4, 5, 6, 7),
            datetime(1, 1, 1, tzinfo=UTC),
            None,
        ],
    ),
    "Boolean": (GraphQLBoolean.coerce_output_value, [True, False, 1, 0, 2, None]),
    "Int": (GraphQLInt.coerce_output_value, [0, -5, 2**31 - 1, -(2**31), 2**31, True, 3.0]),
    "UserStatus": (
        _coercion("UserStatus"),
        ["active", "disabled", "active", UserStatus.LOCKED, "unknown", None],
    ),
    "String": (GraphQLString.coerce_output_value, ["text", "", 5, True, None]),
    "JSON": (_coercion("JSON"), [{"a": [1, None]}, [], "text", 0, False, None]),
}


class TestTypedSteps:
    @pytest.mark.parametrize("type_name", list(CASES))
    @pytest.mark.parametrize("nullable", [True, False])
    def test_every_value_is_written_as_its_coercion_writes_it(
        self, type_name: str, nullable: bool
    ) -> None:
        # given
        coerce, values = CASES[type_name]
        leaf = _leaf(coerce, nullable=nullable, text=type_name == "String")

        # when
        written = [_written(leaf, value) for value in values]

        # then
        assert written == [_coerced(leaf, value) for value in values]
        if not nullable and None in values:
            assert written[values.index(None)] is Unplannable

    @pytest.mark.parametrize("type_name", list(CASES))
    def test_a_writer_leaving_datetimes_gives_the_same_json(self, type_name: str) -> None:
        # given: a writer for a caller writing its response with `json_bytes`
        coerce, values = CASES[type_name]
        leaf = _leaf(coerce, text=type_name == "String")

        # when
        written = [_json(_written(leaf, value, datetimes=True)) for value in values]

        # then: the bytes of each value, or the failure, are those of the coercion
        assert written == [_json(_coerced(leaf, value)) for value in values]
        if type_name == "DateTime":
            assert _written(leaf, values[0], datetimes=True) is values[0]

    def test_a_utc_datetime_is_its_isoformat_text(self) -> None:
        # given
        leaf = _leaf(_coercion("DateTime"))
        moments = [
            datetime(2026, 12, 6, 7, 8, 9, 10, tzinfo=UTC),
            datetime(2026, 12, 6, 7, 8, 9, tzinfo=UTC),
        ]

        # when
        written = [_written(leaf, moment) for moment in moments]

        # then
        assert written == ["2026-12-06T07:08:09.000010+00:00", "2026-12-06T07:08:09+00:00"]

    def test_a_json_value_is_written_as_it_is(self) -> None:
        # given: the JSON scalar, whose coercion returns its value
        leaf = _leaf(_coercion("JSON"))
        document = {"nested": [1, {"k": "v"}]}

        # when / then
        assert _written(leaf, document) is document

    def test_an_enum_name_is_remembered_only_for_values_it_has(self) -> None:
        # given
        leaf = _leaf(_coercion("UserStatus"))

        # when
        written = [_written(leaf, value) for value in ["locked", "nope", "locked", "nope"]]

        # then
        assert written[0] == written[2] == "LOCKED"
        assert written[1] is written[3] is GraphQLError
