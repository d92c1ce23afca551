"""Notices that follow a commit to every gateway process.

- `announce(session, channel, payload)`, inside the write's transaction: on PostgreSQL a
  NOTIFY, delivered to every listening process at commit and dropped on rollback; on SQLite
  (the embedded, one-process mode) the payload waits in `session.info` for `CommitHook`.
- `Listener`: a process's LISTEN connection (asyncpg) to some channels, reopened when it is
  lost. What was committed while nobody listened reaches no one, so its owner hears of each
  loss (`on_lost`) and of each start of listening (`on_listening`).
- `CommitHook`: SQLite's source, handing the payloads of each committed transaction of the
  gateway's own engines to the channel's handler; a rollback discards them.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import asyncpg
import structlog
from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import Session

logger = structlog.stdlib.get_logger("scaigate.notifications")

Handler = Callable[[str], None]

_PENDING = "pending_notices"  # session.info key: {channel: [payload, …]} until commit
_KEEPALIVE_SECONDS = 30.0
_RETRY_SECONDS = (0.1, 0.5, 1.0, 2.0, 5.0)  # after 0, 1, 2, … failures in a row


async def announce(
    session: AsyncSession, channel: str, payload: str, *, at_commit_here: bool = False
) -> None:
    """Tells every process on `channel` once (and only if) the transaction commits.

    `at_commit_here`: on PostgreSQL, the writing process's `CommitHook` hears of it at commit
    too, before its NOTIFY comes back, so that the writer's own next request already knows.
    """
    bind = session.bind
    postgresql = bind is not None and bind.dialect.name == "postgresql"
    if postgresql:
        await session.execute(
            text("SELECT pg_notify(:channel, :payload)"), {"channel": channel, "payload": payload}
        )
    if not postgresql or at_commit_here:
        session.info.setdefault(_PENDING, {}).setdefault(channel, []).append(payload)


def asyncpg_dsn(database_url: str) -> str | None:
    """A LISTEN connection's DSN for a PostgreSQL SQLAlchemy URL; None for other databases."""
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        return None
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


class Listener:
    """One LISTEN connection to `channels`, kept open (and reopened) once started."""

    def __init__(
        self,
        dsn: str,
        *,
        name: str,
        channels: Mapping[str, Handler],
        on_lost: Callable[[], None] = lambda: None,
        on_listening: Callable[[], None] = lambda: None,
    ) -> None:
        self._dsn = dsn
        self._name = name  # its `application_name` in pg_stat_activity
        self._channels = dict(channels)
        self._on_lost = on_lost
        self._on_listening = on_listening
        self._task: asyncio.Task[None] | None = None
        self._listening = asyncio.Event()

    @property
    def listening(self) -> bool:
        return self._listening.is_set()

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name=self._name)

    async def ready(self) -> None:
        """Starts listening if need be, and returns once listening."""
        self.start()
        await self._listening.wait()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        failures = 0
        while True:
            connection: Any = None
            try:
                connection = await asyncpg.connect(
                    self._dsn, server_settings={"application_name": self._name}
                )
                await self._listen(connection)
                failures = 0
            except Exception as exc:  # any failure of the connection: reconnect
                failures += 1
                logger.warning("listen_failed", listener=self._name, error=repr(exc))
            finally:
                was_listening = self._listening.is_set()
                self._listening.clear()
                if connection is not None:
                    with contextlib.suppress(Exception):
                        await asyncio.wait_for(connection.close(), 5)
            if was_listening:
                logger.warning("listen_connection_lost", listener=self._name)
                self._on_lost()
            await asyncio.sleep(_RETRY_SECONDS[min(failures, len(_RETRY_SECONDS) - 1)])

    async def _listen(self, connection: Any) -> None:
        """Returns when the connection is lost."""
        lost = asyncio.Event()
        connection.add_termination_listener(lambda _connection: lost.set())
        for channel, handler in self._channels.items():
            await connection.add_listener(channel, _deliver_to(handler))
        self._listening.set()
        self._on_listening()
        logger.info("listening", listener=self._name, channels=sorted(self._channels))
        while not lost.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(lost.wait(), _KEEPALIVE_SECONDS)
            if not lost.is_set():
                # A connection that died without a word is found out by using it.
                await connection.execute("SELECT 1", timeout=10)


def _deliver_to(handler: Handler) -> Callable[[Any, int, str, str], None]:
    def notified(_connection: Any, _pid: int, _channel: str, payload: str) -> None:
        handler(payload)

    return notified


class CommitHook:
    """Hands the payloads of each committed transaction of `engines` to the handler of their
    channel: SQLite's source of notices, and on PostgreSQL the writer's own, for announcements
    made `at_commit_here`."""

    def __init__(self, engines: Sequence[AsyncEngine], channels: Mapping[str, Handler]) -> None:
        self._binds = {engine.sync_engine for engine in engines}
        self._channels = dict(channels)

    def install(self) -> None:
        event.listen(Session, "after_commit", self._committed)
        event.listen(Session, "after_rollback", self._rolled_back)

    def remove(self) -> None:
        event.remove(Session, "after_commit", self._committed)
        event.remove(Session, "after_rollback", self._rolled_back)

    def _committed(self, session: Session) -> None:
        if session.bind not in self._binds:
            return
        pending: dict[str, list[str]] = session.info.get(_PENDING, {})
        for channel, handler in self._channels.items():
            for payload in pending.pop(channel, ()):
                handler(payload)
        if not pending:
            session.info.pop(_PENDING, None)

    def _rolled_back(self, session: Session) -> None:
        if session.bind in self._binds:
            session.info.pop(_PENDING, None)
