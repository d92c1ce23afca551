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

from sqlalchemy import (
    ColumnElement,
    Date,
    Select,
    String,
    Subquery,
    case,
    func,
    literal,
    select,
    tuple_,
    type_coerce,
    union_all,
)
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


def group_field_name(
    resource: Resource,
    value: str | Enum,
    path: str = "countBy.field",
    principal: Principal | None = None,
) -> str:
    """The descriptor field `value` names (`created_day` for `CREATED_DAY`), checked against
    what `principal`'s tier may read when given."""
    return _parse(resource, value, path, principal)


def _key(resource: Resource, rows: Subquery, name: str) -> ColumnElement[Any]:
    return _UtcDay(rows.c.created_at) if name == CREATED_DAY else rows.c[resource.fields[name]]


def count_by_fields_statement(
    resource: Resource, listed: Select[Any], names: Sequence[str], dialect: str
) -> Select[Any]:
    """`(which, key…, count)` rows counting what `listed` selects by each of the (checked,
    distinct) fields `names` in one statement: `which` is the field's index in `names`; rows
    come field by field, each field's in key order with the null group last.

    On PostgreSQL one scan feeds every field: the rows are counted by all the fields at once,
    then those counts summed by each (`GROUP BY GROUPING SETS`, one key column per field;
    `GROUPING(key)` is 0 on the rows of the set grouped by that key), so a week of audit
    events counted by day and by result is read once, not twice. SQLite has no grouping
    sets: one `GROUP BY` per field, joined by `UNION ALL`, still one statement.
    """
    rows = listed.order_by(None).subquery()
    fields = [_key(resource, rows, name) for name in names]
    if dialect == "postgresql":
        # Counted by every field together first (one hash table over the rows, in a plan
        # PostgreSQL can run in parallel, which it cannot with grouping sets), then summed
        # by each field over those few groups.
        combined = (
            select(
                *(field.label(f"key_{index}") for index, field in enumerate(fields)),
                func.count().label("rows"),
            )
            .group_by(*fields)
            .subquery()
        )
        counted = [combined.c[f"key_{index}"] for index in range(len(fields))]
        grouped = [func.grouping(key) for key in counted]
        which: ColumnElement[int] = (
            case(
                *((grouping == 0, index) for index, grouping in enumerate(grouped[:-1])),
                else_=len(fields) - 1,
            )
            if len(fields) > 1
            else literal(0)
        )
        order: list[ColumnElement[Any]] = []
        for key, grouping in zip(counted, grouped, strict=True):
            order += [grouping, key.is_(None), key]
        return (
            select(which.label("which"), *counted, func.sum(combined.c.rows).label("count"))
            .group_by(func.grouping_sets(*(tuple_(key) for key in counted)))
            .order_by(*order)
        )
    branches = [
        # Keys of every field share one column: read as the database gives them (a day as
        # its text), not through the first field's type.
        select(
            literal(index).label("which"),
            type_coerce(field, String()).label("key"),
            func.count().label("count"),
        ).group_by(field)
        for index, field in enumerate(fields)
    ]
    united = union_all(*branches).subquery()
    return select(united).order_by(united.c.which, united.c.key.is_(None), united.c.key)


def grouped_keys(
    resource: Resource, names: Sequence[str], counted: Sequence[Any]
) -> list[list[GroupCount]]:
    """Per field of `names`, its groups from `count_by_fields_statement`'s rows."""
    by_field: list[list[tuple[Any, Any]]] = [[] for _ in names]
    for row in counted:
        which, count = row[0], row[-1]
        key = row[1] if len(row) == 3 else row[1 + which]
        by_field[which].append((key, count))
    return [_named_keys(resource, name, rows) for name, rows in zip(names, by_field, strict=True)]


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
    return _named_keys(resource, _parse(resource, value, "countBy.field"), counted)


def _named_keys(resource: Resource, name: str, counted: Sequence[Any]) -> list[GroupCount]:
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
