"""`orderBy:` compiled into ORDER BY, and the keyset conditions that page through it.

An order is a list of `<FIELD>_ASC` / `<FIELD>_DESC` names over a resource's sortable fields
(`EMAIL_ASC`, `LAST_SIGN_IN_AT_DESC`); none given is the descriptor's `default_order`, else
`ID_ASC`, creation order. The id is
always the last term (ascending, unless the order names it), so every row has one place.
NULLs sort last in both directions, on both databases.

A position in an order is the row's value of each term; `after(position)` and
`before(position)` are the rows strictly past or before it, NULLs included where they sort.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from sqlalchemy import ColumnElement, and_, false, or_

from core.principals import Principal
from resolvers.errors import BadInput
from resolvers.listing import limits
from resolvers.listing.kinds import Field, check_readable, field, sortable
from resolvers.resources import Resource

ASC, DESC = "ASC", "DESC"


def constant(name: str) -> str:
    """`last_sign_in_at` → `LAST_SIGN_IN_AT`."""
    return name.upper()


def order_names(resource: Resource) -> list[str]:
    """Every `<FIELD>_ASC` / `<FIELD>_DESC` of `resource`, in a stable order."""
    return [
        f"{constant(f.name)}_{direction}"
        for f in sortable(resource).values()
        for direction in (ASC, DESC)
    ]


@dataclass(frozen=True)
class Term:
    field: Field
    descending: bool

    @property
    def name(self) -> str:
        return f"{constant(self.field.name)}_{DESC if self.descending else ASC}"

    def clause(self, backwards: bool) -> Any:
        """ORDER BY for this term; `backwards` reverses it wholly (NULLs then come first)."""
        column = self.field.column
        descending = self.descending != backwards
        clause = column.desc() if descending else column.asc()
        if not self.field.nullable:
            return clause
        return clause.nulls_first() if backwards else clause.nulls_last()

    def past(self, value: Any) -> ColumnElement[bool]:
        """Rows sorting strictly after `value` in this term's direction (NULLs last)."""
        column = self.field.column
        if value is None:
            return false()
        beyond = column < value if self.descending else column > value
        return or_(beyond, column.is_(None)) if self.field.nullable else beyond

    def short_of(self, value: Any) -> ColumnElement[bool]:
        """Rows sorting strictly before `value` in this term's direction (NULLs last)."""
        column = self.field.column
        if value is None:
            return column.is_not(None) if self.field.nullable else false()
        return column > value if self.descending else column < value

    def level(self, value: Any) -> ColumnElement[bool]:
        column = self.field.column
        return column.is_(None) if value is None else column == value


@dataclass(frozen=True)
class Order:
    resource: Resource
    terms: tuple[Term, ...]

    @property
    def key(self) -> str:
        """The order's name, which its cursors carry: `EMAIL_ASC,ID_ASC`."""
        return ",".join(term.name for term in self.terms)

    def clauses(self, backwards: bool = False) -> list[Any]:
        return [term.clause(backwards) for term in self.terms]

    def position(self, row: Any) -> tuple[Any, ...]:
        """`row`'s value of each term (a row as read: attributes named by column)."""
        return tuple(getattr(row, term.field.column.key) for term in self.terms)

    def after(self, position: Sequence[Any]) -> ColumnElement[bool]:
        return self._beyond(position, backwards=False)

    def before(self, position: Sequence[Any]) -> ColumnElement[bool]:
        return self._beyond(position, backwards=True)

    def _beyond(self, position: Sequence[Any], backwards: bool) -> ColumnElement[bool]:
        # (t1 past v1) OR (t1 level v1 AND ((t2 past v2) OR (t2 level v2 AND ...))), built
        # from the last term out; the last term is the id, unique, so no tie remains.
        condition: ColumnElement[bool] = false()
        for term, value in reversed(list(zip(self.terms, position, strict=True))):
            step = term.short_of(value) if backwards else term.past(value)
            condition = or_(step, and_(term.level(value), condition))
        return condition


def parse_order(
    resource: Resource,
    values: Sequence[str | Enum] | None,
    path: str = "orderBy",
    principal: Principal | None = None,
) -> Order:
    """The order `values` name (the resource's default order when none: `ID_ASC` unless its
    descriptor names another), refusing unknown or repeated fields and fields `principal`
    (when given) may not read."""
    fields = {constant(f.name): f for f in sortable(resource).values()}
    terms: list[Term] = []
    for i, value in enumerate(values or resource.default_order):
        here = f"{path}[{i}]"
        name = value.value if isinstance(value, Enum) else value
        if not isinstance(name, str):
            raise BadInput(here, "must be an order name such as ID_ASC")
        column, _, direction = name.rpartition("_")
        if direction not in (ASC, DESC) or column not in fields:
            known = ", ".join(order_names(resource))
            raise BadInput(here, f"{name} is not an order of {resource.graphql_type} ({known})")
        check_readable(resource, principal, fields[column].name, here)
        if any(term.field.name == fields[column].name for term in terms):
            raise BadInput(here, f"{name} orders by {column} a second time")
        terms.append(Term(fields[column], descending=direction == DESC))
        if column == "ID":
            break  # the id is unique: nothing after it can change the order
    if len(terms) > limits.MAX_ORDER_TERMS:
        raise BadInput(path, f"holds more than {limits.MAX_ORDER_TERMS} orders")
    if not terms or terms[-1].field.name != "id":
        terms.append(Term(field(resource, "id"), descending=False))
    return Order(resource, tuple(terms))
