"""The live audit feed: committed events reach subscribers on every gateway process.

Where events come from:

- PostgreSQL: `resolvers.audit` NOTIFYs `scaigate_audit` with each event's id inside the
  write's transaction, so the notice is delivered on commit and dropped on rollback. Each
  process holds one LISTEN connection for the feed (`resolvers.notifications.Listener`),
  opened when its first subscriber arrives and reopened when it drops; every writer's events
  reach every process.
- SQLite (the embedded, one-machine mode): the commits of the gateway's own sessions hand on
  the ids (`resolvers.notifications.CommitHook`); a rollback discards them. Only the process
  that wrote an event sees it.

Fan-out: each subscriber has a bounded queue of event ids, and publishing never waits. A
subscriber whose queue fills up is dropped, and so is every subscriber when the LISTEN
connection is lost: its stream ends with `FeedInterrupted`, so a client learns that it
missed events (it reads them from the list and subscribes again) instead of missing them
silently. What a subscriber receives is decided per event by the list's own SQL
(`resolvers.audit_log.deliverable`): the same scope, the same filter compiled the same way,
nothing filtered in Python.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from contextlib import AbstractContextManager, asynccontextmanager
from typing import Any

import structlog
from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncEngine

from resolvers import audit_log
from resolvers.audit import AUDIT_CHANNEL
from resolvers.context import RequestContext
from resolvers.errors import DomainError, ErrorCode
from resolvers.notifications import CommitHook, Listener, asyncpg_dsn

logger = structlog.stdlib.get_logger("scaigate.audit_feed")

QUEUE_SIZE = 1000  # event ids waiting for one subscriber before it is dropped
BATCH_SIZE = 100  # ids a subscriber reads (and filters in one statement) at a time
READY_TIMEOUT = 10.0  # seconds a new subscriber waits for the LISTEN connection


class FeedInterrupted(DomainError):
    """The subscription ended without its client asking (`reason`: `overflow`,
    `connection_lost`, `shutdown`), or could not start (`unavailable`)."""

    code = ErrorCode.SERVICE_UNAVAILABLE

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message, reason=reason)


_OVERFLOW = (
    f"Subscription ended: more than {QUEUE_SIZE} audit events were waiting for this client. "
    "Read what it missed from auditEvents and subscribe again."
)
_UNAVAILABLE = "The live audit feed is not available: the database does not answer."
_CONNECTION_LOST = (
    "Subscription ended: the live feed lost its database connection. Read what was missed "
    "from auditEvents and subscribe again."
)


class _Subscriber:
    def __init__(self) -> None:
        self.queue: asyncio.Queue[str] = asyncio.Queue(maxsize=QUEUE_SIZE)
        self.ended: FeedInterrupted | None = None
        self._wake = asyncio.Event()

    def offer(self, event_id: str) -> bool:
        try:
            self.queue.put_nowait(event_id)
        except asyncio.QueueFull:
            return False
        self._wake.set()
        return True

    def end(self, reason: FeedInterrupted) -> None:
        self.ended = reason
        self._wake.set()

    async def next_batch(self) -> list[str]:
        while True:
            if self.ended is not None:
                raise self.ended
            if not self.queue.empty():
                return [self.queue.get_nowait() for _ in range(min(self.queue.qsize(), BATCH_SIZE))]
            self._wake.clear()
            await self._wake.wait()


class AuditFeed:
    """One per process: subscribers, and the source that tells them about new events."""

    def __init__(
        self,
        *,
        postgres_dsn: str | None = None,
        opened: Callable[[], AbstractContextManager[Any]] = contextlib.nullcontext,
    ) -> None:
        self._subscribers: set[_Subscriber] = set()
        self._listener = (
            Listener(
                postgres_dsn,
                name=listener_name(),
                channels={AUDIT_CHANNEL: self._notified},
                on_lost=self._connection_lost,
            )
            if postgres_dsn
            else None
        )
        self._opened = opened  # counts open subscriptions (the metrics gauge)
        self._commit_hook: CommitHook | None = None

    def publish_commits_of(self, engines: Sequence[AsyncEngine]) -> None:
        """The in-process source (SQLite): events of transactions committed on `engines`."""
        self._commit_hook = CommitHook(engines, {AUDIT_CHANNEL: self._notified})
        self._commit_hook.install()

    def _notified(self, event_id: str) -> None:
        self.publish((event_id,))

    def _connection_lost(self) -> None:
        # Whatever was committed while nobody listened is in no subscriber's stream.
        self.interrupt_all(FeedInterrupted(_CONNECTION_LOST, reason="connection_lost"))

    @property
    def subscriber_count(self) -> int:
        return len(self._subscribers)

    def publish(self, event_ids: Iterable[str]) -> None:
        """Hands committed event ids to every subscriber; never waits."""
        for event_id in event_ids:
            for subscriber in list(self._subscribers):
                if not subscriber.offer(event_id):
                    self._drop(subscriber, FeedInterrupted(_OVERFLOW, reason="overflow"))
                    logger.warning("audit_feed_subscriber_dropped", reason="overflow")

    def interrupt_all(self, reason: FeedInterrupted) -> None:
        for subscriber in list(self._subscribers):
            self._drop(subscriber, reason)

    def _drop(self, subscriber: _Subscriber, reason: FeedInterrupted) -> None:
        self._subscribers.discard(subscriber)
        subscriber.end(reason)

    @asynccontextmanager
    async def _subscriber(self) -> AsyncIterator[_Subscriber]:
        if self._listener is not None:
            try:
                async with asyncio.timeout(READY_TIMEOUT):
                    await self._listener.ready()
            except TimeoutError as exc:
                raise FeedInterrupted(_UNAVAILABLE, reason="unavailable") from exc
        subscriber = _Subscriber()
        self._subscribers.add(subscriber)
        try:
            with self._opened():
                yield subscriber
        finally:
            self._subscribers.discard(subscriber)

    async def follow(
        self,
        context: RequestContext,
        condition: ColumnElement[bool],
        *,
        recheck: Callable[[], Awaitable[None]] | None = None,
    ) -> AsyncIterator[Any]:
        """The events committed from now on that `context`'s caller may see and that meet
        `condition` (`audit_log.feed_condition`: the subscription's filter as SQL).

        `recheck` raises once the caller's credentials are no longer accepted (an expired
        token, a revoked session): it runs before each delivery.
        """
        async with self._subscriber() as subscriber:
            while True:
                batch = await subscriber.next_batch()
                if recheck is not None:
                    await recheck()
                for row in await audit_log.deliverable(context, batch, condition):
                    yield row

    async def close(self) -> None:
        if self._listener is not None:
            await self._listener.stop()
        if self._commit_hook is not None:
            self._commit_hook.remove()
        self.interrupt_all(
            FeedInterrupted("Subscription ended: the server is stopping.", reason="shutdown")
        )


def listener_name() -> str:
    """The LISTEN connection's `application_name`: which process it serves, in pg_stat_activity."""
    return f"scaigate-audit-feed-{os.getpid()}"


def open_feed(
    database_url: str,
    engines: Sequence[AsyncEngine],
    *,
    opened: Callable[[], AbstractContextManager[Any]] = contextlib.nullcontext,
) -> AuditFeed:
    """The process's feed: LISTEN/NOTIFY on PostgreSQL, the commits of `engines` otherwise."""
    dsn = asyncpg_dsn(database_url)
    feed = AuditFeed(postgres_dsn=dsn, opened=opened)
    if dsn is None:
        feed.publish_commits_of(engines)
    return feed
