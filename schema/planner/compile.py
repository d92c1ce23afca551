"""Compiling an operation into a plan, or deciding that it runs the normal way.

A plan exists only for a query whose every root field is `__typename` or a root list of
`ROOT_LISTS` that selects nothing but `__typename`, `totalCount`, `pageInfo { … }` and
`nodes { … }`, where a root list's nodes select plain described columns and relation
connections (`schema.prefetch.registry`), and a relation's nodes plain fields and relations
in turn. Everything else (fragments, directives, a field selected twice under one key,
fields with resolvers of their own, `edges`) makes the whole operation run through
Strawberry, which stays the reference.

The root fields' permission checks are decided here, by asking the field's own permission
classes about the caller: a field the caller may not read is never planned, so its refusal,
its error and its `access.denied` event come from normal execution, exactly as without a
planner. Those checks read only the caller's role and scopes, the rest of the plan's cache key.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from operator import attrgetter, itemgetter
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
    VariableDefinitionNode,
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
from schema.planner.root_lists import ROOT_LISTS, RootList
from schema.prefetch.registry import RelationField, relation_fields
from schema.strawberry_private import strawberry_field_of

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
    fields: tuple[Leaf | RelationPlan, ...]

    @property
    def relations(self) -> tuple[RelationPlan, ...]:
        return tuple(field for field in self.fields if isinstance(field, RelationPlan))


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


@dataclass(frozen=True, eq=False)
class RootListPlan:
    key: str
    root_list: RootList
    field: GraphQLField
    node: FieldNode
    columns: tuple[str, ...]  # `id` first: the key of the relations below
    shape: ConnectionShape


@dataclass(frozen=True, slots=True)
class Plan:
    variable_definitions: tuple[VariableDefinitionNode, ...]
    # A root `__typename` is a `str` (its key's constant); a root list, its plan.
    roots: tuple[tuple[str, str | RootListPlan], ...]


class Reader:
    """How the rows of one connection are read. Rows the planner selects itself are tuples of
    the `columns` it asks for (`id` first), read by index; rows of the relation loaders
    (`tuples=False`) are lean rows, read by attribute as the executor reads them."""

    def __init__(self, resource: Resource, *, tuples: bool = True) -> None:
        self.resource = resource
        self.tuples = tuples
        self.columns: list[str] = ["id"]

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
    try:
        roots: list[tuple[str, str | RootListPlan]] = []
        for key, node in _fields(operation.selection_set):
            if node.name.value == TYPENAME:
                _leaf_node(node)
                roots.append((key, query_type.name))
                continue
            roots.append((key, _root_list(schema, query_type, key, node, context)))
    except Unplannable:
        return None
    return Plan(tuple(operation.variable_definitions or ()), tuple(roots))


def _fields(selection_set: SelectionSetNode | None) -> Iterator[tuple[str, FieldNode]]:
    """The plain fields of a selection set by response key; anything else is unplannable."""
    if selection_set is None:
        raise Unplannable
    seen: set[str] = set()
    for selection in selection_set.selections:
        if not isinstance(selection, FieldNode) or selection.directives:
            raise Unplannable
        key = selection.alias.value if selection.alias else selection.name.value
        if key in seen:  # merged fields: left to the executor's field collection
            raise Unplannable
        seen.add(key)
        yield key, selection


def _leaf_node(node: FieldNode) -> None:
    if node.arguments or node.selection_set is not None:
        raise Unplannable


def _root_list(
    schema: GraphQLSchema, query_type: GraphQLObjectType, key: str, node: FieldNode, context: Any
) -> RootListPlan:
    name = node.name.value
    root_list = ROOT_LISTS.get(name)
    field = query_type.fields.get(name)
    if root_list is None or field is None or set(field.args) != root_list.arguments:
        raise Unplannable
    _permitted(field, context)
    reader = Reader(root_list.resource)
    shape = _connection(schema, field, node, reader)
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
    schema: GraphQLSchema,
    field: GraphQLField,
    node: FieldNode,
    read: Reader,
) -> ConnectionShape:
    connection = get_nullable_type(field.type)
    if not isinstance(connection, GraphQLObjectType):
        raise Unplannable
    node_sets: list[NodesPlan] = []
    outputs: list[ConnectionOutput] = []
    for out_key, child in _fields(node.selection_set):
        child_name = child.name.value
        if child_name == TYPENAME:
            _leaf_node(child)
            outputs.append(ConnectionOutput(out_key, TYPENAME, typename=connection.name))
        elif child_name == "totalCount":
            _leaf_node(child)
            outputs.append(ConnectionOutput(out_key, child_name))
        elif child_name == "pageInfo" and not child.arguments:
            page_info_type = _object_type(connection.fields["pageInfo"].type)
            selected = _selected(child, PAGE_INFO_FIELDS | {TYPENAME})
            outputs.append(ConnectionOutput(out_key, child_name, page_info_type.name, selected))
        elif child_name == "nodes" and not child.arguments:
            node_type = _object_type(_list_item(connection.fields["nodes"].type))
            node_sets.append(_nodes(schema, child, node_type, read))
            outputs.append(ConnectionOutput(out_key, child_name, node_set=len(node_sets) - 1))
        elif child_name == "edges" and not child.arguments:
            edge_type = _object_type(_list_item(connection.fields["edges"].type))
            outputs.append(_edges(schema, out_key, child, edge_type, read, node_sets))
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


def _selected(node: FieldNode, allowed: frozenset[str]) -> tuple[tuple[str, str], ...]:
    selected: list[tuple[str, str]] = []
    for out_key, child in _fields(node.selection_set):
        if child.name.value not in allowed:
            raise Unplannable
        if child.name.value != "node":
            _leaf_node(child)
        selected.append((out_key, child.name.value))
    return tuple(selected)


def _edges(
    schema: GraphQLSchema,
    key: str,
    node: FieldNode,
    edge_type: GraphQLObjectType,
    read: Reader,
    node_sets: list[NodesPlan],
) -> ConnectionOutput:
    selected = _selected(node, EDGE_FIELDS)
    node_set = -1
    for _, child in _fields(node.selection_set):
        if child.name.value == "node":
            if child.arguments:
                raise Unplannable
            node_type = _object_type(edge_type.fields["node"].type)
            node_sets.append(_nodes(schema, child, node_type, read))
            node_set = len(node_sets) - 1
    return ConnectionOutput(key, "edges", edge_type.name, selected, node_set)


def _nodes(
    schema: GraphQLSchema,
    node: FieldNode,
    object_type: GraphQLObjectType,
    read: Reader,
) -> NodesPlan:
    registry = relation_fields(schema)
    ident = read.column("id")
    fields: list[Leaf | RelationPlan] = []
    for out_key, child in _fields(node.selection_set):
        name = child.name.value
        if name == TYPENAME:
            _leaf_node(child)
            fields.append(Leaf(out_key, ident, str, False, typename=object_type.name))
            continue
        target = registry.get((object_type.name, name))
        if target is not None:
            fields.append(_relation(schema, out_key, child, object_type, target, read))
            continue
        _leaf_node(child)
        field = object_type.fields.get(name)
        definition = strawberry_field_of(field) if field is not None else None
        if field is None or definition is None or not definition.is_basic_field:
            raise Unplannable
        leaf_type = get_named_type(field.type)
        if not is_leaf_type(leaf_type):
            raise Unplannable
        coerce = leaf_type.coerce_output_value
        nullable = not is_non_null_type(field.type)
        text = leaf_type is GraphQLString or leaf_type is GraphQLID
        reader = read.field(definition.python_name)
        fields.append(Leaf(out_key, reader, coerce, nullable, text=text))
    return NodesPlan(ident, tuple(fields))


def _relation(
    schema: GraphQLSchema,
    key: str,
    node: FieldNode,
    parent_type: GraphQLObjectType,
    target: RelationField,
    parent: Reader,
) -> RelationPlan:
    if set(target.field.args) != {"first", "after"}:
        raise Unplannable
    described = described_relation(parent_type.name, target.field)
    if described is None:
        # A closure (effective members and groups): its pages come from the relation loaders,
        # lean rows read by attribute as the executor reads them.
        reader = Reader(_resource(get_named_type(_node_type(target)).name), tuples=False)
        parent_key = parent.column("id")
    else:
        reader = Reader(described.target)
        parent_key = parent.column(described.parent_column)
    shape = _connection(schema, target.field, node, reader)
    return RelationPlan(key, target, node, shape, described, tuple(reader.columns), parent_key)


def _node_type(target: RelationField) -> Any:
    return _list_item(target.connection_type.fields["nodes"].type)


def _resource(graphql_type: str) -> Resource:
    resource = resources.BY_GRAPHQL_TYPE.get(graphql_type)
    if resource is None:
        raise Unplannable
    return resource


def described_relation(parent_type: str, field: GraphQLField) -> DescribedRelation | None:
    """The relation behind `field` of `parent_type`, as its descriptors declare it, when the
    planner selects its rows itself: a to-many relation that is not a closure."""
    definition = strawberry_field_of(field)
    parent = resources.BY_GRAPHQL_TYPE.get(parent_type)
    if definition is None or parent is None:
        raise Unplannable
    try:
        relation = parent.relation(definition.python_name)
    except KeyError as exc:
        raise Unplannable from exc
    if relation.closure or not relation.many:
        return None
    return DescribedRelation(parent, relation, resources.BY_NAME[relation.target])
