"""The figures behind the operation limits: each fragment measured once, yet the figures are
those of the document with every spread written out; fan-out and cycles are measured, never
expanded."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    parse,
    validate,
)
from strawberry.extensions.max_aliases import count_fields_with_alias
from strawberry.extensions.query_depth_limiter import create_validator as depth_validator

from schema.operation_figures import (
    CEILING,
    DocumentShape,
    Estimate,
    alias_count,
    document_depth,
    fragments_of,
    in_spread_order,
)
from schema.schema import schema
from schema.strawberry_private import graphql_core_schema
from tests.fragment_documents import fan_out, fan_out_cost

# A fragment reused under connections of different page sizes, a diamond (T spreads P
# directly and through U), edges and nodes, aliases at every level.
REUSED = """
query Reused($n: Int = 7) {
  a: tenants(first: 3) { nodes { ...T } }
  b: tenants(first: $n) { totalCount nodes { ...T } }
  partners(first: 2) { nodes { ...P tenants(first: 4) { nodes { ...T } } } }
}
fragment T on Tenant {
  id name
  partner { ...P }
  users(first: 5) { nodes { ...U } edges { cursor node { ...U } } }
}
fragment U on User { id e: email tenant { partner { ...P } } groups(first: 2) { nodes { id } } }
fragment P on Partner { id x: name t: tenants(first: 6) { nodes { id } } }
"""

# Introspection, inline fragments with and without a type condition, `__typename`, and one
# fragment spread from another operation of the document.
MIXED = """
query Mixed {
  __schema { types { name fields { name } } }
  ...Q
  viewer { ... { subject } ... on Viewer { r: role tenant { ...T } } }
}
query Other { tenants(first: 1) { nodes { ...T } } }
fragment Q on Query { __typename viewer { __typename partner { id } } }
fragment T on Tenant { id groups(first: 3) { nodes { id members(first: 4) { nodes { id } } } } }
"""

SMALL_DOCUMENTS = {
    "fan-out": fan_out(5),
    "aliased fan-out": fan_out(6, "v{i}: viewer { r: role }"),
    "fan-out under connections": " ".join(
        [
            "query { tenants(first: 2) { nodes { ...F0 } } }",
            *(
                f"fragment F{i} on Tenant {{ a: id partner {{ tenants(first: 3) {{ "
                f"nodes {{ ...F{i + 1} }} }} }} users(first: 2) {{ nodes {{ tenant {{ "
                f"...F{i + 1} }} }} }} }}"
                for i in range(3)
            ),
            "fragment F3 on Tenant { id }",
        ]
    ),
    "reused": REUSED,
    "mixed": MIXED,
}


def expanded(document: DocumentNode) -> DocumentNode:
    """The document with every spread written out in place, as an inline fragment on the
    fragment's type (a spread that closes a cycle is dropped)."""
    fragments = {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }

    def written_out(selection_set: SelectionSetNode, path: frozenset[str]) -> SelectionSetNode:
        selections: list[Any] = []
        for selection in selection_set.selections:
            if isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name in path:
                    continue
                fragment = fragments[name]
                selections.append(
                    InlineFragmentNode(
                        type_condition=fragment.type_condition,
                        directives=(),
                        selection_set=written_out(fragment.selection_set, path | {name}),
                    )
                )
            elif isinstance(selection, FieldNode | InlineFragmentNode) and selection.selection_set:
                inner = written_out(selection.selection_set, path)
                selections.append(with_selection(selection, inner))
            else:
                selections.append(selection)
        return SelectionSetNode(selections=tuple(selections))

    operations = []
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            inner = written_out(definition.selection_set, frozenset())
            operations.append(with_selection(definition, inner))
    return DocumentNode(definitions=tuple(operations))


def with_selection(node: Any, selection_set: SelectionSetNode) -> Any:
    """A copy of `node` (a field, inline fragment or operation) selecting `selection_set`."""
    parts = {key: getattr(node, key) for key in node.keys if key != "selection_set"}
    return type(node)(**parts, selection_set=selection_set)


def strawberry_depth(document: DocumentNode) -> int:
    """The depth as Strawberry's `QueryDepthLimiter` measures it, by expanding every spread."""
    depths: dict[str, int] = {}
    validate(graphql_core_schema(schema), document, [depth_validator(10_000, None, depths.update)])
    return max(depths.values())


def strawberry_aliases(document: DocumentNode) -> int:
    """The aliases as Strawberry's `MaxAliasesLimiter` counts them, by expanding every spread."""
    fragments = {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }
    return sum(
        count_fields_with_alias(definition, fragments)
        for definition in document.definitions
        if isinstance(definition, OperationDefinitionNode)
    )


def first_operation(document: DocumentNode) -> OperationDefinitionNode:
    operation = document.definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    return operation


class TestFiguresEqualThoseOfTheExpandedDocument:
    @pytest.mark.parametrize("name", SMALL_DOCUMENTS)
    def test_depth_and_aliases(self, name: str) -> None:
        document = parse(SMALL_DOCUMENTS[name])
        assert validate(graphql_core_schema(schema), document) == []
        written_out = expanded(document)

        shape = DocumentShape.of(document)

        assert shape.depth == strawberry_depth(document) == document_depth(written_out)
        assert shape.aliases == strawberry_aliases(document) == alias_count(written_out)

    @pytest.mark.parametrize("name", SMALL_DOCUMENTS)
    @pytest.mark.parametrize("variables", [None, {"n": 9}, {"n": 500}])
    def test_root_fields_and_cost(self, name: str, variables: dict[str, int] | None) -> None:
        document = parse(SMALL_DOCUMENTS[name])
        written_out = expanded(document)

        estimate = Estimate(graphql_core_schema(schema), document, variables)
        naive = Estimate(graphql_core_schema(schema), written_out, variables)

        operation, naive_operation = first_operation(document), first_operation(written_out)
        assert estimate.cost(operation) == naive.cost(naive_operation)
        assert estimate.root_fields(operation) == naive.root_fields(naive_operation)

    def test_a_reused_fragment_counts_at_each_page_size_around_it(self) -> None:
        # P = id + x + t (1 + nodes: 1 + 6 ids) = 10
        # U = id + e + tenant (1 + partner: 1 + P) + groups (1 + nodes: 1 + 2 ids) = 18
        # T = id + name + partner (1 + P) + users (1 + nodes: 1 + 5U + edges: 1 + 5 (2 + U))
        #   = 206
        # root: a (first: 3), b (first: $n, 7 by default, with totalCount), and partners
        # (first: 2) spreading P and T (first: 4) on each node
        document = parse(REUSED)
        operation = first_operation(document)

        cost = Estimate(graphql_core_schema(schema), document, None).cost(operation)
        with_n = Estimate(graphql_core_schema(schema), document, {"n": 9}).cost(operation)

        t = 206
        assert cost == (2 + 3 * t) + (3 + 7 * t) + (2 + 2 * (10 + 2 + 4 * t))
        assert with_n == cost + 2 * t


class TestFanOut:
    @pytest.mark.parametrize("levels", [20, 40, 200])
    def test_is_measured_without_being_expanded(self, levels: int) -> None:
        document = parse(fan_out(levels))
        operation = first_operation(document)

        shape = DocumentShape.of(document)
        cost = Estimate(graphql_core_schema(schema), document, None).cost(operation)

        assert cost == min(fan_out_cost(levels), CEILING)
        assert (shape.depth, shape.aliases) == (1, 0)

    @pytest.mark.parametrize("levels", [20, 40, 200])
    def test_aliases_of_the_expansion_are_counted_up_to_the_ceiling(self, levels: int) -> None:
        document = parse(fan_out(levels, "v{i}: viewer { role }"))

        assert alias_count(document) == min(2 ** (levels + 1) - 1, CEILING)

    def test_depth_adds_up_along_a_chain_of_fragments(self) -> None:
        # Longer than Python's recursion limit, were fragments followed by recursion.
        levels = 1_500
        chain = " ".join(
            [
                "query { viewer { ...F0 } }",
                *(
                    f"fragment F{i} on Viewer {{ tenant {{ partner {{ id }} }} ...F{i + 1} }}"
                    for i in range(levels)
                ),
                f"fragment F{levels} on Viewer {{ partner {{ tenants {{ nodes {{ id }} }} }} }}",
            ]
        )

        assert document_depth(parse(chain)) == 4


class TestCycles:
    CYCLE = """
    query { ...A }
    fragment A on Query { a: viewer { role } ...B ...B }
    fragment B on Query { b: viewer { role } ...A ...A ...B }
    """

    def test_a_spread_closing_a_cycle_adds_nothing(self) -> None:
        document = parse(self.CYCLE)
        operation = first_operation(document)

        shape = DocumentShape.of(document)
        cost = Estimate(graphql_core_schema(schema), document, None).cost(operation)

        # B is measured first, without the spreads back to A or to itself: 2 and one alias.
        assert in_spread_order(fragments_of(document)) == ["B", "A"]
        assert (shape.depth, shape.aliases, cost) == (1, 1 + 2 * 1, 2 + 2 * 2)

    def test_a_fanned_out_cycle_is_measured(self) -> None:
        levels = 60
        last = f"fragment F{levels} on Query {{"
        document = parse(fan_out(levels).replace(last, f"{last} ...F0 ...F0"))

        cost = Estimate(graphql_core_schema(schema), document, None).cost(first_operation(document))

        assert cost == min(fan_out_cost(levels), CEILING)


class TestDocumentsThatDoNotValidate:
    @pytest.mark.parametrize(
        "query",
        [
            "{ nothing { here } ...Missing }",
            "{ tenants(first: $undefined) { nodes { ...T } } } fragment T on Nowhere { x { y } }",
            '{ tenants(first: "ten") { nodes { id } } }',
            "{ tenants(first: 123456789012345678901234567890) { nodes { id } } }",
            "{ viewer { ... on Nowhere { role } } }",
        ],
    )
    def test_are_measured_all_the_same(self, query: str) -> None:
        document = parse(query)

        cost = Estimate(graphql_core_schema(schema), document, {"undefined": "x"}).cost(
            first_operation(document)
        )

        assert cost >= 1
        assert document_depth(document) >= 1


class TestListArgumentsCost:
    """A list's `filter`, `orderBy` and `search` add to its cost, and `last` is a page size."""

    QUERY = """query ($f: UserFilter, $last: Int) {
        users(filter: $f, orderBy: [EMAIL_ASC, STATUS_DESC], search: "a", last: $last) {
            nodes { id } } }"""

    def _cost(self, variables: dict[str, Any]) -> int:
        document = parse(self.QUERY)
        estimate = Estimate(graphql_core_schema(schema), document, variables)
        return estimate.cost(first_operation(document))

    def test_each_condition_term_and_search_counts(self) -> None:
        plain = self._cost({"last": 10})
        filtered = self._cost(
            {
                "last": 10,
                "f": {
                    "or": [{"email": {"contains": "x", "ne": "y"}}, {"status": {"in": ["ACTIVE"]}}],
                    "groups": {"some": {"name": {"eq": "Admins"}}},
                },
            }
        )

        # users 1 + orderBy 2 + search 1 + nodes (1 + 10 ids): `last` is the page size
        assert plain == 1 + 2 + 1 + 1 + 10
        assert filtered == plain + 4

    def test_a_relation_connections_arguments_count_at_each_parent(self) -> None:
        # given: the same arguments on a relation below a page of 10 tenants
        query = """query ($f: UserFilter) { tenants(first: 10) { nodes {
            users(filter: $f, orderBy: [EMAIL_ASC], search: "a", last: 2) { nodes { id } } } } }"""
        document = parse(query)

        def cost(variables: dict[str, Any]) -> int:
            estimate = Estimate(graphql_core_schema(schema), document, variables)
            return estimate.cost(first_operation(document))

        # when
        plain = cost({})
        filtered = cost({"f": {"email": {"contains": "x"}, "status": {"ne": "LOCKED"}}})

        # then: tenants 1 + nodes 1 + 10 * (users 1 + orderBy 1 + search 1 + nodes 1 + 2 ids)
        assert plain == 1 + 1 + 10 * (1 + 1 + 1 + 1 + 2)
        assert filtered == plain + 10 * 2
