"""Lists compiled into SQL from a resource's descriptor: filter, order, search, keyset pages
and counts by group, always within the caller's row scope.

Inputs are plain Python values spelled as in GraphQL (no Strawberry types), so GraphQL
fields, relation loaders and REST routes share one compiler. docs/dashboards-queries.md
describes the shapes, the limits and the decisions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from sqlalchemy import ColumnElement, Select, select

from core.principals import Principal
from resolvers.listing.filters import compile_filter, live_and_visible
from resolvers.listing.ordering import Order, parse_order
from resolvers.listing.pages import Page, PageRequest, fetch_page
from resolvers.listing.search import compile_search
from resolvers.reader import Reader
from resolvers.resources import Resource

__all__ = [
    "Listing",
    "Order",
    "Page",
    "PageRequest",
    "Relay",
    "fetch_page",
    "list_page",
    "parse_order",
    "select_listed",
]


@dataclass(frozen=True)
class Listing:
    """What a list request asks of its rows: `filter`, `search` and `order_by`, as given."""

    filter: Mapping[str, Any] | None = None
    search: str | None = None
    order_by: Sequence[str | Enum] | None = None

    def order(self, resource: Resource, principal: Principal | None = None) -> Order:
        return parse_order(resource, self.order_by, principal=principal)

    def condition(self, resource: Resource, principal: Principal) -> ColumnElement[bool]:
        """Filter and search as one condition (the caller's scope not included)."""
        return compile_filter(resource, self.filter, principal) & compile_search(
            resource, self.search, principal=principal
        )


def select_listed(
    resource: Resource,
    principal: Principal,
    listing: Listing,
    *conditions: ColumnElement[bool],
) -> Select[Any]:
    """The rows of `resource` the caller may read (live, within its scope) that meet
    `listing` and `conditions`: the scope is always ANDed, so no filter can widen it."""
    return select(resource.table).where(
        live_and_visible(resource, principal), listing.condition(resource, principal), *conditions
    )


@dataclass(frozen=True)
class Relay:
    """The page arguments as given: `first`/`after` forwards, `last`/`before` backwards."""

    first: int | None = None
    after: str | None = None
    last: int | None = None
    before: str | None = None
    # Whether the page's total will be read (`totalCount` selected): then the page's own
    # statement counts it.
    counted: bool = False


async def list_page(
    context: Reader,
    resource: Resource,
    listing: Listing,
    relay: Relay,
    *conditions: ColumnElement[bool],
) -> Page:
    """One keyset page of the rows of `resource` the caller may read that meet `listing`
    and `conditions`, in `listing`'s order: one statement, its total counted by the same
    one when `relay.counted`, or by one more when it is asked for."""
    statement = select_listed(resource, context.actor, listing, *conditions)
    request = PageRequest.from_relay(
        listing.order(resource, context.actor), relay.first, relay.after, relay.last, relay.before
    )
    return await fetch_page(context.read, statement, request, context.actor, counted=relay.counted)
