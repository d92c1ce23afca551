"""Subscriptions (graphql-transport-ws at `/graphql`): the live audit feed.

The role and scope rule is the list's (`reads()`), checked when the subscription starts;
each event is then delivered only if the list would show it to the same caller with the
same filter, `AuditEventFilter` compiled into the same SQL (`resolvers.audit_feed`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import strawberry

from resolvers import audit_log
from resolvers.audit_feed import AuditFeed
from schema.audit import AuditEventFilter
from schema.context import request_context
from schema.directives import reads
from schema.types.audit_event import AuditEvent
from schema.types.filters import listing


def _feed(info: strawberry.Info) -> AuditFeed:
    feed: AuditFeed = info.context.request.app.state.audit_feed
    return feed


def _recheck(info: strawberry.Info) -> Callable[[], Awaitable[None]] | None:
    """The connection's token check (a WebSocket context has one; a test context may not)."""
    check: Callable[[], Awaitable[None]] | None = getattr(info.context, "still_authenticated", None)
    return check


@strawberry.type
class Subscription:
    @strawberry.subscription(
        extensions=reads(),
        description="Audit events as they are committed, by any gateway process, within the "
        "caller's scope and matching `filter` (as `auditEvents` would list them). The stream "
        "ends with an error (`SERVICE_UNAVAILABLE`) if events may have been missed: read "
        "them from `auditEvents` and subscribe again.",
    )
    async def audit_events(
        self, info: strawberry.Info, filter: AuditEventFilter | None = None
    ) -> AsyncIterator[AuditEvent]:
        context = request_context(info)
        # Compiled once, so a bad filter is refused before anything streams.
        condition = audit_log.feed_condition(context, listing(filter, None, None))
        events: AsyncIterator[Any] = _feed(info).follow(context, condition, recheck=_recheck(info))
        return events
