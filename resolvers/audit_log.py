"""Reading the audit log: the list, one event, and the rows the live feed delivers.

The list and the feed are compiled by `resolvers.listing` from the audit event descriptor
(`resources.AUDIT_EVENT`): the caller's scope (`access.visible_audit_events`, the
descriptor's scope) is always ANDed, and the same `filter` compiles to the same SQL on both.
Without `orderBy` the list is newest first (the descriptor's default order, `ID_DESC`: ids
are time-ordered and indexed with the scope columns). Writing events is `resolvers.audit`'s
business alone: nothing here, or anywhere else, changes or removes one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, select, true

from resolvers import resources
from resolvers.context import RequestContext
from resolvers.errors import NotFound
from resolvers.listing import Listing, Page, Relay, list_page
from resolvers.listing.filters import live_and_visible
from resolvers.rows import lean

KIND = "Audit event"
RESOURCE = resources.AUDIT_EVENT
_TABLE = RESOURCE.table

# The feed's condition when the subscription has no filter.
NO_FILTER: ColumnElement[bool] = true()


async def get(context: RequestContext, event_id: str) -> Any:
    row = await context.loaders.by_id(RESOURCE).load(event_id)
    if row is None:
        raise NotFound.resource(KIND, event_id)
    return row


async def list_(context: RequestContext, relay: Relay, listing: Listing = Listing()) -> Page:
    """The caller's events that `listing` keeps, in its order (newest first when none)."""
    return await list_page(context, RESOURCE, listing, relay)


def feed_condition(context: RequestContext, listing: Listing) -> ColumnElement[bool]:
    """`listing`'s filter as the feed applies it to every new event: compiled once, when the
    subscription starts, so a bad filter is refused before anything streams."""
    return listing.condition(RESOURCE, context.actor)


async def deliverable(
    context: RequestContext, event_ids: Sequence[str], condition: ColumnElement[bool]
) -> list[Any]:
    """Of the events just written, those the caller may see and asked for, in the given
    order: the live feed's rule is the list's rule, run as the same SQL."""
    if not event_ids:
        return []
    statement = select(_TABLE).where(
        _TABLE.c.id.in_(event_ids), live_and_visible(RESOURCE, context.actor), condition
    )
    async with context.read() as session:
        rows = {row.id: row for row in lean(await session.execute(statement))}
    return [rows[event_id] for event_id in event_ids if event_id in rows]
