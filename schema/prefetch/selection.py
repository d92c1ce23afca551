"""What a document selects below a field, read the way the executor reads it.

Fragments and inline fragments count when their type condition matches, `@skip`/`@include`
are applied, and fields are grouped by response key (so aliases stay apart); argument values
come from literals, variables and defaults.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLIncludeDirective,
    GraphQLObjectType,
    GraphQLResolveInfo,
    GraphQLSchema,
    GraphQLSkipDirective,
    InlineFragmentNode,
    NamedTypeNode,
    SelectionSetNode,
    get_directive_values,
    get_named_type,
    is_abstract_type,
)
from graphql.execution import get_argument_values
from graphql.execution.values import VariableValues

FieldGroups = dict[str, list[FieldNode]]
"""Selected fields by response key (alias or name)."""


@dataclass(frozen=True, slots=True)
class Operation:
    """The parts of the executing operation that selections depend on."""

    schema: GraphQLSchema
    fragments: dict[str, FragmentDefinitionNode]
    variables: VariableValues

    @classmethod
    def of(cls, info: GraphQLResolveInfo) -> Operation:
        # Strawberry's executor hands resolvers the coerced dict; graphql-core's helpers
        # take their own container.
        variables: Any = info.variable_values
        if not isinstance(variables, VariableValues):
            variables = VariableValues({}, variables)
        return cls(info.schema, info.fragments, variables)


def subfields(
    operation: Operation, type_: GraphQLObjectType, field_nodes: Iterable[FieldNode]
) -> FieldGroups:
    """The fields selected on `type_` under `field_nodes`."""
    groups: FieldGroups = {}
    visited: set[str] = set()
    for node in field_nodes:
        if node.selection_set is not None:
            _visit(operation, type_, node.selection_set, groups, visited)
    return groups


def node_selection(
    operation: Operation, connection_type: GraphQLObjectType, field_nodes: Iterable[FieldNode]
) -> tuple[GraphQLObjectType, list[FieldNode]] | None:
    """A connection's node type and the fields (`nodes`, `edges { node }`) that select on it."""
    nodes_field = connection_type.fields.get("nodes")
    edges_field = connection_type.fields.get("edges")
    node_type = get_named_type(nodes_field.type) if nodes_field is not None else None
    if not isinstance(node_type, GraphQLObjectType) or edges_field is None:
        return None
    edge_type = get_named_type(edges_field.type)
    selecting: list[FieldNode] = []
    for group in subfields(operation, connection_type, field_nodes).values():
        name = group[0].name.value
        if name == "nodes":
            selecting.extend(group)
        elif name == "edges" and isinstance(edge_type, GraphQLObjectType):
            for edge_group in subfields(operation, edge_type, group).values():
                if edge_group[0].name.value == "node":
                    selecting.extend(edge_group)
    return (node_type, selecting) if selecting else None


def argument_values(
    operation: Operation, field: GraphQLField, node: FieldNode
) -> dict[str, Any] | None:
    """The field's coerced arguments, or None when they do not coerce."""
    try:
        return get_argument_values(field, node, operation.variables)
    except GraphQLError:
        return None


def _visit(
    operation: Operation,
    type_: GraphQLObjectType,
    selection_set: SelectionSetNode,
    groups: FieldGroups,
    visited: set[str],
) -> None:
    for selection in selection_set.selections:
        if not _included(operation, selection):
            continue
        if isinstance(selection, FieldNode):
            key = (selection.alias or selection.name).value
            groups.setdefault(key, []).append(selection)
        elif isinstance(selection, InlineFragmentNode):
            if _applies(operation, selection.type_condition, type_):
                _visit(operation, type_, selection.selection_set, groups, visited)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = operation.fragments.get(name)
            if name in visited or fragment is None:
                continue
            if _applies(operation, fragment.type_condition, type_):
                visited.add(name)
                _visit(operation, type_, fragment.selection_set, groups, visited)


def _included(operation: Operation, node: Any) -> bool:
    if not node.directives:
        return True
    skip = get_directive_values(GraphQLSkipDirective, node, operation.variables)
    if skip is not None and skip["if"]:
        return False
    include = get_directive_values(GraphQLIncludeDirective, node, operation.variables)
    return include is None or bool(include["if"])


def _applies(
    operation: Operation, condition: NamedTypeNode | None, type_: GraphQLObjectType
) -> bool:
    if condition is None:
        return True
    named = operation.schema.get_type(condition.name.value)
    if named is type_:
        return True
    return is_abstract_type(named) and operation.schema.is_sub_type(named, type_)
