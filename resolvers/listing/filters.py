"""`filter:` compiled into one SQL condition over a resource's table.

A filter is plain data, spelled as in GraphQL: `{"email": {"contains": "ann"}, "or": [...],
"and": [...], "not": {...}, "groups": {"some": {...}}}`. Each field takes the operators of its
kind (`kinds.OPERATORS`); to-many relations take `some` / `none`, compiled as EXISTS over the
related rows the caller may see. Every condition is two-valued (true or false, never SQL
NULL), so `not` is the exact complement of what it wraps: `ne` and `notIn` keep rows whose
value is null, and the other comparisons never match a null.

Anything malformed, unknown or past a limit (`limits`) is refused with `BadInput` naming
its path (`filter.or[2].email.in`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, false, not_, or_, select, true
from sqlalchemy.sql.util import ClauseAdapter

from core.principals import Principal
from resolvers import resources
from resolvers.errors import BadInput
from resolvers.listing import limits
from resolvers.listing.kinds import OPERATORS, Field, Kind, camel, check_readable, filterable
from resolvers.listing.kinds import field as described_field
from resolvers.resources import Resource
from resolvers.resources.resource import ResourceRelation

CONNECTIVES = ("and", "or", "not")
RELATION_OPERATORS = ("some", "none")


def filter_relations(resource: Resource) -> dict[str, ResourceRelation]:
    """The to-many relations a filter may test with `some`/`none`, by GraphQL name."""
    return {
        camel(relation.name): relation
        for relation in resource.relations
        if relation.many and not relation.closure
    }


def live_and_visible(resource: Resource, principal: Principal) -> ColumnElement[bool]:
    """The rows of `resource` that `principal` may read: its scope, and not soft-deleted."""
    visible = resource.visible(principal)
    if resource.soft_delete:
        return and_(resource.table.c.deleted_at.is_(None), visible)
    return visible


@dataclass
class _Compiler:
    principal: Principal
    clauses: int = 0

    def filter(self, resource: Resource, value: Any, path: str, depth: int) -> ColumnElement[bool]:
        if not isinstance(value, Mapping):
            raise BadInput(path, f"must be a {resource.graphql_type}Filter object")
        if depth > limits.MAX_FILTER_DEPTH:
            raise BadInput(path, f"nests deeper than {limits.MAX_FILTER_DEPTH} levels")
        fields = filterable(resource)
        relations = filter_relations(resource)
        conditions: list[ColumnElement[bool]] = []
        for key, operand in value.items():
            here = f"{path}.{key}"
            if operand is None:
                continue  # an explicit null leaves a condition out, as an absent one
            if key in ("and", "or"):
                parts = [
                    self.filter(resource, item, f"{here}[{i}]", depth + 1)
                    for i, item in enumerate(_list(operand, here))
                ]
                conditions.append(and_(true(), *parts) if key == "and" else or_(false(), *parts))
            elif key == "not":
                conditions.append(not_(self.filter(resource, operand, here, depth + 1)))
            elif key in fields:
                check_readable(resource, self.principal, fields[key].name, here)
                conditions.append(self.field(fields[key], operand, here))
            elif key in relations:
                conditions.append(self.relation(resource, relations[key], operand, here, depth))
            elif key in resource.shorthands:
                conditions.append(self.shorthand(resource, key, operand, here))
            else:
                known = ", ".join([*fields, *relations, *resource.shorthands, *CONNECTIVES])
                raise BadInput(here, f"is not a filter of {resource.graphql_type} ({known})")
        _check_bounds(resource, value, path)
        return and_(true(), *conditions)

    def shorthand(
        self, resource: Resource, key: str, operand: Any, path: str
    ) -> ColumnElement[bool]:
        shorthand = resource.shorthands[key]
        target = described_field(resource, shorthand.field)
        check_readable(resource, self.principal, target.name, path)
        self.count_clause(path)
        return _COMPARE[shorthand.operator](target, _utc(operand), path)

    def count_clause(self, path: str) -> None:
        self.clauses += 1
        if self.clauses > limits.MAX_FILTER_CLAUSES:
            limit = limits.MAX_FILTER_CLAUSES
            raise BadInput(path, f"is past the {limit} conditions a filter may hold")

    def field(self, field: Field, operand: Any, path: str) -> ColumnElement[bool]:
        if not isinstance(operand, Mapping):
            raise BadInput(path, f"must be a {_filter_type(field)} object")
        allowed = OPERATORS[field.kind]
        conditions = []
        for operator, value in operand.items():
            here = f"{path}.{operator}"
            if operator not in allowed:
                known = ", ".join(allowed)
                raise BadInput(here, f"is not an operator of {_filter_type(field)} ({known})")
            if value is None:
                continue
            self.count_clause(here)
            conditions.append(_COMPARE[operator](field, value, here))
        return and_(true(), *conditions)

    def relation(
        self,
        resource: Resource,
        relation: ResourceRelation,
        operand: Any,
        path: str,
        depth: int,
    ) -> ColumnElement[bool]:
        if not isinstance(operand, Mapping):
            raise BadInput(path, "must be an object with `some` or `none`")
        target = resources.BY_NAME[relation.target]
        conditions = []
        for operator, value in operand.items():
            here = f"{path}.{operator}"
            if operator not in RELATION_OPERATORS:
                raise BadInput(here, "is not an operator of a relation (some, none)")
            if value is None:
                continue
            self.count_clause(here)
            inner = self.filter(target, value, here, depth + 1)
            found = _exists(
                resource, relation, target, and_(live_and_visible(target, self.principal), inner)
            )
            conditions.append(found if operator == "some" else not_(found))
        return and_(true(), *conditions)


def _exists(
    parent: Resource, relation: ResourceRelation, target: Resource, condition: ColumnElement[bool]
) -> ColumnElement[bool]:
    """EXISTS a `target` row related to the (correlated) parent row and meeting `condition`.

    The target table is aliased, so a relation from a table to itself (a group's children)
    correlates with the outer row rather than with itself."""
    alias = target.table.alias()
    adapted: ColumnElement[bool] = ClauseAdapter(alias).traverse(condition)
    parent_key = parent.column(relation.parent_key)
    target_key = alias.c[relation.target_key]
    if relation.link is None:
        statement = select(alias.c.id).where(target_key == parent_key, adapted)
    else:
        link = parent.table.metadata.tables[relation.link.table].alias()
        statement = (
            select(alias.c.id)
            .select_from(link.join(alias, link.c[relation.link.child_column] == target_key))
            .where(link.c[relation.link.parent_column] == parent_key, adapted)
        )
    return exists(statement.correlate(parent.table))


def _utc(value: Any) -> Any:
    """A shorthand's timestamp without an offset, read as UTC (every time is stored in UTC)."""
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def _check_bounds(resource: Resource, value: Mapping[str, Any], path: str) -> None:
    """Refuses a range of shorthands that ends before it starts (`until` before `since`), which
    would quietly keep nothing."""
    lower = {
        s.field: (key, value[key])
        for key, s in resource.shorthands.items()
        if s.operator in ("gt", "gte") and isinstance(value.get(key), datetime)
    }
    for key, shorthand in resource.shorthands.items():
        end = value.get(key)
        if shorthand.operator not in ("lt", "lte") or not isinstance(end, datetime):
            continue
        start = lower.get(shorthand.field)
        if start is not None and _utc(end) < _utc(start[1]):
            raise BadInput(f"{path}.{key}", f"must not be earlier than {start[0]}")


def _filter_type(field: Field) -> str:
    if field.enum is not None:
        return f"{field.enum.__name__}Filter"
    return f"{field.kind.value}Filter"


def _list(value: Any, path: str) -> Sequence[Any]:
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Sequence):
        raise BadInput(path, "must be a list")
    return value


def _scalar(field: Field, value: Any, path: str) -> Any:
    """`value` as the column stores it, or a refusal naming what was expected."""
    if field.kind is Kind.ENUM:
        assert field.enum is not None
        if isinstance(value, field.enum):
            return value.value
        for member in field.enum:
            if value in (member.value, member.name):
                return member.value
        names = ", ".join(member.name for member in field.enum)
        raise BadInput(path, f"must be one of {names}")
    expected = field.python_type()
    if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
        raise BadInput(path, f"must be a {field.kind.value}")
    if isinstance(value, str) and len(value) > limits.MAX_TEXT_LENGTH:
        raise BadInput(path, f"is longer than {limits.MAX_TEXT_LENGTH} characters")
    if isinstance(value, datetime) and value.tzinfo is None:
        raise BadInput(path, "must carry a time zone")
    return value


def _values(field: Field, value: Any, path: str) -> list[Any]:
    items = _list(value, path)
    if len(items) > limits.MAX_IN_VALUES:
        raise BadInput(path, f"holds more than {limits.MAX_IN_VALUES} values")
    return [_scalar(field, item, f"{path}[{i}]") for i, item in enumerate(items)]


def _present(field: Field, condition: ColumnElement[bool]) -> ColumnElement[bool]:
    """`condition`, false (not NULL) where the value is null."""
    return and_(field.column.is_not(None), condition) if field.nullable else condition


def _absent_or(field: Field, condition: ColumnElement[bool]) -> ColumnElement[bool]:
    """`condition`, true where the value is null."""
    return or_(field.column.is_(None), condition) if field.nullable else condition


def _eq(field: Field, value: Any, path: str) -> ColumnElement[bool]:
    return _present(field, field.column == _scalar(field, value, path))


def _ne(field: Field, value: Any, path: str) -> ColumnElement[bool]:
    return _absent_or(field, field.column != _scalar(field, value, path))


def _in(field: Field, value: Any, path: str) -> ColumnElement[bool]:
    values = _values(field, value, path)
    return _present(field, field.column.in_(values)) if values else false()


def _not_in(field: Field, value: Any, path: str) -> ColumnElement[bool]:
    values = _values(field, value, path)
    return _absent_or(field, field.column.not_in(values)) if values else true()


def _text(match: str) -> Callable[[Field, Any, str], ColumnElement[bool]]:
    def compare(field: Field, value: Any, path: str) -> ColumnElement[bool]:
        text = _scalar(field, value, path)
        method = getattr(field.column, match)
        return _present(field, method(text, autoescape=True))

    return compare


def _ordered(operator: str) -> Callable[[Field, Any, str], ColumnElement[bool]]:
    def compare(field: Field, value: Any, path: str) -> ColumnElement[bool]:
        operand = _scalar(field, value, path)
        column = field.column
        condition = {
            "lt": column < operand,
            "lte": column <= operand,
            "gt": column > operand,
            "gte": column >= operand,
        }[operator]
        return _present(field, condition)

    return compare


def _is_null(field: Field, value: Any, path: str) -> ColumnElement[bool]:
    if not isinstance(value, bool):
        raise BadInput(path, "must be a Boolean")
    if not field.nullable:
        return false() if value else true()
    return field.column.is_(None) if value else field.column.is_not(None)


_COMPARE: dict[str, Callable[[Field, Any, str], ColumnElement[bool]]] = {
    "eq": _eq,
    "ne": _ne,
    "in": _in,
    "notIn": _not_in,
    "contains": _text("icontains"),
    "startsWith": _text("istartswith"),
    "endsWith": _text("iendswith"),
    "lt": _ordered("lt"),
    "lte": _ordered("lte"),
    "gt": _ordered("gt"),
    "gte": _ordered("gte"),
    "isNull": _is_null,
}


def compile_filter(
    resource: Resource, value: Mapping[str, Any] | None, principal: Principal, path: str = "filter"
) -> ColumnElement[bool]:
    """`value` as one condition over `resource`'s table (true when there is no filter).

    The caller's row scope is not part of it: `select_listed` ANDs it in, and relations'
    EXISTS carry the related resource's scope for `principal`."""
    if value is None:
        return true()
    return _Compiler(principal).filter(resource, value, path, depth=0)


def enum_value(enum: type[Enum], value: Any) -> Any:
    return value.value if isinstance(value, enum) else value
