"""A planned root list's page, compiled by `resolvers.listing` as its resolver's is.

The list's `filter`, `orderBy`, `search` and its own filter arguments (`tenantId`, …) become
the same statement `resolvers.listing.select_listed` gives the resolver (the caller's scope
ANDed), narrowed to the plan's columns plus the order's, and paged by the same
`PageRequest`: keyset `after`/`before`, `first`/`last`, offset cursors. Cursors are
`cursors.encode` of each row in the order, so planned and executed answers are the same
bytes. Anything the compiler refuses raises `Unplannable`, and normal execution answers it
with its error.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from resolvers.context import RequestContext
from resolvers.errors import DomainError
from resolvers.listing import Listing, PageRequest, cursors, select_listed
from schema.planner.compile import RootListPlan, Unplannable


@dataclass(frozen=True)
class RootPage:
    """A root list bound to one request's arguments: its statement and its page request."""

    root: RootListPlan
    listed: Select[Any]
    request: PageRequest

    def cursor(self, row: Any) -> str:
        return cursors.encode(self.request.order, row)


@dataclass(frozen=True)
class FetchedRootPage:
    rows: list[Any]
    has_next: bool
    has_previous: bool
    total: int | None


def bind_root(root: RootListPlan, context: RequestContext, arguments: dict[str, Any]) -> RootPage:
    resource = root.root_list.resource
    table = resource.table
    actor = context.actor
    order_by = arguments.get("orderBy")
    listing = Listing(
        filter=arguments.get("filter"),
        search=arguments.get("search"),
        order_by=list(order_by) if order_by is not None else None,
    )
    conditions: list[ColumnElement[bool]] = []
    for argument, column in root.root_list.filters.items():
        value = arguments.get(argument)
        if value is not None:
            conditions.append(
                table.c[column] == (value.value if isinstance(value, Enum) else value)
            )
    try:
        order = listing.order(resource, actor)
        request = PageRequest.from_relay(
            order,
            arguments.get("first"),
            arguments.get("after"),
            arguments.get("last"),
            arguments.get("before"),
        )
        listed = select_listed(resource, actor, listing, *conditions)
    except DomainError as exc:
        raise Unplannable from exc
    # The plan's columns first (positions its readers use), then any the order needs.
    columns = [table.c[name] for name in root.columns]
    columns += [t.field.column for t in order.terms if t.field.column.key not in root.columns]
    return RootPage(root, listed.with_only_columns(*columns), request)


async def fetch_root(session: AsyncSession, bound: RootPage) -> FetchedRootPage:
    result = await session.execute(bound.request.statement(bound.listed))
    fetched: Sequence[Any] = result.all()
    total = None
    if bound.root.shape.counts:
        counted = select(func.count()).select_from(bound.listed.order_by(None).subquery())
        total = int((await session.execute(counted)).scalar_one())
    page = bound.request.page(fetched, _not_counted)
    return FetchedRootPage(list(page.rows), page.has_next, page.has_previous, total)


async def _not_counted() -> int:
    raise AssertionError("a planned page's total is counted with its rows")
