"""The kind of each filterable, sortable or groupable field, derived from its column.

A field's kind decides the operators its filter takes (`StringFilter`, `IDFilter`, …) and
how a cursor carries its value. It comes from the column's type: text columns named `id` or
`…_id` are ids, other text columns are strings unless the descriptor names an enum for them
(`Resource.enums`); timestamps, booleans and integers are what their types say.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum, StrEnum
from typing import Any

from sqlalchemy import Boolean, Column, DateTime, Integer, String

from core.principals import Principal
from resolvers.errors import AccessDenied
from resolvers.resources import Resource


class Kind(StrEnum):
    STRING = "String"
    ID = "ID"
    DATETIME = "DateTime"
    BOOLEAN = "Boolean"
    INT = "Int"
    ENUM = "Enum"


# The operators of each kind's filter, by their GraphQL names.
OPERATORS: dict[Kind, tuple[str, ...]] = {
    Kind.STRING: ("eq", "ne", "in", "notIn", "contains", "startsWith", "endsWith", "isNull"),
    Kind.ID: ("eq", "ne", "in", "notIn", "isNull"),
    Kind.DATETIME: ("eq", "lt", "lte", "gt", "gte", "isNull"),
    Kind.BOOLEAN: ("eq", "isNull"),
    Kind.INT: ("eq", "ne", "in", "lt", "lte", "gt", "gte", "isNull"),
    Kind.ENUM: ("eq", "ne", "in", "notIn"),
}


@dataclass(frozen=True)
class Field:
    """One field of a resource as lists see it: its name, column, kind and enum (if any)."""

    name: str
    column: Column[Any]
    kind: Kind
    enum: type[Enum] | None = None

    @property
    def nullable(self) -> bool:
        return bool(self.column.nullable)

    @property
    def graphql_name(self) -> str:
        return camel(self.name)

    def python_type(self) -> type[Any]:
        return _PYTHON_TYPES[self.kind]


_PYTHON_TYPES: dict[Kind, type[Any]] = {
    Kind.STRING: str,
    Kind.ID: str,
    Kind.DATETIME: datetime,
    Kind.BOOLEAN: bool,
    Kind.INT: int,
    Kind.ENUM: str,
}


def check_readable(resource: Resource, principal: Principal | None, name: str, path: str) -> None:
    """Refuses, as reading it would be, a field `principal` may not read (`Resource.readable_by`);
    `name` is the descriptor's field name, `path` the argument that names it."""
    if principal is not None and not resource.readable(principal, name):
        raise AccessDenied(
            f"Access denied: {path} names {camel(name)}, which the caller may not read",
            field=path,
        )


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def field(resource: Resource, name: str) -> Field:
    """The field `name` (a Python attribute name) of `resource`, with its kind."""
    column = resource.column(resource.fields[name])
    enum = resource.enums.get(name)
    return Field(name, column, _kind(name, column, enum), enum)


def _kind(name: str, column: Column[Any], enum: type[Enum] | None) -> Kind:
    if enum is not None:
        return Kind.ENUM
    type_ = column.type
    # `UTCDateTime` and other decorators: judge by the type they store as.
    impl = getattr(type_, "impl", type_)
    if isinstance(impl, Boolean):
        return Kind.BOOLEAN
    if isinstance(impl, Integer):
        return Kind.INT
    if isinstance(impl, DateTime):
        return Kind.DATETIME
    if isinstance(impl, String):
        return Kind.ID if name == "id" or name.endswith("_id") else Kind.STRING
    raise TypeError(f"column {column} has no list kind")


def filterable(resource: Resource) -> dict[str, Field]:
    """The fields `filter` may name, by GraphQL name, in a stable order."""
    return {camel(name): field(resource, name) for name in sorted(resource.filterable)}


def sortable(resource: Resource) -> dict[str, Field]:
    return {camel(name): field(resource, name) for name in sorted(resource.sortable)}
