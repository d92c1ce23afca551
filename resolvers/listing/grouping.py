"""`countBy(field:)`: how many of the listed rows fall in each value of a field.

The groupable fields are the descriptor's (`Resource.groupable`); `created_day` groups by
the UTC calendar day of `created_at` (`2024-05-01`). The count runs in SQL over exactly the
rows the list holds (scope, filter and search), one statement; keys are returned as text:
an enum as its GraphQL name (`ACTIVE`), a boolean as `true`/`false`, a null as null.
Groups come in key order, the null group last.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Any

from sqlalchemy import ColumnElement, Date, Select, Subquery, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from core.principals import Principal
from resolvers.errors import BadInput
from resolvers.listing.kinds import Kind, check_readable, field
from resolvers.listing.ordering import constant
from resolvers.resources import Resource

CREATED_DAY = "created_day"


class _UtcDay(FunctionElement[date]):
    """The UTC day of a timestamp, on either database.

    PostgreSQL groups by the `date` itself (a cast per row; formatting every row with
    `to_char` before grouping cost about twice as much over a week of audit events) and the
    keys are written as `YYYY-MM-DD` once counted; SQLite's `strftime` yields the text, which
    the `Date` type reads back as a date.
    """

    type = Date()
    inherit_cache = True
    name = "utc_day"


@compiles(_UtcDay, "postgresql")
def _utc_day_postgresql(element: _UtcDay, compiler: SQLCompiler, **kw: Any) -> str:
    argument = compiler.process(element.clauses, **kw)
    return f"CAST(({argument}) AT TIME ZONE 'UTC' AS DATE)"


@compiles(_UtcDay)
def _utc_day_default(element: _UtcDay, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLite stores UTC timestamps as ISO text: the day is its first ten characters.
    argument = compiler.process(element.clauses, **kw)
    return f"strftime('%Y-%m-%d', {argument})"


@dataclass(frozen=True)
class GroupCount:
    key: str | None
    count: int


def group_names(resource: Resource) -> list[str]:
    """`resource`'s group fields as GraphQL enum names (`STATUS`, `CREATED_DAY`)."""
    return sorted(constant(name) for name in resource.groupable)


def _parse(
    resource: Resource, value: str | Enum, path: str, principal: Principal | None = None
) -> str:
    name = value.value if isinstance(value, Enum) else value
    for candidate in resource.groupable:
        if constant(candidate) == name:
            read = "created_at" if candidate == CREATED_DAY else candidate
            check_readable(resource, principal, read, path)
            return candidate
    known = ", ".join(group_names(resource))
    raise BadInput(path, f"{name} is not a group field of {resource.graphql_type} ({known})")


def group_field_name(resource: Resource, value: str | Enum, path: str = "countBy.field") -> str:
    """The descriptor field `value` names (`created_day` for `CREATED_DAY`)."""
    return _parse(resource, value, path)


def _key(resource: Resource, rows: Subquery, name: str) -> ColumnElement[Any]:
    return _UtcDay(rows.c.created_at) if name == CREATED_DAY else rows.c[resource.fields[name]]


def count_by_statement(
    resource: Resource,
    listed: Select[Any],
    value: str | Enum,
    path: str = "countBy.field",
    principal: Principal | None = None,
) -> Select[Any]:
    """`SELECT key, count(*)` over the rows `listed` selects, grouped by the field."""
    name = _parse(resource, value, path, principal)
    rows = listed.order_by(None).subquery()
    key = _key(resource, rows, name)
    labelled = key.label("key")
    return select(labelled, func.count().label("count")).group_by(key).order_by(key.is_(None), key)


def count_by_parent_statement(
    resource: Resource, related: Select[Any], value: str | Enum, path: str = "countBy.field"
) -> Select[Any]:
    """`SELECT parent_key, key, count(*)` over a relation's rows for a batch of parents
    (`related` selects them with a `parent_key` column), grouped by parent and field."""
    name = _parse(resource, value, path)
    rows = related.order_by(None).subquery()
    key = _key(resource, rows, name)
    parent = rows.c.parent_key
    return (
        select(parent, key.label("key"), func.count().label("count"))
        .group_by(parent, key)
        .order_by(parent, key.is_(None), key)
    )


def keys(resource: Resource, value: str | Enum, counted: Sequence[Any]) -> list[GroupCount]:
    """The counted `(key, count)` rows with keys written as text."""
    name = _parse(resource, value, "countBy.field")
    if name == CREATED_DAY:
        return [GroupCount(_day(key), int(count)) for key, count in counted]
    described = field(resource, name)
    return [
        GroupCount(_text(described.kind, described.enum, key), int(count)) for key, count in counted
    ]


def _day(key: date | str | None) -> str | None:
    if key is None or isinstance(key, str):
        return key
    return key.isoformat()


def _text(kind: Kind, enum: type[Enum] | None, key: Any) -> str | None:
    if key is None:
        return None
    if enum is not None:
        return enum(key).name
    if kind is Kind.BOOLEAN:
        return "true" if key else "false"
    return str(key)


@dataclass(frozen=True)
class Grouping:
    """Counting `resource`'s rows by `field` (checked when made), for relation loaders."""

    resource: Resource
    field: str

    @classmethod
    def of(
        cls,
        resource: Resource,
        value: str | Enum,
        principal: Principal | None = None,
        path: str = "countBy.field",
    ) -> Grouping:
        _parse(resource, value, path, principal)
        return cls(resource, value.value if isinstance(value, Enum) else value)

    @property
    def key(self) -> tuple[str, str]:
        return (self.resource.name, self.field)

    def per_parent(self, related: Select[Any]) -> Select[Any]:
        return count_by_parent_statement(self.resource, related, self.field)

    def keys(self, counted: Sequence[Any]) -> list[GroupCount]:
        return keys(self.resource, self.field, counted)
