"""A relation connection's listing arguments, checked once and normalised into a key.

`tenant.users(filter: …, orderBy: …, search: …, first/after or last/before)` is compiled by the
same functions as a root list (`filters`, `search`, `ordering`, `cursors`, `pages`); what this
module adds is the key: the arguments as hashable, normalised values, so that every parent of
a level asking the same page batches into one statement (`resolvers.relations_sql`), and a
prefetched page is found again by the resolver that asks for it.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from sqlalchemy import ColumnElement, and_

from core.principals import Principal
from resolvers.listing import Listing, Relay
from resolvers.listing.pages import PageRequest
from resolvers.resources import Resource


def frozen(value: Any) -> Hashable:
    """`value` (plain GraphQL input values) as a hashable value equal for equal inputs."""
    if isinstance(value, Mapping):
        return tuple(sorted((str(key), frozen(item)) for key, item in value.items()))
    if isinstance(value, list | tuple):
        return tuple(frozen(item) for item in value)
    if isinstance(value, Enum):
        return value.value
    hashable: Hashable = value
    return hashable


@dataclass(frozen=True)
class RelationListing:
    """One relation connection's `filter`, `search`, `orderBy` and page, checked for the
    caller. Equal (and hashed) by `key` alone: the compiled parts come along for the ride."""

    key: Hashable
    listing: Listing = field(compare=False)
    request: PageRequest = field(compare=False)
    condition: ColumnElement[bool] = field(compare=False)

    @classmethod
    def of(
        cls, target: Resource, principal: Principal, listing: Listing, relay: Relay
    ) -> RelationListing:
        """The arguments as given, or the refusal a root list gives them (`BadInput` naming
        the argument, `AccessDenied` for a field the caller may not read)."""
        order = listing.order(target, principal)
        request = PageRequest.from_relay(order, relay.first, relay.after, relay.last, relay.before)
        condition = listing.condition(target, principal)
        key = (
            frozen(listing.filter),
            listing.search,
            order.key,
            request.size,
            request.after,
            request.before,
            request.backwards,
            request.skip,
        )
        return cls(key, listing, request, condition)

    @classmethod
    def of_arguments(
        cls, target: Resource, principal: Principal, arguments: Mapping[str, Any]
    ) -> RelationListing:
        """The same from a field's arguments by their GraphQL names (`orderBy`, …), as
        graphql-core passes them, absent ones None."""
        order_by = arguments.get("orderBy")
        listing = Listing(
            filter=arguments.get("filter"),
            search=arguments.get("search"),
            order_by=list(order_by) if order_by is not None else None,
        )
        relay = Relay(
            arguments.get("first"),
            arguments.get("after"),
            arguments.get("last"),
            arguments.get("before"),
        )
        return cls.of(target, principal, listing, relay)

    @property
    def plain(self) -> bool:
        """Whether the rows depend on no value of the request besides the page's size and
        offset (no filter, search or keyset position): its statement can be kept."""
        request = self.request
        return (
            self.listing.filter is None
            and self.listing.search is None
            and request.after is None
            and request.before is None
        )

    def keyset(self) -> ColumnElement[bool] | None:
        """The rows past `after` and short of `before`, or None when neither is given."""
        request = self.request
        conditions: Sequence[ColumnElement[bool]] = [
            *([request.order.after(request.after)] if request.after is not None else []),
            *([request.order.before(request.before)] if request.before is not None else []),
        ]
        if not conditions:
            return None
        return and_(*conditions)
