"""The part of the schema the planner answers, as a schema of its own, for generating documents.

hypothesis-graphql generates selections over a whole schema and does not restrict the fields
below the root; this module builds, from the real schema, the graph it should generate over:
the planner's root lists (`schema.planner.root_lists.ROOT_LISTS`) and the connections of
their node types, relation connections to `RELATION_LEVELS` levels below the root, and the
fields the planner does not run (a node's own object fields, connections to other resources,
leaves with resolvers of their own, one root field by id) with their scalar fields only, so
fallbacks are generated too.

Types are copied one per level (`User_1`, `UserConnection_2`, …) so a relation is not
offered below the last level; a generated document names fields only, so it is a document
of the real schema. Arguments get scalars of their own (`PageSize`, `Cursor`, `TenantRef`,
`PartnerRef`) for which `tests.generated_documents` draws values that mean something in the
world of `tests.planner_world`: page sizes in and out of range, cursors good and bad, ids of
the world's tenants and partners (`last` and `before` as `first` and `after`). Root lists and
relation connections take `filter`, `orderBy`, `search`, `last` and `before` in the fallback
graph only, with values hypothesis-graphql draws from their input and enum types (a plan binds
what the compiler accepts and falls back on the rest); the planned graph leaves them to the
hand-written corpus.
"""

from __future__ import annotations

from graphql import (
    GraphQLArgument,
    GraphQLField,
    GraphQLInputType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    GraphQLSchema,
    get_named_type,
    is_leaf_type,
)

from schema.planner.root_lists import LISTING_ARGUMENTS, ROOT_LISTS
from schema.schema import schema
from schema.strawberry_private import graphql_core_schema, strawberry_field_of

REAL = graphql_core_schema(schema)

# Relation connections below a root list: `partners { nodes { tenants { nodes { users … } } } }`
# has two.
RELATION_LEVELS = 2
# A root field the planner does not run, taking an id.
FALLBACK_ROOTS = ("tenant",)

PAGE_SIZE = GraphQLScalarType("PageSize")
CURSOR = GraphQLScalarType("Cursor")
TENANT_REF = GraphQLScalarType("TenantRef")
PARTNER_REF = GraphQLScalarType("PartnerRef")
_ARGUMENT_SCALARS = {
    "first": PAGE_SIZE,
    "after": CURSOR,
    "last": PAGE_SIZE,
    "before": CURSOR,
    "tenantId": TENANT_REF,
    "partnerId": PARTNER_REF,
    "id": TENANT_REF,
}


def _node_type(connection: GraphQLNamedType) -> GraphQLObjectType | None:
    """The node type of a connection type, None for any other type."""
    if not isinstance(connection, GraphQLObjectType) or "nodes" not in connection.fields:
        return None
    node = get_named_type(connection.fields["nodes"].type)
    return node if isinstance(node, GraphQLObjectType) else None


def _rewrap(type_: GraphQLOutputType, named: GraphQLObjectType) -> GraphQLOutputType:
    """`type_`'s list and non-null wrappers around `named`."""
    if isinstance(type_, GraphQLNonNull):
        return GraphQLNonNull(_rewrap(type_.of_type, named))  # type: ignore[arg-type]
    if isinstance(type_, GraphQLList):
        return GraphQLList(_rewrap(type_.of_type, named))
    return named


def _argument(name: str, argument: GraphQLArgument) -> GraphQLArgument:
    """The argument with its own scalar when it is a page size, a cursor or an id."""
    type_: GraphQLInputType = argument.type
    if name not in _ARGUMENT_SCALARS or get_named_type(type_).name not in ("ID", "Int", "String"):
        return GraphQLArgument(type_)
    scalar = _ARGUMENT_SCALARS[name]
    return GraphQLArgument(GraphQLNonNull(scalar) if isinstance(type_, GraphQLNonNull) else scalar)


def _plain(field: GraphQLField) -> bool:
    """Whether a leaf reads its row's column rather than having a resolver of its own (an
    application's `hasClientSecret`): only those are in the planned graph."""
    definition = strawberry_field_of(field)
    return definition is not None and definition.is_basic_field


def _arguments(field: GraphQLField) -> dict[str, GraphQLArgument]:
    return {name: _argument(name, argument) for name, argument in field.args.items()}


class _DescribedGraph:
    def __init__(self, fallbacks: bool) -> None:
        self.fallbacks = fallbacks
        query = REAL.query_type
        assert query is not None
        self.described = {
            node.name
            for name in ROOT_LISTS
            if (node := _node_type(get_named_type(query.fields[name].type)))
        }
        self.built: dict[str, GraphQLObjectType] = {}

    def query(self) -> GraphQLObjectType:
        query = REAL.query_type
        assert query is not None
        fields = {
            name: GraphQLField(
                _rewrap(real.type, self.connection(get_named_type(real.type), 0)),
                self.list_arguments(real),
            )
            for name in ROOT_LISTS
            if (real := query.fields[name])
        }
        for name in FALLBACK_ROOTS if self.fallbacks else ():
            real = query.fields[name]
            target = get_named_type(real.type)
            assert isinstance(target, GraphQLObjectType)
            fields[name] = GraphQLField(
                _rewrap(real.type, self.scalars_only(target)), _arguments(real)
            )
        return GraphQLObjectType("Query", fields)

    def list_arguments(self, field: GraphQLField) -> dict[str, GraphQLArgument]:
        """A root list's or relation connection's arguments; in the planned graph without
        filter, orderBy, search and backward pages, whose random values mostly get refused, so
        that how many documents run from a plan does not hang on the draw (the hand-written
        corpus, tests/planner_corpus.py, plans them with values that answer rows; the
        fallback graph draws them at random)."""
        arguments = _arguments(field)
        if self.fallbacks:
            return arguments
        return {name: arg for name, arg in arguments.items() if name not in LISTING_ARGUMENTS}

    def connection(self, real: GraphQLNamedType, level: int) -> GraphQLObjectType:
        """The connection at `level`, or with scalar nodes for a resource not described."""
        assert isinstance(real, GraphQLObjectType)
        node = _node_type(real)
        assert node is not None
        described = node.name in self.described
        suffix = str(level) if described else "scalars"
        name = f"{real.name}_{suffix}"
        if name in self.built:
            return self.built[name]
        edge = get_named_type(real.fields["edges"].type)
        assert isinstance(edge, GraphQLObjectType)
        target = self.node(node, level) if described else self.scalars_only(node)
        edge_type = GraphQLObjectType(
            f"{edge.name}_{suffix}",
            {"cursor": edge.fields["cursor"], "node": GraphQLField(GraphQLNonNull(target))},
        )
        self.built[name] = GraphQLObjectType(
            name,
            {
                "nodes": GraphQLField(_rewrap(real.fields["nodes"].type, target)),
                "edges": GraphQLField(_rewrap(real.fields["edges"].type, edge_type)),
                "pageInfo": real.fields["pageInfo"],
                "totalCount": real.fields["totalCount"],
            },
        )
        return self.built[name]

    def node(self, real: GraphQLObjectType, level: int) -> GraphQLObjectType:
        fields = {
            name: built
            for name, field in real.fields.items()
            if (built := self.node_field(field, level)) is not None
        }
        return GraphQLObjectType(f"{real.name}_{level}", fields)

    def node_field(self, field: GraphQLField, level: int) -> GraphQLField | None:
        """A described node's field at `level`, or None when the graph leaves it out."""
        target = get_named_type(field.type)
        if is_leaf_type(target):
            if field.args or not (self.fallbacks or _plain(field)):
                return None
            return GraphQLField(field.type)
        assert isinstance(target, GraphQLObjectType)
        node = _node_type(target)
        if node is not None and node.name in self.described:
            if level >= RELATION_LEVELS:
                return None
            relation = self.connection(target, level + 1)
            return GraphQLField(_rewrap(field.type, relation), self.list_arguments(field))
        if not self.fallbacks:
            return None
        if node is None:
            return GraphQLField(_rewrap(field.type, self.scalars_only(target)))
        return GraphQLField(_rewrap(field.type, self.connection(target, -1)), _arguments(field))

    def scalars_only(self, real: GraphQLObjectType) -> GraphQLObjectType:
        name = f"{real.name}_scalars"
        if name not in self.built:
            self.built[name] = GraphQLObjectType(
                name,
                {
                    field_name: GraphQLField(field.type)
                    for field_name, field in real.fields.items()
                    if is_leaf_type(get_named_type(field.type)) and not field.args
                },
            )
        return self.built[name]


# What the planner runs: root lists and relations, their nodes, edges, page info and counts.
PLANNED_GRAPH = GraphQLSchema(query=_DescribedGraph(fallbacks=False).query())
# The same with the fields beside them that the planner does not run.
GRAPH_WITH_FALLBACKS = GraphQLSchema(query=_DescribedGraph(fallbacks=True).query())
