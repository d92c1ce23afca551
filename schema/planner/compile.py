"""Compiling an operation into a plan, or deciding that it runs the normal way.

A plan exists only for a query whose every root field is `__typename` or a root list of
`ROOT_LISTS` that selects nothing but `__typename`, `totalCount`, `pageInfo { … }`,
`edges { … }` and `nodes { … }`, where a root list's nodes select plain described columns and
relation connections (`schema.prefetch.registry`), and a relation's nodes plain fields and
relations in turn. Selection sets are collected as the executor collects them
(`schema.planner.collect`: fragments on the exact type, `@skip`/`@include`, merged keys), one
variant per combination of the variables those directives read. Everything else (fields with
resolvers of their own, other type conditions or directives) makes the whole operation run
through Strawberry, which stays the reference.

The root fields' permission checks are decided here, by asking the field's own permission
classes about the caller: a field the caller may not read is never planned, so its refusal,
its error and its `access.denied` event come from normal execution, exactly as without a
planner. Those checks read only the caller's role and scopes, the rest of the plan's cache key.

The plan's shapes are in `schema.planner.plans`, re-exported here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLField,
    GraphQLID,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLString,
    OperationType,
    SelectionSetNode,
    Undefined,
    get_named_type,
    get_nullable_type,
    get_operation_ast,
    is_leaf_type,
    is_list_type,
    is_non_null_type,
)
from strawberry.permission import PermissionExtension

from resolvers import resources
from resolvers.errors import DomainError
from resolvers.relations_sql import DescribedRelation
from resolvers.resources import Resource
from schema.audited import Audited
from schema.directives import RequiresRole, RequiresScope
from schema.planner.collect import (
    Collector,
    Uncollectable,
    condition_variables,
    fragments_of,
    variants,
)
from schema.planner.plans import (
    EDGE_FIELDS,
    PAGE_INFO_FIELDS,
    TYPENAME,
    ConnectionOutput,
    ConnectionShape,
    Leaf,
    NodesPlan,
    Plan,
    Reader,
    RelationPlan,
    RootListPlan,
    Roots,
    ToOnePlan,
    Unplannable,
)
from schema.planner.root_lists import ROOT_LISTS
from schema.prefetch.registry import RELATION, RelationField, relation_fields
from schema.strawberry_private import strawberry_field_of
from schema.types.to_one import TO_ONE

# A closure's arguments; a described relation's are those of a root list compiled by
# `resolvers.listing` (search only where its target has searchable fields).
CLOSURE_ARGUMENTS = frozenset({"first", "after"})
RELATION_ARGUMENTS = CLOSURE_ARGUMENTS | {"last", "before", "filter", "orderBy", "search"}

__all__ = [
    "TYPENAME",
    "ConnectionOutput",
    "ConnectionShape",
    "Leaf",
    "NodesPlan",
    "Plan",
    "Reader",
    "RelationPlan",
    "RootListPlan",
    "ToOnePlan",
    "Unplannable",
    "compile_operation",
    "described_relation",
]


@dataclass(frozen=True)
class Compiling:
    """What compiling one variant of an operation reads: the schema, the caller's context
    (for permission checks) and how selection sets are collected."""

    schema: GraphQLSchema
    context: Any
    collector: Collector
    # The columns read of each to-one relation's target, shared by the whole variant.
    targets: dict[str, Reader] = field(default_factory=dict)

    def target(self, resource: Resource) -> Reader:
        reader = self.targets.get(resource.name)
        if reader is None:
            reader = self.targets[resource.name] = Reader(resource)
        return reader

    def fields(
        self, selection_set: SelectionSetNode | None, type_name: str
    ) -> Iterator[tuple[str, FieldNode]]:
        try:
            yield from self.collector.fields(selection_set, type_name)
        except Uncollectable as exc:
            raise Unplannable from exc


def compile_operation(
    schema: GraphQLSchema, document: DocumentNode, operation_name: str | None, context: Any
) -> Plan | None:
    """The plan of the operation for the caller of `context`, or None to run it normally."""
    operation = get_operation_ast(document, operation_name)
    if operation is None or operation.operation is not OperationType.QUERY:
        return None
    query_type = schema.query_type
    if operation.directives or query_type is None:
        return None
    fragments = fragments_of(document)
    try:
        conditions = condition_variables(operation, fragments)
    except Uncollectable:
        return None
    compiled: dict[tuple[bool, ...], Roots | None] = {}
    for variant in variants(conditions):
        compiling = Compiling(schema, context, Collector(fragments, variant))
        try:
            roots = _roots(compiling, query_type, operation.selection_set)
        except Unplannable:
            roots = None
        compiled[tuple(variant.values())] = roots
    if not any(roots is not None for roots in compiled.values()):
        return None
    return Plan(tuple(operation.variable_definitions or ()), conditions, compiled)


def _roots(c: Compiling, query_type: GraphQLObjectType, selection_set: SelectionSetNode) -> Roots:
    roots: list[tuple[str, str | RootListPlan]] = []
    for key, node in c.fields(selection_set, query_type.name):
        if node.name.value == TYPENAME:
            _leaf_node(node)
            roots.append((key, query_type.name))
            continue
        roots.append((key, _root_list(c, query_type, key, node)))
    return tuple(roots)


def _leaf_node(node: FieldNode) -> None:
    if node.arguments or node.selection_set is not None:
        raise Unplannable


def _root_list(
    c: Compiling, query_type: GraphQLObjectType, key: str, node: FieldNode
) -> RootListPlan:
    name = node.name.value
    root_list = ROOT_LISTS.get(name)
    field = query_type.fields.get(name)
    if root_list is None or field is None or set(field.args) != root_list.arguments:
        raise Unplannable
    _permitted(field, c.context)
    reader = Reader(root_list.resource)
    shape = _connection(c, field, node, reader)
    return RootListPlan(key, root_list, field, node, tuple(reader.columns), shape)


def _permitted(field: GraphQLField, context: Any) -> None:
    """Raises Unplannable unless the field's extensions are permission checks the caller
    passes (and the audit of refusals, which then has nothing to record)."""
    definition = strawberry_field_of(field)
    if definition is None:
        raise Unplannable
    info = SimpleNamespace(context=context)
    for extension in definition.extensions:
        if isinstance(extension, Audited) and extension.action is None:
            continue
        if not isinstance(extension, PermissionExtension) or extension.fail_silently:
            raise Unplannable
        for permission in extension.permissions:
            if not isinstance(permission, RequiresRole | RequiresScope):
                raise Unplannable
            try:
                allowed = permission.has_permission(None, info)
            except DomainError as exc:
                raise Unplannable from exc
            if allowed is not True:
                raise Unplannable


def _connection(
    c: Compiling,
    field: GraphQLField,
    node: FieldNode,
    read: Reader,
) -> ConnectionShape:
    connection = get_nullable_type(field.type)
    if not isinstance(connection, GraphQLObjectType):
        raise Unplannable
    node_sets: list[NodesPlan] = []
    outputs: list[ConnectionOutput] = []
    for out_key, child in c.fields(node.selection_set, connection.name):
        child_name = child.name.value
        if child_name == TYPENAME:
            _leaf_node(child)
            outputs.append(ConnectionOutput(out_key, TYPENAME, typename=connection.name))
        elif child_name == "totalCount":
            _leaf_node(child)
            outputs.append(ConnectionOutput(out_key, child_name))
        elif child_name == "pageInfo" and not child.arguments:
            page_info_type = _object_type(connection.fields["pageInfo"].type)
            selected = _selected(c, child, page_info_type, PAGE_INFO_FIELDS | {TYPENAME})
            outputs.append(ConnectionOutput(out_key, child_name, page_info_type.name, selected))
        elif child_name == "nodes" and not child.arguments:
            node_type = _object_type(_list_item(connection.fields["nodes"].type))
            node_sets.append(_nodes(c, child, node_type, read))
            outputs.append(ConnectionOutput(out_key, child_name, node_set=len(node_sets) - 1))
        elif child_name == "edges" and not child.arguments:
            edge_type = _object_type(_list_item(connection.fields["edges"].type))
            outputs.append(_edges(c, out_key, child, edge_type, read, node_sets))
        else:
            raise Unplannable
    counts = any(output.kind == "totalCount" for output in outputs)
    return ConnectionShape(tuple(outputs), tuple(node_sets), counts)


def _object_type(type_: Any) -> GraphQLObjectType:
    """The object type behind `type_` (non-null), or Unplannable."""
    if not isinstance(type_, GraphQLNonNull) or not isinstance(type_.of_type, GraphQLObjectType):
        raise Unplannable
    return type_.of_type


def _list_item(type_: Any) -> Any:
    """The item type of a non-null list, or Unplannable."""
    if not isinstance(type_, GraphQLNonNull) or not is_list_type(type_.of_type):
        raise Unplannable
    return type_.of_type.of_type


def _selected(
    c: Compiling, node: FieldNode, type_: GraphQLObjectType, allowed: frozenset[str]
) -> tuple[tuple[str, str], ...]:
    selected: list[tuple[str, str]] = []
    for out_key, child in c.fields(node.selection_set, type_.name):
        if child.name.value not in allowed:
            raise Unplannable
        if child.name.value != "node":
            _leaf_node(child)
        selected.append((out_key, child.name.value))
    return tuple(selected)


def _edges(
    c: Compiling,
    key: str,
    node: FieldNode,
    edge_type: GraphQLObjectType,
    read: Reader,
    node_sets: list[NodesPlan],
) -> ConnectionOutput:
    selected = _selected(c, node, edge_type, EDGE_FIELDS)
    node_set = -1
    for _, child in c.fields(node.selection_set, edge_type.name):
        if child.name.value == "node":
            # An edge writes one node plan: `node` under a second response key runs normally.
            if child.arguments or node_set >= 0:
                raise Unplannable
            node_type = _object_type(edge_type.fields["node"].type)
            node_sets.append(_nodes(c, child, node_type, read))
            node_set = len(node_sets) - 1
    return ConnectionOutput(key, "edges", edge_type.name, selected, node_set)


def _nodes(
    c: Compiling,
    node: FieldNode,
    object_type: GraphQLObjectType,
    read: Reader,
) -> NodesPlan:
    registry = relation_fields(c.schema)
    ident = read.column("id")
    fields: list[Leaf | RelationPlan | ToOnePlan] = []
    for out_key, child in c.fields(node.selection_set, object_type.name):
        name = child.name.value
        if name == TYPENAME:
            _leaf_node(child)
            fields.append(Leaf(out_key, ident, str, False, typename=object_type.name))
            continue
        target = registry.get((object_type.name, name))
        if target is not None:
            fields.append(_relation(c, out_key, child, object_type, target, read))
            continue
        field = object_type.fields.get(name)
        definition = strawberry_field_of(field) if field is not None else None
        if field is None or definition is None:
            raise Unplannable
        if definition.metadata and TO_ONE in definition.metadata:
            fields.append(_to_one(c, out_key, child, object_type, field, read))
            continue
        _leaf_node(child)
        if not definition.is_basic_field:
            raise Unplannable
        leaf_type = get_named_type(field.type)
        if not is_leaf_type(leaf_type):
            raise Unplannable
        coerce = leaf_type.coerce_output_value
        nullable = not is_non_null_type(field.type)
        text = leaf_type is GraphQLString or leaf_type is GraphQLID
        if is_list_type(get_nullable_type(field.type)):
            coerce, text = _list_of(get_nullable_type(field.type).of_type, coerce), False
        reader = read.field(definition.python_name)
        fields.append(Leaf(out_key, reader, coerce, nullable, text=text))
    return NodesPlan(ident, tuple(fields))


def _relation(
    c: Compiling,
    key: str,
    node: FieldNode,
    parent_type: GraphQLObjectType,
    target: RelationField,
    parent: Reader,
) -> RelationPlan:
    described = described_relation(parent_type.name, target.field)
    if described is None:
        if set(target.field.args) != CLOSURE_ARGUMENTS:
            raise Unplannable
        # A closure (effective members and groups): its pages come from the closure loaders,
        # lean rows read by attribute as the executor reads them.
        reader = Reader(_resource(get_named_type(_node_type(target)).name), tuples=False)
        parent_key = parent.column("id")
    else:
        if not set(target.field.args) <= RELATION_ARGUMENTS:
            raise Unplannable
        reader = Reader(described.target)
        parent_key = parent.column(described.parent_column)
    shape = _connection(c, target.field, node, reader)
    return RelationPlan(key, target, node, shape, described, tuple(reader.columns), parent_key)


def _list_of(item_type: Any, coerce: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """The coercion of a list of leaves (`[String!]!`, …), as the executor completes one:
    each item by the item type; a value that is not a list, or a null where the item type
    is non-null, raises Unplannable (the executor's error, with its path)."""
    if is_list_type(get_nullable_type(item_type)):
        raise Unplannable  # lists of lists: none is described
    items_nullable = not is_non_null_type(item_type)

    def coerce_list(value: Any) -> list[Any]:
        if not isinstance(value, list | tuple):
            raise Unplannable
        written: list[Any] = []
        for item in value:
            if item is None:
                if not items_nullable:
                    raise Unplannable
                written.append(None)
                continue
            coerced = coerce(item)
            if coerced is None or coerced is Undefined:
                raise Unplannable
            written.append(coerced)
        return written

    return coerce_list


def _to_one(
    c: Compiling,
    key: str,
    node: FieldNode,
    parent_type: GraphQLObjectType,
    field: GraphQLField,
    parent: Reader,
) -> ToOnePlan:
    """A to-one field declared by `to_one_field`: its rule is its descriptor's relation."""
    definition = strawberry_field_of(field)
    if definition is None or definition.extensions or field.args or node.arguments:
        raise Unplannable
    relation = definition.metadata[TO_ONE]
    owner = _resource(parent_type.name)
    if owner.relation(definition.python_name) is not relation or is_non_null_type(field.type):
        raise Unplannable
    target_type = get_nullable_type(field.type)
    target = resources.BY_NAME[relation.target]
    if not isinstance(target_type, GraphQLObjectType) or target_type.name != target.graphql_type:
        raise Unplannable
    reader = c.target(target)
    nodes = _nodes(c, node, target_type, reader)
    parent_key = parent.column(relation.parent_key)
    return ToOnePlan(key, target, reader, parent_key, nodes)


def _node_type(target: RelationField) -> Any:
    return _list_item(target.connection_type.fields["nodes"].type)


def _resource(graphql_type: str) -> Resource:
    resource = resources.BY_GRAPHQL_TYPE.get(graphql_type)
    if resource is None:
        raise Unplannable
    return resource


def described_relation(parent_type: str, field: GraphQLField) -> DescribedRelation | None:
    """The relation behind `field` of `parent_type` when the planner selects its rows itself
    (`resolvers.relations_sql`): a relation of the descriptors, not a closure."""
    definition = strawberry_field_of(field)
    parent = resources.BY_GRAPHQL_TYPE.get(parent_type)
    if definition is None or parent is None:
        raise Unplannable
    relation = definition.metadata.get(RELATION) if definition.metadata else None
    if isinstance(relation, DescribedRelation):
        if relation.parent is not parent:
            raise Unplannable
        return relation
    return None
