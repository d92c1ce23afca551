"""What a plan is made of: the shapes `compile.py` builds and `run.py` runs.

A `Plan` holds, per variant of its `@skip`/`@include` variables, the root lists to run; a
root list's `ConnectionShape` says what its connection writes, its `NodesPlan`s what each
node writes (`Leaf` values, relation connections as `RelationPlan`s, to-one relations as
`ToOnePlan`s), and a `Reader` which columns of a row each of them reads.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from operator import attrgetter, itemgetter
from typing import Any

from graphql import FieldNode, GraphQLField, VariableDefinitionNode

from resolvers.relations_sql import DescribedRelation
from resolvers.resources import Resource
from schema.planner.root_lists import RootList
from schema.prefetch.registry import RelationField

TYPENAME = "__typename"
PAGE_INFO_FIELDS = frozenset({"hasNextPage", "hasPreviousPage", "startCursor", "endCursor"})
EDGE_FIELDS = frozenset({TYPENAME, "cursor", "node"})


class Unplannable(Exception):
    """This operation (or this request of it) runs through normal execution instead."""


@dataclass(frozen=True, slots=True)
class Leaf:
    """A node's output field: a value `read` from its row, or the constant `typename`."""

    key: str
    read: Callable[[Any], Any]
    coerce: Callable[[Any], Any]
    nullable: bool
    typename: str | None = None
    text: bool = False  # a String or ID: a `str` value is written as it is, as they serialize it


@dataclass(frozen=True, slots=True)
class ConnectionOutput:
    """A connection's output field, in selection order: `kind` is `__typename`,
    `totalCount`, `pageInfo`, `nodes` or `edges`; `selected` holds the keys selected inside
    `pageInfo` or an edge (with their field names), `typename` the constant of `__typename`
    (of the page info or edge type, inside those), `node_set` the index of the nodes' plan."""

    key: str
    kind: str
    typename: str | None = None
    selected: tuple[tuple[str, str], ...] = ()
    node_set: int = -1


@dataclass(frozen=True, eq=False)
class NodesPlan:
    """What each node of a connection writes, in selection order, and the relations below."""

    ident: Callable[[Any], str]
    fields: tuple[Leaf | RelationPlan | ToOnePlan, ...]

    @property
    def relations(self) -> tuple[RelationPlan, ...]:
        return tuple(field for field in self.fields if isinstance(field, RelationPlan))

    @property
    def to_ones(self) -> tuple[ToOnePlan, ...]:
        return tuple(field for field in self.fields if isinstance(field, ToOnePlan))

    @property
    def fetches(self) -> bool:
        """Whether rows are fetched below these nodes (a relation or a to-one relation)."""
        return any(not isinstance(field, Leaf) for field in self.fields)


@dataclass(frozen=True, eq=False)
class ToOnePlan:
    """A to-one relation below a node (`schema.types.to_one`): the `target` row whose id the
    parent row holds (`parent_key`), if the caller may see it, written as `nodes`; null
    otherwise. Every to-one relation of a plan to one target reads the same columns
    (`reader`, `id` first), so that a level fetches each target's rows once, as the
    executor's `by_id` loader does, and rows fetched at one level serve the levels below."""

    key: str
    target: Resource
    reader: Reader
    parent_key: Callable[[Any], Any]
    nodes: NodesPlan


@dataclass(frozen=True, eq=False)
class ConnectionShape:
    outputs: tuple[ConnectionOutput, ...]
    node_sets: tuple[NodesPlan, ...]  # of `nodes` and of `edges { node }`
    counts: bool


@dataclass(frozen=True, eq=False)
class RelationPlan:
    """A relation connection below a node: a page per parent row, selected by the planner
    (`described`, its rows tuples of `columns`) or, for a closure, by the relation loaders."""

    key: str
    target: RelationField
    node: FieldNode
    shape: ConnectionShape
    described: DescribedRelation | None
    columns: tuple[str, ...]
    parent_key: Callable[[Any], Any]  # reads the parent row's value the relation joins on
    statements: Statements = field(default_factory=lambda: Statements())


@dataclass(frozen=True, eq=False)
class RootListPlan:
    key: str
    root_list: RootList
    field: GraphQLField
    node: FieldNode
    columns: tuple[str, ...]  # `id` first: the key of the relations below
    shape: ConnectionShape
    # Pages bound by (caller's row scope, arguments) (`root_pages.bind_root`).
    pages: Statements = dataclasses.field(default_factory=lambda: Statements())


# A root `__typename` is a `str` (its key's constant); a root list, its plan.
Roots = tuple[tuple[str, str | RootListPlan], ...]


@dataclass(frozen=True, slots=True)
class Plan:
    """An operation's plan: for each combination of the values of the variables its `@skip`
    and `@include` read (`conditions`, in order), the roots to run, or None where that
    variant is not planned."""

    variable_definitions: tuple[VariableDefinitionNode, ...]
    conditions: tuple[str, ...]
    variants: Mapping[tuple[bool, ...], Roots | None]

    def roots(self, coerced: Mapping[str, Any]) -> Roots:
        """The roots of the variant the request's (coerced) variables choose, or Unplannable."""
        values = tuple(coerced.get(name) for name in self.conditions)
        if not all(type(value) is bool for value in values):
            raise Unplannable  # a null condition: the executor's error
        roots = self.variants.get(values)  # type: ignore[arg-type]
        if roots is None:
            raise Unplannable
        return roots


class Statements:
    """The statements a plan built for its requests, by what each depends on besides the plan
    (the caller's row scope, the window, the dialect), so that a request reuses them instead
    of building them again; bounded, emptied when full."""

    SIZE = 256

    def __init__(self) -> None:
        self.entries: dict[Any, Any] = {}

    def get(self, key: Any, build: Callable[[], Any]) -> Any:
        found = self.entries.get(key)
        if found is None:
            if len(self.entries) >= self.SIZE:
                self.entries.clear()
            found = self.entries[key] = build()
        return found


class Reader:
    """How the rows of one connection are read. Rows the planner selects itself are tuples of
    the `columns` it asks for (`id` first), read by index; rows of the relation loaders
    (`tuples=False`) are lean rows, read by attribute as the executor reads them."""

    def __init__(self, resource: Resource, *, tuples: bool = True) -> None:
        self.resource = resource
        self.tuples = tuples
        self.columns: list[str] = ["id"]
        self.statements = Statements()  # of a to-one target's rows, read with these columns

    def field(self, python_name: str) -> Callable[[Any], Any]:
        """The reader of a plain field (by its Python name), or Unplannable."""
        column = self.resource.fields.get(python_name)
        if column is None:
            raise Unplannable
        return self.column(column)

    def column(self, name: str) -> Callable[[Any], Any]:
        if not self.tuples:
            return attrgetter(name)
        if name not in self.columns:
            self.columns.append(name)
        return itemgetter(self.columns.index(name))
