"""The live audit feed: committed events reach subscribers on every gateway process.

Where events come from:

- PostgreSQL: `resolvers.audit` NOTIFYs `scaigate_audit` with each event's id inside the
  write's transaction, so the notice is delivered on commit and dropped on rollback. Each
  process holds one LISTEN connection (asyncpg), opened when its first subscriber arrives
  and reopened when it drops; every writer's events reach every process.
- SQLite (the embedded, one-machine mode): `after_commit` on the gateway's own sessions
  hands on the ids `resolvers.audit` left in `session.info`; a rollback discards them. Only
  the process that wrote an event sees it.

Fan-out: each subscriber has a bounded queue of event ids, and publishing never waits. A
subscriber whose queue fills up is dropped, and so is every subscriber when the LISTEN
connection is lost: its stream ends with `FeedInterrupted`, so a client learns that it
missed events (it reads them from the list and subscribes again) instead of missing them
silently. What a subscriber receives is decided per event by the list's own SQL
(`resolvers.audit_log.deliverable`): the same scope, the same filter.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from contextlib import AbstractContextManager, asynccontextmanager
from typing import Any

import asyncpg
import structlog
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.orm import Session

from resolvers import audit_log
from resolvers.audit import AUDIT_CHANNEL, PENDING_EVENTS
from resolvers.audit_log import AuditFilter
from resolvers.context import RequestContext
from resolvers.errors import DomainError, ErrorCode

logger = structlog.stdlib.get_logger("scaigate.audit_feed")

QUEUE_SIZE = 1000  # event ids waiting for one subscriber before it is dropped
BATCH_SIZE = 100  # ids a subscriber reads (and filters in one statement) at a time
READY_TIMEOUT = 10.0  # seconds a new subscriber waits for the LISTEN connection
_KEEPALIVE_SECONDS = 30.0
_RETRY_SECONDS = (0.1, 0.5, 1.0, 2.0, 5.0)  # after 0, 1, 2, … failures in a row


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
        self._listener = _Listener(postgres_dsn, self) if postgres_dsn else None
        self._opened = opened  # counts open subscriptions (the metrics gauge)
        self._commit_hook: CommitHook | None = None

    def publish_commits_of(self, engines: Sequence[AsyncEngine]) -> None:
        """The in-process source (SQLite): events of transactions committed on `engines`."""
        self._commit_hook = CommitHook(self, engines)
        self._commit_hook.install()

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
            await self._listener.ready()
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
        audit_filter: AuditFilter,
        *,
        recheck: Callable[[], Awaitable[None]] | None = None,
    ) -> AsyncIterator[Any]:
        """The events committed from now on that `context`'s caller may see and asked for.

        `recheck` raises once the caller's credentials are no longer accepted (an expired
        token, a revoked session): it runs before each delivery.
        """
        async with self._subscriber() as subscriber:
            while True:
                batch = await subscriber.next_batch()
                if recheck is not None:
                    await recheck()
                for row in await audit_log.deliverable(context, batch, audit_filter):
                    yield row

    async def close(self) -> None:
        if self._listener is not None:
            await self._listener.stop()
        if self._commit_hook is not None:
            self._commit_hook.remove()
        self.interrupt_all(
            FeedInterrupted("Subscription ended: the server is stopping.", reason="shutdown")
        )


class _Listener:
    """The process's LISTEN connection, kept open (and reopened) from the first subscriber on."""

    def __init__(self, dsn: str, feed: AuditFeed) -> None:
        self._dsn = dsn
        self._feed = feed
        self._task: asyncio.Task[None] | None = None
        self._listening = asyncio.Event()

    async def ready(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="audit-feed-listener")
        try:
            await asyncio.wait_for(self._listening.wait(), READY_TIMEOUT)
        except TimeoutError as exc:
            raise FeedInterrupted(_UNAVAILABLE, reason="unavailable") from exc

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    def _notified(self, _connection: Any, _pid: int, _channel: str, payload: str) -> None:
        self._feed.publish((payload,))

    async def _run(self) -> None:
        failures = 0
        while True:
            connection: Any = None
            try:
                connection = await asyncpg.connect(
                    self._dsn, server_settings={"application_name": listener_name()}
                )
                await self._listen(connection)
                failures = 0
            except Exception as exc:  # any failure of the connection: reconnect
                failures += 1
                logger.warning("audit_feed_listen_failed", error=repr(exc))
            finally:
                was_listening = self._listening.is_set()
                self._listening.clear()
                if connection is not None:
                    with contextlib.suppress(Exception):
                        await asyncio.wait_for(connection.close(), 5)
            if was_listening:
                # Whatever was committed while nobody listened is in no subscriber's stream.
                self._feed.interrupt_all(
                    FeedInterrupted(_CONNECTION_LOST, reason="connection_lost")
                )
                logger.warning("audit_feed_connection_lost")
            await asyncio.sleep(_RETRY_SECONDS[min(failures, len(_RETRY_SECONDS) - 1)])

    async def _listen(self, connection: Any) -> None:
        """Returns when the connection is lost."""
        lost = asyncio.Event()
        connection.add_termination_listener(lambda _connection: lost.set())
        await connection.add_listener(AUDIT_CHANNEL, self._notified)
        self._listening.set()
        logger.info("audit_feed_listening", channel=AUDIT_CHANNEL)
        while not lost.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(lost.wait(), _KEEPALIVE_SECONDS)
            if not lost.is_set():
                # A connection that died without a word is found out by using it.
                await connection.execute("SELECT 1", timeout=10)


def listener_name() -> str:
    """The LISTEN connection's `application_name`: which process it serves, in pg_stat_activity."""
    return f"scaigate-audit-feed-{os.getpid()}"


def asyncpg_dsn(database_url: str) -> str | None:
    """The LISTEN connection's DSN for a PostgreSQL SQLAlchemy URL; None for other databases."""
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        return None
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


class CommitHook:
    """SQLite: publishes the events of each committed transaction of the given engines."""

    def __init__(self, feed: AuditFeed, engines: Sequence[AsyncEngine]) -> None:
        self._feed = feed
        self._binds = {engine.sync_engine for engine in engines}

    def install(self) -> None:
        event.listen(Session, "after_commit", self._committed)
        event.listen(Session, "after_rollback", self._rolled_back)

    def remove(self) -> None:
        event.remove(Session, "after_commit", self._committed)
        event.remove(Session, "after_rollback", self._rolled_back)

    def _committed(self, session: Session) -> None:
        if session.bind in self._binds:
            event_ids = session.info.pop(PENDING_EVENTS, None)
            if event_ids:
                self._feed.publish(event_ids)

    def _rolled_back(self, session: Session) -> None:
        if session.bind in self._binds:
            session.info.pop(PENDING_EVENTS, None)


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
