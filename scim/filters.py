"""SCIM filters (RFC 7644 §3.4.2.2) onto the listing filter, which compiles them into SQL.

scim2-models parses the filter; each node of its tree becomes a node of
`resolvers.listing`'s filter (`{"email": {"eq": …}, "and": [...], "not": {...}}`), so the
filter runs as SQL over the resource's table, within the caller's scope, never in Python.
Each SCIM attribute maps to one field of the resource descriptor (`Attribute`); what has no
column (the enterprise extension, kept as JSON) and what the field's kind cannot compare
(`gt` on a string) is refused with `invalidFilter` naming it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from scim2_models import ScimFilter
from scim2_models.path import (
    AttrPath,
    Comparison,
    FilterNode,
    LogicalExpr,
    Not,
    Present,
    ValuePath,
)

from scim.errors import ScimError

# SCIM operator → the listing operator (None: `pr`, handled apart).
_OPERATORS = {
    "eq": "eq",
    "ne": "ne",
    "co": "contains",
    "sw": "startsWith",
    "ew": "endsWith",
    "gt": "gt",
    "ge": "gte",
    "lt": "lt",
    "le": "lte",
}


@dataclass(frozen=True)
class Attribute:
    """A SCIM attribute read from one listing field (`field`, its GraphQL name).

    `value` turns a filter's operand into the stored value (e-mails are stored lowercased;
    `active` is a status); `nullable` tells what `pr` means; `compare`, where one field does
    not hold the attribute, builds the condition from the listing operator and the value."""

    field: str
    nullable: bool = True
    value: Callable[[Any], Any] = lambda v: v
    operators: frozenset[str] = frozenset(_OPERATORS)
    compare: Callable[[str, Any], dict[str, Any]] | None = None


def lowercase(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def timestamp(value: Any) -> Any:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise ScimError(400, f"'{value}' is not a date and time", "invalidFilter") from None
        if parsed.tzinfo is None:
            raise ScimError(400, f"'{value}' must carry a time zone", "invalidFilter")
        return parsed
    raise ScimError(400, f"{value!r} is not a date and time", "invalidFilter")


TEXT_OPERATORS = frozenset({"eq", "ne", "co", "sw", "ew"})
ID_OPERATORS = frozenset({"eq", "ne"})
TIME_OPERATORS = frozenset({"eq", "gt", "ge", "lt", "le"})
# What every resource type's filter names alike: its id, externalId and meta times.
COMMON_ATTRIBUTES: Mapping[str, Attribute] = {
    "id": Attribute("id", nullable=False, operators=ID_OPERATORS),
    "externalid": Attribute("externalId", operators=TEXT_OPERATORS),
    "meta.created": Attribute(
        "createdAt", nullable=False, value=timestamp, operators=TIME_OPERATORS
    ),
    "meta.lastmodified": Attribute(
        "updatedAt", nullable=False, value=timestamp, operators=TIME_OPERATORS
    ),
}


@dataclass(frozen=True)
class Schema:
    """The attributes a resource's filter may name, by lowercased path (`name.givenname`);
    `multi` maps a multi-valued attribute to how its value filter is read."""

    attributes: Mapping[str, Attribute]
    # A multi-valued attribute's sub-filter (`emails[type eq "work"]`) and the path its
    # `value` sub-attribute stands for.
    multi: Mapping[str, Callable[[FilterNode], dict[str, Any] | None]]
    # The schema URNs an attribute path may be qualified with (the resource's core schema).
    uris: frozenset[str] = frozenset()


def to_listing_filter(text: str | None, schema: Schema) -> dict[str, Any] | None:
    if not text:
        return None
    try:
        tree = ScimFilter(text).ast
    except Exception as exc:
        raise ScimError(400, f"The filter cannot be parsed: {exc}", "invalidFilter") from None
    return _Compiler(schema).node(tree)


_TRUE: dict[str, Any] = {"and": []}
_FALSE: dict[str, Any] = {"or": []}


@dataclass
class _Compiler:
    schema: Schema

    def node(self, node: FilterNode) -> dict[str, Any]:
        if isinstance(node, LogicalExpr):
            key = "and" if node.op.value == "and" else "or"
            return {key: [self.node(term) for term in node.terms]}
        if isinstance(node, Not):
            return {"not": self.node(node.expr)}
        if isinstance(node, Present):
            return self.present(node.attr_path)
        if isinstance(node, Comparison):
            return self.compare(node.attr_path, node.op.value, node.value)
        if isinstance(node, ValuePath):
            return self.value_path(node)
        raise ScimError(400, f"Unsupported filter expression: {node}", "invalidFilter")

    def attribute(self, path: AttrPath) -> Attribute:
        if path.uri is not None and path.uri not in self.schema.uris:
            raise ScimError(400, f"Attribute '{path}' cannot be filtered on", "invalidFilter")
        name = _name(path)
        attribute = self.schema.attributes.get(name)
        if attribute is None:
            raise ScimError(400, f"Attribute '{path}' cannot be filtered on", "invalidFilter")
        return attribute

    def present(self, path: AttrPath) -> dict[str, Any]:
        attribute = self.attribute(path)
        if not attribute.nullable:
            return _TRUE
        return {attribute.field: {"isNull": False}}

    def compare(self, path: AttrPath, operator: str, value: Any) -> dict[str, Any]:
        attribute = self.attribute(path)
        if operator not in attribute.operators:
            raise ScimError(
                400, f"Operator '{operator}' does not apply to '{path}'", "invalidFilter"
            )
        if value is None:  # `eq null`: absent; `ne null`: present
            if operator not in ("eq", "ne"):
                raise ScimError(400, f"'{operator} null' means nothing", "invalidFilter")
            present = self.present(path)
            return {"not": present} if operator == "eq" else present
        operand = attribute.value(value)
        if attribute.compare is not None:
            return attribute.compare(_OPERATORS[operator], operand)
        if isinstance(operand, dict):  # the attribute's own translation (`active`)
            return operand if operator == "eq" else {"not": operand}
        return {attribute.field: {_OPERATORS[operator]: operand}}

    def value_path(self, node: ValuePath) -> dict[str, Any]:
        read = self.schema.multi.get(_name(node.attr_path))
        if read is None:
            raise ScimError(
                400, f"Attribute '{node.attr_path}' cannot be filtered on", "invalidFilter"
            )
        compiled = read(node.val_filter)
        if compiled is None:
            raise ScimError(400, f"Unsupported value filter: {node}", "invalidFilter")
        return compiled


def _name(path: AttrPath) -> str:
    name = path.attr if path.sub_attr is None else f"{path.attr}.{path.sub_attr}"
    return name.lower()


def sub_compiler(schema: Schema) -> Callable[[FilterNode], dict[str, Any]]:
    """Compiles a value filter (`members[value eq "…"]`) over a sub-attribute schema."""
    return _Compiler(schema).node
