"""A per-process cache of database reads that a commit's notice invalidates.

Each process keeps what it read, by key, until a notice on the cache's channel names it
(`resolvers.notifications`: on PostgreSQL a NOTIFY every process hears at commit, on SQLite
the process's own commits). An entry also expires after a TTL, so a missed notice cannot
keep a stale answer longer than that; when the LISTEN connection is lost or opened again,
the whole cache is dropped, since notices sent meanwhile reached no one.

A subclass says how to read what is at a key (`_read`) and, when a notice names something other than
the key (a row's id for an entry kept by a secret's hash), which notice drops an entry
(`_notice_of`).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Generic, TypeVar

from sqlalchemy.ext.asyncio import AsyncEngine

from resolvers import notifications

V = TypeVar("V")


class NoticedCache(Generic[V]):
    """One per process: what it read of each key, None included (nothing there)."""

    def __init__(
        self, *, channel: str, ttl_seconds: float, postgres_dsn: str | None, listener_name: str
    ) -> None:
        self._channel = channel
        self._ttl = ttl_seconds
        self._entries: dict[str, tuple[float, V | None]] = {}
        self._key_of: dict[str, str] = {}  # notice payload → entry key, where they differ
        # Bumped by every notice: a read that a notice overtook is not kept.
        self._generation = 0
        self._listener = (
            notifications.Listener(
                postgres_dsn,
                name=listener_name,
                channels={channel: self.forget},
                on_lost=self.forget_all,
                on_listening=self.forget_all,
            )
            if postgres_dsn
            else None
        )
        self._commit_hook: notifications.CommitHook | None = None

    def start(self, engines: Sequence[AsyncEngine]) -> None:
        """Follows the commits of `engines` (this process's own writes, at once), and on
        PostgreSQL listens for every process's."""
        if self._listener is not None:
            self._listener.start()
        self._commit_hook = notifications.CommitHook(engines, {self._channel: self.forget})
        self._commit_hook.install()

    async def close(self) -> None:
        if self._listener is not None:
            await self._listener.stop()
        if self._commit_hook is not None:
            self._commit_hook.remove()

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    @property
    def listening(self) -> bool:
        return self._listener is not None and self._listener.listening

    def forget(self, payload: str) -> None:
        """Drops the entry a notice's payload names."""
        self._generation += 1
        self._entries.pop(self._key_of.pop(payload, payload), None)

    def forget_all(self) -> None:
        self._generation += 1
        self._entries.clear()
        self._key_of.clear()

    async def get(self, key: str) -> V | None:
        """What is at `key` (None: nothing), from the cache while it holds a live entry."""
        now = time.monotonic()
        entry = self._entries.get(key)
        if entry is not None and entry[0] > now:
            return entry[1]
        generation = self._generation
        value = await self._read(key)
        if generation == self._generation and self._ttl > 0:
            self._entries[key] = (now + self._ttl, value)
            notice = self._notice_of(value) if value is not None else None
            if notice is not None:
                self._key_of[notice] = key
        return value

    async def _read(self, key: str) -> V | None:
        raise NotImplementedError

    def _notice_of(self, value: V) -> str | None:
        """The payload of the notices that drop `value`'s entry, when not its key."""
        return None
