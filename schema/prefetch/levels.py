"""Loads every relation selected below a list of rows, one level of the tree at a time.

Each level's pages are requested from the same per-request `RelationPageLoader`s the relation
resolvers use, all before the first await, so a level costs one batch per loader: the same
statements as resolving field by field. Each page is stored on its parent row as a ready
Connection; the relation resolvers then answer from it synchronously instead of scheduling
one coroutine per parent.

Pages are stored with `resume` set on every third level (see `schema.prefetch.pages`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import strawberry
from graphql import FieldNode, GraphQLObjectType, GraphQLResolveInfo

from resolvers.errors import DomainError
from resolvers.listing.related import RelationListing
from resolvers.loaders.batch import ListedKey, RelationKey
from resolvers.loaders.registry import Loaders
from resolvers.pagination import Window
from resolvers.relations_sql import DescribedRelation
from schema.connection import Connection, connection_from_listed, connection_from_page
from schema.context import request_context
from schema.prefetch.pages import PageKey, StoredPage, resumes_below, store_page
from schema.prefetch.registry import RelationField, RelationFields, relation_fields
from schema.prefetch.selection import Operation, argument_values, node_selection, subfields
from schema.strawberry_private import resolve_info


async def prefetch_below(info: GraphQLResolveInfo, rows: Sequence[Any]) -> None:
    """Prefetches what `info`'s field (a connection of `rows`) selects below its nodes."""
    connection_type = info.return_type
    while not isinstance(connection_type, GraphQLObjectType):
        connection_type = connection_type.of_type  # type: ignore[union-attr]
    operation = Operation.of(info)
    registry = relation_fields(info.schema)
    loaders = request_context(info).loaders
    level = [_Parents(list(rows), 0, connection_type, info.field_nodes)]
    while level:
        plans = [
            plan for parents in level for plan in _plans(operation, registry, parents, loaders)
        ]
        if not plans:
            return
        requested = [_request(loaders, plan) for plan in plans]
        loaded = await asyncio.gather(*requested, return_exceptions=True)
        level = []
        for plan, pages in zip(plans, loaded, strict=True):
            # A failed load is left to the field's own resolver, which reports it at its path.
            if not isinstance(pages, BaseException):
                children = _store(loaders, plan, pages)
                if children.rows:
                    level.append(children)


@dataclass(frozen=True, slots=True)
class _Parents:
    """Rows of one connection, and the connection's fields that selected them."""

    rows: list[Any]
    depth: int  # levels below the rows the prefetch started from
    connection_type: GraphQLObjectType
    field_nodes: list[FieldNode]


@dataclass(slots=True)
class _Plan:
    """One page of a relation for each parent row: of a described relation, by `listing`;
    of a closure, by `window`."""

    target: RelationField
    key: PageKey
    parents: _Parents
    listing: RelationListing | None = None
    window: Window | None = None
    field_nodes: list[FieldNode] = field(default_factory=list)


def _plans(
    operation: Operation, registry: RelationFields, parents: _Parents, loaders: Loaders
) -> list[_Plan]:
    """The pages selected below `parents`, or none if any of them is invalid: its resolver
    raises at its own path, and the error nulls these rows along with whatever they load."""
    selection = node_selection(operation, parents.connection_type, parents.field_nodes)
    if selection is None:
        return []
    node_type, node_fields = selection
    plans: dict[PageKey, _Plan] = {}
    for group in subfields(operation, node_type, node_fields).values():
        target = registry.get((node_type.name, group[0].name.value))
        if target is None:
            continue
        arguments = argument_values(operation, target.field, group[0])
        if arguments is None:
            return []
        relation = target.relation
        listing = window = None
        try:
            if isinstance(relation, DescribedRelation):
                listing = loaders.listing(relation, arguments)
                key: PageKey = (relation.name, listing)
            else:
                first, after = arguments.get("first"), arguments.get("after")
                window = Window.from_relay(first, after)
                key = (relation.name, (first, after))
        except DomainError:
            return []
        plan = plans.get(key)
        if plan is None:
            plan = plans[key] = _Plan(target, key, parents, listing, window)
        plan.field_nodes.extend(group)
    return list(plans.values())


def _request(loaders: Loaders, plan: _Plan) -> asyncio.Future[list[Any]]:
    relation = plan.target.relation
    rows = plan.parents.rows
    if isinstance(relation, DescribedRelation):
        assert plan.listing is not None
        column = relation.parent_column
        wanted = [ListedKey(getattr(row, column), plan.listing) for row in rows]
        return loaders.page(relation).load_many(wanted)
    assert plan.window is not None
    window = plan.window
    keys = [RelationKey(row.id, window.offset, window.limit) for row in rows]
    return loaders.closure_page(relation).load_many(keys)


def _store(loaders: Loaders, plan: _Plan, pages: list[Any]) -> _Parents:
    relation = plan.target.relation
    depth = plan.parents.depth
    resume = resumes_below(depth)
    children: list[Any] = []
    for row, page in zip(plan.parents.rows, pages, strict=True):
        if isinstance(relation, DescribedRelation):
            assert plan.listing is not None
            parent_id = getattr(row, relation.parent_column)
            connection = connection_from_listed(loaders, relation, parent_id, plan.listing, page)
        else:
            assert plan.window is not None
            connection = connection_from_page(loaders, relation, row.id, plan.window, page)
        store_page(row, plan.key, StoredPage(connection, resume))
        children.extend(connection.nodes)
    return _Parents(children, depth + 1, plan.target.connection_type, plan.field_nodes)


async def prefetched(info: strawberry.Info, connection: Connection[Any]) -> Connection[Any]:
    """`connection`, with every relation selected below its nodes already loaded."""
    await prefetch_below(resolve_info(info), connection.nodes)
    return connection
