"""Relay connections, for root lists and nested relations alike: over keyset pages
(`resolvers.listing`: cursors carry the row's place in the order) or offset windows.

`nodes` is the rows themselves; edges and cursors are built only when a query asks for them,
since dashboards mostly read `nodes`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from enum import Enum
from functools import partial
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import strawberry

from resolvers.listing import Page
from resolvers.listing.grouping import GroupCount, Grouping
from resolvers.listing.related import RelationListing
from resolvers.loaders.batch import ListedKey, RelationKey, RelationPage
from resolvers.loaders.groups import ClosureGroups, RelationGroups
from resolvers.loaders.relations import Relation
from resolvers.pagination import Slice, Window, encode_cursor
from resolvers.relations_sql import DescribedRelation
from resolvers.resources import Resource
from schema.context import request_context

if TYPE_CHECKING:
    from resolvers.loaders.registry import Loaders

T = TypeVar("T")
GroupOf = Callable[[Resource, Any], Awaitable[list[GroupCount]]]


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    node: T
    cursor: str


@strawberry.type
class Connection(Generic[T]):
    nodes: list[T]
    _window: strawberry.Private[Window]
    _has_next: strawberry.Private[bool]
    _count: strawberry.Private[Callable[[], Awaitable[int]]]
    # A keyset page: cursors from each row's place in its order, and Relay's page flags.
    _page: strawberry.Private[Page | None] = None
    # `countBy`: the rows `totalCount` counts, counted by a field of `resource`.
    _group: strawberry.Private[GroupOf | None] = None

    def _cursor(self, index: int) -> str:
        if self._page is not None:
            return self._page.cursor(self.nodes[index])
        return encode_cursor(self._window.offset + index)

    @strawberry.field
    def edges(self) -> list[Edge[T]]:
        return [Edge(node=row, cursor=self._cursor(i)) for i, row in enumerate(self.nodes)]

    @strawberry.field
    def page_info(self) -> PageInfo:
        has_previous = (
            self._page.has_previous if self._page is not None else self._window.offset > 0
        )
        return PageInfo(
            has_next_page=self._has_next,
            has_previous_page=has_previous,
            start_cursor=self._cursor(0) if self.nodes else None,
            end_cursor=self._cursor(len(self.nodes) - 1) if self.nodes else None,
        )

    @strawberry.field(description="All matching items, not just this page.")
    async def total_count(self) -> int:
        return await self._count()


def _build(
    rows: Sequence[Any], window: Window, has_next: bool, count: Callable[[], Awaitable[int]]
) -> Connection[Any]:
    return Connection(nodes=list(rows), _window=window, _has_next=has_next, _count=count)


def connection_from_slice(page: Slice) -> Connection[Any]:
    return _build(page.rows, page.window, page.has_next, page.count)


def connection_from_keyset(page: Page) -> Connection[Any]:
    """A keyset page (`resolvers.listing.fetch_page`) as a connection."""
    window = Window(offset=0, limit=page.request.size)
    group = page.group
    return Connection(
        nodes=list(page.rows),
        _window=window,
        _has_next=page.has_next,
        _count=page.count,
        _page=page,
        _group=(lambda _resource, field: group(field)) if group is not None else None,
    )


async def _relation_group(
    groups: RelationGroups, parent_id: str, listing: RelationListing, field: str | Enum
) -> list[GroupCount]:
    grouping = Grouping.of(groups.relation.target, field, groups.context.actor)
    return await groups.load(parent_id, listing, grouping)


def connection_from_listed(
    loaders: Loaders,
    relation: DescribedRelation,
    parent_id: str,
    listing: RelationListing,
    fetched: Sequence[Any],
) -> Connection[Any]:
    """A parent's page of `relation` from the rows its statement fetched (one over, in fetch
    order); its total and its counts by group are loaded only when asked for."""
    # The loaders themselves, not a closure over `loaders`: the loaders hold this page's
    # rows, so a reference back to them would be a cycle that outlives the request.
    count = partial(loaders.count(relation).load, ListedKey(parent_id, listing))
    group = partial(_relation_group, loaders.groups(relation), parent_id, listing)
    return connection_from_keyset(listing.request.page(fetched, count, group))


async def connection_from_relation(
    info: Any, relation: DescribedRelation, parent_id: str, listing: RelationListing
) -> Connection[Any]:
    """A parent's page of `relation`, batched with every sibling parent's asking the same."""
    loaders = request_context(info).loaders
    fetched = await loaders.page(relation).load(ListedKey(parent_id, listing))
    return connection_from_listed(loaders, relation, parent_id, listing, fetched)


async def _closure_group(
    groups: ClosureGroups, parent_id: str, resource: Resource, field: Any
) -> list[GroupCount]:
    grouping = Grouping.of(resource, field, groups.context.actor)
    return await groups.load(parent_id, grouping)


def connection_from_page(
    loaders: Loaders, relation: Relation, parent_id: str, window: Window, page: RelationPage
) -> Connection[Any]:
    """A parent's loaded window of a closure; its total is counted only when asked for."""
    count = partial(loaders.closure_count(relation).load, parent_id)
    connection = _build(page.rows, window, page.has_next, count)
    connection._group = partial(_closure_group, loaders.closure_groups(relation), parent_id)
    return connection


async def connection_from_closure(
    info: Any, relation: Relation, parent_id: str, first: int | None, after: str | None
) -> Connection[Any]:
    """A parent's window of a closure, batched with every sibling parent's in the request."""
    window = Window.from_relay(first, after)
    loaders = request_context(info).loaders
    key = RelationKey(parent_id, window.offset, window.limit)
    page = await loaders.closure_page(relation).load(key)
    return connection_from_page(loaders, relation, parent_id, window, page)
