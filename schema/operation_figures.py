"""The figures the operation limits compare: depth, aliases, root fields and cost.

Each is computed in one pass over the document, in time linear in its size, fragments
included: a fragment's figures are computed once, before those of every definition that
spreads it, and each spread adds the fragment's figures (times the page size of the lists
around it, for the cost). So a document in which each of 40 fragments spreads the next one
twice, whose expansion selects 2^40 fields, is measured in 40 short walks, never expanded.

A spread that closes a cycle adds nothing (validation refuses fragment cycles), so the
figures of any document are finite, even one that has not been validated. The figures of
an expansion can still be astronomically large; they are counted up to `CEILING`, the
largest integer every JSON client reads exactly, and a figure at the ceiling means "at
least that much".

- Depth: nesting below the root fields, as Strawberry's `QueryDepthLimiter` counts it: a
  field with a selection is one level, root fields are at depth 0, and introspection fields
  (`__schema`, …) are not looked into. The deepest of the document's operations.
- Aliases: aliased fields of the document's operations, each fragment counted as many
  times as it is spread (as Strawberry's `MaxAliasesLimiter` counts).
- Root fields: distinct response keys at the root of the operation that runs (fields merge
  by key), `__typename` aside.
- Cost: an estimate of the field executions, an upper bound. Every selected field costs 1
  each time it can run, and a list runs its selection once per item. A connection's lists
  (`nodes`, `edges`) hold at most its page size: `first`, read from the literal, from the
  variables the request carries or from the variable's default, 20 when absent or null,
  and capped at the 100 the resolvers accept. So `tenants(first: 5) { nodes { id name } }`
  costs 1 + 1 + 5 * 2 = 12, and a page size hidden in a variable counts at its real value.
  `last` counts as `first` does. A list's `filter`, `orderBy` and `search` add one per
  condition of the filter (each operator given, each `some`/`none`), one per order term and
  one for a search. `__typename` costs nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    NullValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    Undefined,
    ValueNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_list_type,
    value_from_ast_untyped,
)

from resolvers.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE

CEILING = 2**53 - 1
"""Figures are counted up to here: the largest integer a JSON client reads exactly."""


# The arguments of lists compiled by `resolvers.listing`, which add to a list's cost.
LISTING_ARGUMENTS = ("filter", "orderBy", "search")


def _conditions(value: Any) -> int:
    """The conditions a list argument's value holds: each non-null leaf (an `in` list is one
    condition), each item of a list of objects or names."""
    if value is None or value is Undefined:
        return 0
    if isinstance(value, Mapping):
        return sum(_conditions(item) for item in value.values())
    if isinstance(value, list):
        if all(isinstance(item, str) for item in value):
            return len(value)  # order terms
        if any(isinstance(item, Mapping) for item in value):
            return sum(_conditions(item) for item in value)
        return 1  # the values of one `in` / `notIn`
    return 1


def _capped(value: int) -> int:
    return min(value, CEILING)


def fragments_of(document: DocumentNode) -> dict[str, FragmentDefinitionNode]:
    return {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }


def operations_of(document: DocumentNode) -> list[OperationDefinitionNode]:
    return [
        definition
        for definition in document.definitions
        if isinstance(definition, OperationDefinitionNode)
    ]


def _spreads(selection_set: SelectionSetNode) -> list[str]:
    """The fragments a selection spreads, at any nesting."""
    names: list[str] = []
    pending = [selection_set]
    while pending:
        for selection in pending.pop().selections:
            if isinstance(selection, FragmentSpreadNode):
                names.append(selection.name.value)
            elif isinstance(selection, FieldNode | InlineFragmentNode) and selection.selection_set:
                pending.append(selection.selection_set)
    return names


def in_spread_order(fragments: Mapping[str, FragmentDefinitionNode]) -> list[str]:
    """The fragments' names, each after every fragment it spreads, except for a spread that
    closes a cycle. Walked without recursion: a chain of fragments may be as long as the
    document allows."""
    spreads = {name: _spreads(fragment.selection_set) for name, fragment in fragments.items()}
    order: list[str] = []
    done: set[str] = set()
    for root in fragments:
        if root in done:
            continue
        path = [(root, iter(spreads[root]))]
        on_path = {root}
        while path:
            name, pending = path[-1]
            for spread in pending:
                if spread in fragments and spread not in done and spread not in on_path:
                    path.append((spread, iter(spreads[spread])))
                    on_path.add(spread)
                    break
            else:
                path.pop()
                on_path.discard(name)
                done.add(name)
                order.append(name)
    return order


# ---------------------------------------------------------------------------------------------
# Depth and aliases: figures of the document alone


@dataclass(frozen=True, slots=True)
class Shape:
    """A selection's depth (below it) and the aliased fields it expands to."""

    depth: int = 0
    aliases: int = 0


def _shape(selection_set: SelectionSetNode, shapes: Mapping[str, Shape]) -> Shape:
    # Recursion stays within one definition, whose nesting the parser bounds.
    depth = aliases = 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            aliases += selection.alias is not None
            if selection.selection_set is not None:
                inner = _shape(selection.selection_set, shapes)
                aliases += inner.aliases
                if not selection.name.value.startswith("__"):
                    depth = max(depth, 1 + inner.depth)
        elif isinstance(selection, InlineFragmentNode):
            inner = _shape(selection.selection_set, shapes)
            depth, aliases = max(depth, inner.depth), aliases + inner.aliases
        elif isinstance(selection, FragmentSpreadNode):
            spread = shapes.get(selection.name.value)  # unknown, or closing a cycle: nothing
            if spread is not None:
                depth, aliases = max(depth, spread.depth), aliases + spread.aliases
    return Shape(depth, _capped(aliases))


@dataclass(frozen=True, slots=True)
class DocumentShape:
    depth: int
    aliases: int

    @classmethod
    def of(cls, document: DocumentNode) -> DocumentShape:
        fragments = fragments_of(document)
        shapes: dict[str, Shape] = {}
        for name in in_spread_order(fragments):
            shapes[name] = _shape(fragments[name].selection_set, shapes)
        operations = [
            _shape(operation.selection_set, shapes) for operation in operations_of(document)
        ]
        return cls(
            depth=max((shape.depth for shape in operations), default=0),
            aliases=_capped(sum(shape.aliases for shape in operations)),
        )


def document_depth(document: DocumentNode) -> int:
    """The deepest field of any of the document's operations (see the module doc)."""
    return DocumentShape.of(document).depth


def alias_count(document: DocumentNode) -> int:
    """Aliased fields in the document's operations, fragments counted as often as spread."""
    return DocumentShape.of(document).aliases


def _literal_int(digits: str) -> int:
    # Past 18 digits the literal is far outside any page size (and refused by validation):
    # no need to convert a long number.
    if len(digits) <= 18:
        return int(digits)
    return -CEILING if digits.startswith("-") else CEILING


# ---------------------------------------------------------------------------------------------
# Root fields and cost: figures of one operation, its variables and the schema


@dataclass(frozen=True, slots=True)
class Cost:
    """The cost of one execution of a selection: `fixed + per_item * page`, where `page` is
    the page size of the nearest connection above it, which its lists hold. (A selection's
    cost is affine in that page size, so one pair stands for a fragment wherever it is
    spread.)"""

    fixed: int = 0
    per_item: int = 0

    def at(self, page: int) -> int:
        return _capped(self.fixed + self.per_item * page)


class Estimate:
    """Root fields and cost of one operation of a document (see the module doc)."""

    def __init__(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        variables: Mapping[str, Any] | None,
        *,
        default_page_size: int = DEFAULT_PAGE_SIZE,
        max_page_size: int = MAX_PAGE_SIZE,
    ) -> None:
        self.schema = schema
        self.fragments = fragments_of(document)
        self.variables: Mapping[str, Any] = variables if isinstance(variables, Mapping) else {}
        self.default_page_size = default_page_size
        self.max_page_size = max_page_size
        self._defaults: dict[str, Any] = {}
        self._costs: dict[str, Cost] = {}

    def root_fields(self, operation: OperationDefinitionNode) -> int:
        keys: set[str] = set()
        visited: set[str] = set()
        pending = [operation.selection_set]
        while pending:
            for selection in pending.pop().selections:
                if isinstance(selection, FieldNode):
                    if selection.name.value != "__typename":
                        keys.add((selection.alias or selection.name).value)
                elif isinstance(selection, InlineFragmentNode):
                    pending.append(selection.selection_set)
                elif isinstance(selection, FragmentSpreadNode):
                    name = selection.name.value
                    if name not in visited and name in self.fragments:
                        visited.add(name)
                        pending.append(self.fragments[name].selection_set)
        return len(keys)

    def cost(self, operation: OperationDefinitionNode) -> int:
        # Page sizes in fragments may read the operation's variable defaults.
        self._defaults = {
            definition.variable.name.value: definition.default_value
            for definition in operation.variable_definitions or ()
        }
        self._costs = {}
        for name in in_spread_order(self.fragments):
            fragment = self.fragments[name]
            on = self.schema.get_type(fragment.type_condition.name.value)
            self._costs[name] = self._selection_cost(fragment.selection_set, on)
        root = self.schema.get_root_type(operation.operation)
        return self._selection_cost(operation.selection_set, root).at(1)

    def _selection_cost(
        self, selection_set: SelectionSetNode, parent: GraphQLNamedType | None
    ) -> Cost:
        fixed = per_item = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                cost = self._field_cost(selection, parent)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                on = self.schema.get_type(condition.name.value) if condition else parent
                cost = self._selection_cost(selection.selection_set, on)
            elif isinstance(selection, FragmentSpreadNode):
                # A fragment that is unknown, or whose spread closes a cycle, adds nothing.
                cost = self._costs.get(selection.name.value, Cost())
            else:
                continue
            fixed, per_item = fixed + cost.fixed, per_item + cost.per_item
        return Cost(_capped(fixed), _capped(per_item))

    def _field_cost(self, node: FieldNode, parent: GraphQLNamedType | None) -> Cost:
        if node.name.value == "__typename":
            return Cost()
        if node.selection_set is None:
            return Cost(1)
        composite = isinstance(parent, GraphQLObjectType | GraphQLInterfaceType)
        field = parent.fields.get(node.name.value) if composite else None  # type: ignore[union-attr]
        if field is None:  # an introspection field: no pages, its lists count once
            return Cost(1 + self._selection_cost(node.selection_set, None).at(1))
        child = get_named_type(field.type)
        inner = self._selection_cost(node.selection_set, child)
        if is_list_type(get_nullable_type(field.type)):
            return Cost(1, inner.at(1))
        if "first" in field.args:  # a connection: its lists hold one page
            listing = self._listing_cost(node)
            return Cost(1 + listing + inner.at(self._page_size(node)))
        return Cost(1 + inner.fixed, inner.per_item)

    def _argument(self, node: FieldNode, name: str) -> Any:
        """The argument's value: a literal as an AST node, a variable's as the request (or
        the variable's default) gives it; None when absent."""
        argument = next((a for a in node.arguments or () if a.name.value == name), None)
        if argument is None:
            return None
        value = argument.value
        if isinstance(value, VariableNode):
            variable = value.name.value
            return (
                self.variables[variable]
                if variable in self.variables
                else self._defaults.get(variable)
            )
        return value

    def _listing_cost(self, node: FieldNode) -> int:
        """What a list's `filter`, `orderBy` and `search` add: one per condition of the filter
        (each operator given, each `some`/`none`), one per order term, one for a search."""
        total = 0
        for name in LISTING_ARGUMENTS:
            value = self._argument(node, name)
            if isinstance(value, ValueNode):
                value = value_from_ast_untyped(value, dict(self.variables))
            total += _conditions(value)
        return total

    def _page_size(self, node: FieldNode) -> int:
        value: Any = self._argument(node, "first")
        if value is None or isinstance(value, NullValueNode):
            value = self._argument(node, "last")
        if isinstance(value, IntValueNode):
            value = _literal_int(value.value)
        if not isinstance(value, int) or isinstance(value, bool):
            return self.default_page_size  # absent, null, or refused when coerced
        return max(0, min(value, self.max_page_size))
