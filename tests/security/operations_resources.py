"""Matrix operations derived from the resource descriptors: each resource's reads.

For every descriptor in `resolvers.resources.RESOURCES` the matrix reads the resource each
way the schema offers: every root field that returns it by `id` (`user(id:)`), every root
connection of it (`users`), `node(id:)` when the descriptor says it is a node, and each of
its relations read through its by-id field (`user.tenant`, `tenant.users`). Nothing here
names a resource: a new descriptor brings its reads into the matrix.

What each read should answer stays written out, in `expectations_resources.EXPECTATIONS`;
a derived read without a written expectation (or a resource without any) fails
`TestEveryResourceHasExpectations` in test_authorization_matrix.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from graphql import GraphQLField, GraphQLObjectType, get_named_type

from resolvers import resources
from resolvers.resources import RESOURCES, Resource
from schema.schema import schema
from schema.strawberry_private import graphql_core_schema
from tests.security.expectations_resources import EXPECTATIONS
from tests.security.operations import GraphQLCall, Operation, _by_id
from tests.security.targets import Targets

FIRST = 100


def to_camel_case(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]


def _connection_of(field: GraphQLField) -> str | None:
    """The type of a connection field's nodes, if it is a connection."""
    named = get_named_type(field.type)
    if isinstance(named, GraphQLObjectType) and "nodes" in named.fields:
        return get_named_type(named.fields["nodes"].type).name
    return None


def _returns(field: GraphQLField) -> str:
    return get_named_type(field.type).name


def _narrowing(field: GraphQLField, resource: Resource) -> dict[str, str]:
    """argument -> target key: the id filters of a list (`tenantId`, `userId`) that the
    descriptor declares filterable, so that the target is within the first page."""
    return {
        to_camel_case(column): column.removesuffix("_id")
        for column in sorted(resource.filterable)
        if column.endswith("_id") and to_camel_case(column) in field.args
    }


def reads_of(resource: Resource) -> Iterator[tuple[str, GraphQLCall, str]]:
    """(name, call, target key) of every read the schema offers of `resource`."""
    query = graphql_core_schema(schema).query_type
    assert query is not None
    by_id = [
        name
        for name, field in query.fields.items()
        if _returns(field) == resource.graphql_type and "id" in field.args
    ]
    for name in by_id:
        yield (
            name,
            GraphQLCall(f"query ($id: ID!) {{ {name}(id: $id) {{ id }} }}", name, _by_id),
            "id",
        )
    for name, field in query.fields.items():
        if _connection_of(field) == resource.graphql_type:
            narrowing = _narrowing(field, resource)
            declared = ", ".join(f"${argument}: ID" for argument in narrowing)
            arguments = "".join(f", {argument}: ${argument}" for argument in narrowing)
            document = (
                f"query ({declared}) {{ {name}(first: {FIRST}{arguments}) {{ nodes {{ id }} }} }}"
                if narrowing
                else f"query {{ {name}(first: {FIRST}) {{ nodes {{ id }} }} }}"
            )
            yield name, GraphQLCall(document, name, _variables(narrowing), list_of=True), "id"
            if "filter" in field.args and "orderBy" in field.args:
                yield _filtered(name, resource)
    if resource.node:
        yield (
            f"node({_lower_first(resource.graphql_type)})",
            GraphQLCall("query ($id: ID!) { node(id: $id) { id } }", "node", _by_id),
            "id",
        )
    parent = _lower_first(resource.graphql_type)
    for relation in resource.relations:
        assert parent in by_id, f"{resource.name}: relations are read through {parent}(id:)"
        field = to_camel_case(relation.name)
        parent_type = get_named_type(query.fields[parent].type)
        assert isinstance(parent_type, GraphQLObjectType)
        relation_field = parent_type.fields[field]
        if "filter" in relation_field.args and "orderBy" in relation_field.args:
            yield _relation_filtered(
                parent, field, relation.name, resources.BY_NAME[relation.target]
            )
        selection = (
            f"{field}(first: {FIRST}) {{ nodes {{ id }} }}"
            if relation.many
            else f"{field} {{ id }}"
        )
        yield (
            f"{parent}.{field}",
            GraphQLCall(
                f"query ($id: ID!) {{ {parent}(id: $id) {{ id {selection} }} }}",
                parent,
                _by_id,
                list_of=relation.many,
                relation=field,
            ),
            relation.name,
        )


FILTERED = "(filter, orderBy)"


def expectation_name(name: str) -> str:
    """The written read whose expectation a derived read meets: a list read with a filter
    and an order meets the list's own, since neither may change what a caller sees."""
    return name.removesuffix(FILTERED)


def _filtered(name: str, resource: Resource) -> tuple[str, GraphQLCall, str]:
    """The list read for the target by a filter on its id, in the order of a field other than
    the id, descending: the target for whoever may see it, nothing for anyone else."""
    field = next(f for f in sorted(resource.sortable) if f != "id")
    document = (
        f"query ($id: ID!) {{ {name}(first: {FIRST}, filter: {{id: {{eq: $id}}}}, "
        f"orderBy: [{field.upper()}_DESC]) {{ nodes {{ id }} }} }}"
    )
    return name + FILTERED, GraphQLCall(document, name, _by_id, list_of=True), "id"


def _relation_filtered(
    parent: str, field: str, key: str, target: Resource
) -> tuple[str, GraphQLCall, str]:
    """A relation read with a filter on the related row's id (the one the setup names, or
    none when it names none: an explicit null leaves the condition out) and an order on a
    field other than the id, descending."""
    order = next(f for f in sorted(target.sortable) if f != "id")
    selection = (
        f"{field}(first: {FIRST}, filter: {{id: {{eq: $target}}}}, "
        f"orderBy: [{order.upper()}_DESC]) {{ nodes {{ id }} }}"
    )
    call = GraphQLCall(
        f"query ($id: ID!, $target: ID) {{ {parent}(id: $id) {{ id {selection} }} }}",
        parent,
        lambda targets: {"id": targets["id"], "target": targets.get(key)},
        list_of=True,
        relation=field,
    )
    return f"{parent}.{field}{FILTERED}", call, key


def _variables(narrowing: dict[str, str]) -> Callable[[Targets], dict[str, Any]]:
    return lambda targets: {argument: targets.get(key) for argument, key in narrowing.items()}


def operations() -> list[Operation]:
    found = []
    for resource in RESOURCES:
        expected = EXPECTATIONS.get(resource.name)
        if expected is None:
            continue  # TestEveryResourceHasExpectations names it
        for name, call, target in reads_of(resource):
            read = expected.reads.get(expectation_name(name))
            if read is None:
                continue  # named by the same test
            rest = read.rest if expectation_name(name) == name else None
            found.append(
                Operation(
                    name, read.policy, read.setup or expected.setup, call, rest, target=target
                )
            )
    return found


OPERATIONS: list[Operation] = operations()
