"""What a field's selection asks for, read before its value is fetched.

A root list's resolver reads whether its connection selects `totalCount`, so that its page
statement counts the total too (one round trip instead of two). The selection is walked as
the executor walks it: named and inline fragments expanded, `@skip` and `@include`
evaluated with the request's variables. A type condition is not checked: a connection type
is an object type, so a fragment on another type selects nothing there, and counting for it
would only cost what a second statement would have.
"""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import (
    BooleanValueNode,
    DirectiveNode,
    FieldNode,
    FragmentSpreadNode,
    GraphQLResolveInfo,
    InlineFragmentNode,
    SelectionNode,
    SelectionSetNode,
    VariableNode,
)

from resolvers.listing import Relay
from schema.strawberry_private import resolve_info


def page_relay(
    info: strawberry.Info[Any, Any],
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> Relay:
    """A root list's page arguments, counted when its connection selects `totalCount`."""
    raw = resolve_info(info)
    counted = any(_selects(raw, node.selection_set, "totalCount") for node in raw.field_nodes)
    return Relay(first, after, last, before, counted=counted)


def _selects(raw: GraphQLResolveInfo, selection_set: SelectionSetNode | None, name: str) -> bool:
    if selection_set is None:
        return False
    for selection in selection_set.selections:
        if not _included(raw, selection):
            continue
        if isinstance(selection, FieldNode):
            if selection.name.value == name:
                return True
        elif isinstance(selection, FragmentSpreadNode):
            fragment = raw.fragments.get(selection.name.value)
            if fragment is not None and _selects(raw, fragment.selection_set, name):
                return True
        elif isinstance(selection, InlineFragmentNode) and _selects(
            raw, selection.selection_set, name
        ):
            return True
    return False


def _included(raw: GraphQLResolveInfo, node: SelectionNode) -> bool:
    for directive in node.directives or ():
        name = directive.name.value
        if name in ("skip", "include") and _condition(raw, directive) is (name == "skip"):
            return False
    return True


def _condition(raw: GraphQLResolveInfo, directive: DirectiveNode) -> bool:
    """The value of a `@skip`/`@include` directive's `if` (validation made it a Boolean)."""
    for argument in directive.arguments or ():
        if argument.name.value != "if":
            continue
        value = argument.value
        if isinstance(value, BooleanValueNode):
            return value.value
        if isinstance(value, VariableNode):
            # graphql-core keeps the coerced values, as a mapping or on `.coerced`.
            values: Any = getattr(raw.variable_values, "coerced", raw.variable_values)
            return bool(values.get(value.name.value))
    return False
