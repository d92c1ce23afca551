"""The audit spool: events the database could not take wait on local disk until it can.

An event written on its own (`resolvers.audit.record_alone`: refusals, failures, refused
tokens and sign-ins) has no write to fail with it. When its transaction fails, the event
(its id, its time, everything) is appended as one JSON line to this process's spool file
and fsync'd before the request goes on. The drainer writes spooled events when the database
answers again, each once: the insert keeps the event's own id and skips an id already
stored, so a crash between an insert and the removal of its file cannot duplicate an event.

Files: `<directory>/audit-<pid>-<random>.jsonl`, one per segment. A process holds an
exclusive `flock` on its segments for as long as it lives; a segment whose lock can be
taken belongs to a process that is gone, and any process that drains takes it over. A
drain seals the segment being written (later events start a new one), writes the sealed
segment's events and deletes its file. Events the database refuses while it answers (a
value it cannot store) would block the spool for ever: they are set aside in
`rejected.jsonl` in the same directory, with an error in the log.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import json
import os
import secrets
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO, Protocol

import structlog

logger = structlog.stdlib.get_logger("scaigate.audit_spool")

SEGMENT_GLOB = "audit-*.jsonl"
REJECTED_FILE = "rejected.jsonl"
BATCH_SIZE = 500  # events written in one transaction
DRAIN_INTERVALS = (1.0, 2.0)  # seconds between drains: after 0, then 1 or more failures in a row
START_DRAIN_SECONDS = 10.0  # at start-up the spool is drained first, but not for longer
STOP_DRAIN_SECONDS = 5.0  # a last drain at shutdown, bounded like the start-up one

Event = dict[str, Any]  # the `audit_events` row by column name
# Writes events (an id already stored is skipped) and returns those the database refused
# while answering; raises while the database does not answer.
EventWriter = Callable[[list[Event]], Awaitable[list[Event]]]


class SpoolObserver(Protocol):
    """What the spool reports (the gateway's Prometheus metrics)."""

    def spooled(self) -> None: ...

    def drained(self, count: int) -> None: ...

    def pending(self, events: int, oldest_age_seconds: float) -> None: ...


def encode(event: Event) -> bytes:
    line = {**event, "created_at": event["created_at"].isoformat()}
    return json.dumps(line, separators=(",", ":")).encode() + b"\n"


def decode(line: bytes) -> Event:
    """One spooled event; ValueError for a line that does not hold one."""
    if not line.endswith(b"\n"):
        raise ValueError("incomplete line (its write did not finish)")
    event = json.loads(line)
    if not isinstance(event, dict) or not isinstance(event.get("id"), str):
        raise ValueError("not an audit event")
    created_at = datetime.fromisoformat(str(event.get("created_at")))
    if created_at.tzinfo is None:
        raise ValueError("created_at without a time zone")
    event["created_at"] = created_at
    return event


@dataclass
class _Segment:
    path: Path
    file: BinaryIO  # holds the segment's flock while open
    events: int = 0
    oldest: datetime | None = None

    def release(self) -> None:
        self.file.close()


class AuditSpool:
    """This process's spool in `directory`; appends come from worker threads, drains from
    the event loop."""

    def __init__(self, directory: Path, observer: SpoolObserver | None = None) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.directory = directory
        self._observer = observer
        self._lock = threading.Lock()  # guards the segments; appends run in threads
        self._draining = asyncio.Lock()
        self._current: _Segment | None = None  # being appended to
        self._sealed: _Segment | None = None  # closed to appends, waiting to be drained

    @property
    def pending_events(self) -> int:
        with self._lock:
            return sum(segment.events for segment in self._segments())

    def oldest_age_seconds(self) -> float:
        """Seconds since the oldest event this process holds was raised (0 when none)."""
        with self._lock:
            times = [s.oldest for s in self._segments() if s.oldest is not None]
        return (datetime.now(UTC) - min(times)).total_seconds() if times else 0.0

    def has_work(self) -> bool:
        """Whether a drain would find anything: events of this process, or another's files."""
        return self.pending_events > 0 or bool(self._foreign_segments())

    async def append(self, event: Event) -> None:
        """Keeps `event` on disk (written and fsync'd) until a drain writes it."""
        await asyncio.to_thread(self._append, encode(event), event["created_at"])
        if self._observer is not None:
            self._observer.spooled()
        self.report()

    async def drain(self, write: EventWriter) -> int:
        """Writes the events of this process and of processes that are gone; returns how many.

        Raises what `write` raises while the database does not answer; what was not written
        stays spooled for the next drain.
        """
        async with self._draining:
            drained = 0
            if self._sealed is not None:
                drained += await self._drain_segment(self._sealed, write)
                self._sealed = None
            with self._lock:
                self._sealed, self._current = self._current, None
            if self._sealed is not None:
                drained += await self._drain_segment(self._sealed, write)
                self._sealed = None
            for path in self._foreign_segments():
                segment = await asyncio.to_thread(_claim, path)
                if segment is None:
                    continue  # its process lives, or another drain took it first
                try:
                    drained += await self._drain_segment(segment, write)
                finally:
                    segment.release()
            self.report()
            return drained

    def report(self) -> None:
        if self._observer is not None:
            self._observer.pending(self.pending_events, self.oldest_age_seconds())

    def close(self) -> None:
        """Releases this process's segments; events still in them wait for the next process."""
        with self._lock:
            for segment in self._segments():
                segment.release()
            self._current = self._sealed = None

    def _segments(self) -> list[_Segment]:
        return [s for s in (self._sealed, self._current) if s is not None]

    def _foreign_segments(self) -> list[Path]:
        with self._lock:
            own = {segment.path for segment in self._segments()}
        return sorted(p for p in self.directory.glob(SEGMENT_GLOB) if p not in own)

    def _append(self, line: bytes, created_at: datetime) -> None:
        with self._lock:
            if self._current is None:
                self._current = _new_segment(self.directory)
            segment = self._current
            end = os.fstat(segment.file.fileno()).st_size
            try:
                segment.file.write(line)
                segment.file.flush()
                os.fsync(segment.file.fileno())
            except BaseException:
                # A half-written line (a full disk) would swallow the next one: cut it off.
                with contextlib.suppress(OSError):
                    segment.file.truncate(end)
                raise
            segment.events += 1
            if segment.oldest is None or created_at < segment.oldest:
                segment.oldest = created_at

    async def _drain_segment(self, segment: _Segment, write: EventWriter) -> int:
        events = await asyncio.to_thread(_read_events, segment.path)
        for start in range(0, len(events), BATCH_SIZE):
            refused = await write(events[start : start + BATCH_SIZE])
            if refused:
                await asyncio.to_thread(self._set_aside, refused)
        await asyncio.to_thread(segment.path.unlink, missing_ok=True)
        segment.release()
        if self._observer is not None and events:
            self._observer.drained(len(events))
        return len(events)

    def _set_aside(self, events: list[Event]) -> None:
        with _append_only(self.directory / REJECTED_FILE) as file:
            file.write(b"".join(encode(event) for event in events))
            file.flush()
            os.fsync(file.fileno())
        for event in events:
            logger.error("audit_event_rejected", event_id=event["id"], action=event.get("action"))


def _new_segment(directory: Path) -> _Segment:
    """A new segment, locked before it carries a name that other processes drain."""
    name = f"audit-{os.getpid()}-{secrets.token_hex(6)}.jsonl"
    starting = directory / f".{name}.new"
    file = _append_only(starting, exclusive=True)
    fcntl.flock(file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    path = directory / name
    starting.rename(path)
    _fsync_directory(directory)  # the file's name must survive a crash with its events
    return _Segment(path, file)


def _append_only(path: Path, *, exclusive: bool = False) -> BinaryIO:
    """`path` opened for appending, created readable by this user only: events name people."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | (os.O_EXCL if exclusive else 0)
    return os.fdopen(os.open(path, flags, 0o600), "ab")


def _claim(path: Path) -> _Segment | None:
    """The segment at `path` if its process is gone (its lock can be taken), else None."""
    try:
        file = path.open("rb")
    except FileNotFoundError:
        return None
    try:
        fcntl.flock(file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        # Another drain may have finished it (and deleted it) while we waited to open it.
        if os.stat(path).st_ino == os.fstat(file.fileno()).st_ino:
            return _Segment(path, file)
    except (BlockingIOError, FileNotFoundError):
        pass
    file.close()
    return None


def _read_events(path: Path) -> list[Event]:
    events: list[Event] = []
    with path.open("rb") as file:
        for number, line in enumerate(file, start=1):
            if not line.strip():
                continue
            try:
                events.append(decode(line))
            except ValueError as exc:
                logger.warning(
                    "audit_spool_line_skipped", file=path.name, line=number, reason=str(exc)[:200]
                )
    return events


def _fsync_directory(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


class SpoolDrainer:
    """Drains a spool at start-up, then in the background while it holds events."""

    def __init__(self, spool: AuditSpool, write: EventWriter) -> None:
        self.spool = spool
        self._write = write
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Drains what processes that are gone left behind, then keeps draining in the
        background; a database that does not answer yet does not hold up the start."""
        await self._drain_within(START_DRAIN_SECONDS, "audit_spool_drain_deferred")
        self._task = asyncio.create_task(self._run(), name="audit-spool-drainer")

    async def close(self) -> None:
        """Stops the background drain, tries once more, and releases this process's files."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self.spool.pending_events:
            await self._drain_within(STOP_DRAIN_SECONDS, "audit_spool_left_for_next_start")
        self.spool.close()

    async def _drain_within(self, seconds: float, message: str) -> None:
        try:
            async with asyncio.timeout(seconds):
                await self._drain()
        except Exception as exc:
            logger.warning(message, error=type(exc).__name__, pending=self.spool.pending_events)

    async def _drain(self) -> None:
        drained = await self.spool.drain(self._write)
        if drained:
            logger.info("audit_spool_drained", events=drained)

    async def _run(self) -> None:
        failures = 0
        while True:
            await asyncio.sleep(DRAIN_INTERVALS[min(failures, len(DRAIN_INTERVALS) - 1)])
            self.spool.report()
            if not self.spool.has_work():
                continue
            try:
                await self._drain()
                failures = 0
            except Exception as exc:
                failures += 1
                if failures == 1:  # one line per outage, not one per retry
                    logger.warning(
                        "audit_spool_drain_failed",
                        error=type(exc).__name__,
                        pending=self.spool.pending_events,
                    )
