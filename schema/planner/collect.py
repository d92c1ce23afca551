"""Collecting a selection set's fields as graphql-core's CollectFields does, for the planner.

Named fragments and inline fragments whose type condition is the exact object type (or, for
an inline fragment, absent) are expanded in place; `@skip` and `@include` keep or drop a
field, fragment spread or inline fragment by the values of the variant being compiled (a
literal, or the variable's value in that variant). Fields selected under one response key
are merged: their sub-selections are concatenated in order, as `collect_sub_fields` walks
them, so the next level sees the same fields the executor would. Anything else (another
type condition, another directive, one key naming two fields or two sets of arguments)
raises `Unplannable`.

A plan is compiled once per combination of the variables that `@skip`/`@include` read
(`condition_variables`), at most `MAX_CONDITION_VARIABLES` of them; a request picks its
variant by its variables' values, so what is included is decided per request.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from itertools import product
from typing import Any

from graphql import (
    BooleanValueNode,
    DirectiveNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValueNode,
    VariableNode,
    print_ast,
)

CONDITIONS = frozenset({"skip", "include"})
MAX_CONDITION_VARIABLES = 3

Conditions = Mapping[str, bool]


class Uncollectable(Exception):
    """The selection uses something the planner does not collect; the operation runs normally."""


@dataclass(frozen=True)
class Collector:
    """Collects selection sets of one operation for one variant of its condition variables."""

    fragments: Mapping[str, FragmentDefinitionNode]
    conditions: Conditions

    def fields(
        self, selection_set: SelectionSetNode | None, type_name: str
    ) -> Iterator[tuple[str, FieldNode]]:
        """The fields of `selection_set` (on the object type `type_name`) by response key, in
        the executor's order, each selected twice or more merged into one node."""
        if selection_set is None:
            raise Uncollectable
        grouped: dict[str, list[FieldNode]] = {}
        self._collect(selection_set, type_name, grouped, set())
        for key, nodes in grouped.items():
            yield key, _merged(nodes)

    def _collect(
        self,
        selection_set: SelectionSetNode,
        type_name: str,
        grouped: dict[str, list[FieldNode]],
        visited: set[str],
    ) -> None:
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                if self._included(selection):
                    key = selection.alias.value if selection.alias else selection.name.value
                    grouped.setdefault(key, []).append(selection)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                if condition is not None and condition.name.value != type_name:
                    raise Uncollectable
                if self._included(selection):
                    self._collect(selection.selection_set, type_name, grouped, visited)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name in visited or not self._included(selection):
                    continue
                visited.add(name)
                fragment = self.fragments.get(name)
                if (
                    fragment is None
                    or fragment.variable_definitions  # fragment arguments: not planned
                    or fragment.type_condition.name.value != type_name
                ):
                    raise Uncollectable
                self._collect(fragment.selection_set, type_name, grouped, visited)
            else:
                raise Uncollectable

    def _included(self, node: FieldNode | InlineFragmentNode | FragmentSpreadNode) -> bool:
        """Whether `@skip`/`@include` keep `node` (`@skip` first, as `should_include_node`)."""
        values: dict[str, bool] = {}
        for directive in node.directives or ():
            name = directive.name.value
            arguments = directive.arguments or ()
            if name not in CONDITIONS or name in values or len(arguments) != 1:
                raise Uncollectable
            values[name] = self._value(arguments[0].value)
        return not values.get("skip", False) and values.get("include", True)

    def _value(self, value: ValueNode) -> bool:
        if isinstance(value, BooleanValueNode):
            return value.value
        if isinstance(value, VariableNode) and value.name.value in self.conditions:
            return self.conditions[value.name.value]
        raise Uncollectable


def _merged(nodes: list[FieldNode]) -> FieldNode:
    """One node standing for `nodes`, the fields of one response key: the first one's name and
    arguments, every node's sub-selections in order. Fields that differ in name or arguments
    (which validation refuses on an object type) are not merged by the planner."""
    first = nodes[0]
    if len(nodes) == 1:
        return first
    arguments = [print_ast(argument) for argument in first.arguments or ()]
    selections: list[Any] = []
    leaves = 0
    for node in nodes:
        if node.name.value != first.name.value:
            raise Uncollectable
        if [print_ast(argument) for argument in node.arguments or ()] != arguments:
            raise Uncollectable
        if node.selection_set is None:
            leaves += 1
        else:
            selections.extend(node.selection_set.selections)
    if leaves:
        if leaves != len(nodes):
            raise Uncollectable
        return first
    return FieldNode(
        alias=first.alias,
        name=first.name,
        arguments=first.arguments,
        directives=(),
        selection_set=SelectionSetNode(selections=tuple(selections)),
    )


def fragments_of(document: DocumentNode) -> dict[str, FragmentDefinitionNode]:
    return {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }


def condition_variables(
    operation: OperationDefinitionNode, fragments: Mapping[str, FragmentDefinitionNode]
) -> tuple[str, ...]:
    """The variables that `@skip`/`@include` read in the operation and its fragments, in the
    order first met (those of fragments the operation never spreads count too: harmless)."""
    names: dict[str, None] = {}
    for root in (operation, *fragments.values()):
        for directive in _directives(root.selection_set):
            if directive.name.value not in CONDITIONS:
                continue
            for argument in directive.arguments or ():
                if isinstance(argument.value, VariableNode):
                    names[argument.value.name.value] = None
                elif not isinstance(argument.value, BooleanValueNode):
                    raise Uncollectable
    if len(names) > MAX_CONDITION_VARIABLES:
        raise Uncollectable
    return tuple(names)


def variants(names: tuple[str, ...]) -> Iterator[dict[str, bool]]:
    """Every combination of values of the condition variables `names`."""
    for values in product((False, True), repeat=len(names)):
        yield dict(zip(names, values, strict=True))


def _directives(selection_set: SelectionSetNode | None) -> Iterator[DirectiveNode]:
    if selection_set is None:
        return
    for selection in selection_set.selections:
        yield from selection.directives or ()
        yield from _directives(getattr(selection, "selection_set", None))
