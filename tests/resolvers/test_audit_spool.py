"""The audit spool on its own: append (fsync'd, readable by another reader), drain once each,
crash leftovers (partial lines, files of processes that are gone, events already stored),
and events `record_alone` could not write."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.principals import Principal, Role
from db.engine import create_engine, create_sessionmaker, is_sqlite
from db.models import AuditEvent
from resolvers import audit
from resolvers.audit import AuditResult, event_row, write_spooled
from resolvers.audit_log import NO_FILTER
from resolvers.audit_spool import REJECTED_FILE, SEGMENT_GLOB, AuditSpool, EventWriter, decode
from resolvers.context import RequestContext, RequestMeta
from tests.gateway.test_audit_feed import subscribed
from tests.gateway.test_served_process import free_port

Sessions = async_sessionmaker[AsyncSession]


@pytest.fixture
def write(app: FastAPI) -> EventWriter:
    """Writes to the test database as the gateway's drainer does."""
    return partial(write_spooled, app.state.write_sessions)


@pytest.fixture
async def unreachable(database_url: str, tmp_path: Path) -> AsyncIterator[Sessions]:
    """Sessions on a database that cannot be reached: nothing listens on its port (PostgreSQL),
    its directory does not exist (SQLite)."""
    if is_sqlite(database_url):
        url = f"sqlite+aiosqlite:///{tmp_path / 'missing' / 'scaigate.db'}"
    else:
        url = make_url(database_url).set(port=free_port()).render_as_string(hide_password=False)
    engine = create_engine(url)
    try:
        yield create_sessionmaker(engine)
    finally:
        await engine.dispose()


def context(sessions: Sessions, request_id: str, spool: AuditSpool | None = None) -> RequestContext:
    return RequestContext(
        principal=None,
        sessions=sessions,
        write_sessions=sessions,
        audit_spool=spool,
        meta=RequestMeta(request_id=request_id, ip="192.0.2.7", user_agent="spool-test"),
    )


def new_event(sessions: Sessions, number: int, **fields: Any) -> dict[str, Any]:
    event = event_row(
        context(sessions, f"spool-{number}"),
        "auth.token_rejected",
        result=AuditResult.FAILURE,
        metadata={"reason": "invalid", "number": number},
    )
    event.update(fields)
    return event


async def stored(sessions: Sessions, *ids: str) -> dict[str, tuple[Any, ...]]:
    """The stored events among `ids`: id → (created_at, action, result, request_id, metadata)."""
    async with sessions() as session:
        rows = await session.execute(
            select(
                AuditEvent.id,
                AuditEvent.created_at,
                AuditEvent.action,
                AuditEvent.result,
                AuditEvent.request_id,
                AuditEvent.event_metadata,
            ).where(AuditEvent.id.in_(ids))
        )
        return {row[0]: tuple(row[1:]) for row in rows}


async def count(sessions: Sessions, *ids: str) -> int:
    async with sessions() as session:
        statement = select(func.count()).where(AuditEvent.id.in_(ids))
        return int((await session.execute(statement)).scalar_one())


def as_stored(event: dict[str, Any]) -> tuple[Any, ...]:
    fields = ("created_at", "action", "result", "request_id", "metadata")
    return tuple(event[field] for field in fields)


def segments(directory: Path) -> list[Path]:
    return sorted(directory.glob(SEGMENT_GLOB))


async def left_behind(directory: Path, *events: dict[str, Any]) -> Path:
    """The spool file of a process that appended `events` and is gone (its lock released)."""
    before = set(segments(directory))
    gone = AuditSpool(directory)
    for event in events:
        await gone.append(event)
    gone.close()
    (path,) = set(segments(directory)) - before
    return path


class TestAppend:
    async def test_an_event_is_one_json_line_on_disk_when_append_returns(
        self, sessions: Sessions, tmp_path: Path
    ) -> None:
        # Given a spool
        spool = AuditSpool(tmp_path / "spool")
        event = new_event(sessions, 1)

        # When an event is appended
        await spool.append(event)

        # Then another reader finds it, whole, in this process's file
        (path,) = segments(tmp_path / "spool")
        lines = path.read_bytes().splitlines(keepends=True)
        assert [decode(line) for line in lines] == [event]
        assert path.stat().st_mode & 0o777 == 0o600  # events name people: owner only
        assert spool.pending_events == 1
        assert spool.oldest_age_seconds() >= 0
        spool.close()

    async def test_the_directory_is_created_when_missing(self, tmp_path: Path) -> None:
        spool = AuditSpool(tmp_path / "var" / "audit-spool")
        assert (tmp_path / "var" / "audit-spool").is_dir()
        assert spool.pending_events == 0
        spool.close()


class TestDrain:
    async def test_events_are_stored_once_with_their_own_id_and_time_and_the_file_goes(
        self, db: None, sessions: Sessions, write: EventWriter, tmp_path: Path
    ) -> None:
        # Given three spooled events
        spool = AuditSpool(tmp_path)
        events = [new_event(sessions, n) for n in range(3)]
        for event in events:
            await spool.append(event)

        # When the spool is drained, twice
        first = await spool.drain(write)
        second = await spool.drain(write)

        # Then each event is stored once, as it was raised, and nothing is left
        assert (first, second) == (3, 0)
        ids = [e["id"] for e in events]
        assert await stored(sessions, *ids) == {e["id"]: as_stored(e) for e in events}
        assert segments(tmp_path) == []
        assert spool.pending_events == 0
        spool.close()

    async def test_an_event_stored_before_a_crash_is_not_stored_again(
        self, db: None, sessions: Sessions, write: EventWriter, tmp_path: Path
    ) -> None:
        # Given a process that died after storing its first spooled event, before deleting
        # its file
        first, second = new_event(sessions, 1), new_event(sessions, 2)
        await left_behind(tmp_path, first, second)
        assert await write([first]) == []

        # When another process drains
        spool = AuditSpool(tmp_path)
        drained = await spool.drain(write)

        # Then both events are stored, once each
        assert drained == 2
        assert await count(sessions, first["id"], second["id"]) == 2
        assert set(await stored(sessions, first["id"], second["id"])) == {first["id"], second["id"]}
        assert segments(tmp_path) == []
        spool.close()

    async def test_a_partial_last_line_is_skipped_and_the_rest_stored(
        self, db: None, sessions: Sessions, write: EventWriter, tmp_path: Path
    ) -> None:
        # Given a file whose last write was cut short by a crash
        whole = [new_event(sessions, n) for n in range(2)]
        cut_short = new_event(sessions, 3)
        path = await left_behind(tmp_path, *whole)
        with path.open("ab") as file:
            file.write(b'{"id":"' + cut_short["id"].encode() + b'","created_at":"20')

        # When it is drained
        spool = AuditSpool(tmp_path)
        drained = await spool.drain(write)

        # Then the whole lines are stored, the partial one is not, and the file is gone
        assert drained == 2
        assert set(await stored(sessions, *(e["id"] for e in [*whole, cut_short]))) == {
            e["id"] for e in whole
        }
        assert segments(tmp_path) == []
        spool.close()

    async def test_a_file_of_a_live_process_waits_until_that_process_is_gone(
        self, db: None, sessions: Sessions, write: EventWriter, tmp_path: Path
    ) -> None:
        # Given another spool that holds an event and lives on (it holds its file's lock)
        other = AuditSpool(tmp_path)
        event = new_event(sessions, 1)
        await other.append(event)
        spool = AuditSpool(tmp_path)

        # When this spool drains, the other's file is left alone
        assert await spool.drain(write) == 0
        assert await count(sessions, event["id"]) == 0
        assert len(segments(tmp_path)) == 1

        # and once the other is gone, the next drain stores its event
        other.close()
        assert await spool.drain(write) == 1
        assert await count(sessions, event["id"]) == 1
        assert segments(tmp_path) == []
        spool.close()

    async def test_an_event_the_database_refuses_is_set_aside_and_the_others_stored(
        self, db: None, sessions: Sessions, write: EventWriter, tmp_path: Path
    ) -> None:
        # Given a spooled event the database cannot store (a required column is empty)
        spool = AuditSpool(tmp_path)
        good, bad, also_good = (
            new_event(sessions, 1),
            new_event(sessions, 2, actor_type=None),
            new_event(sessions, 3),
        )
        for event in (good, bad, also_good):
            await spool.append(event)

        # When the spool is drained
        drained = await spool.drain(write)

        # Then the others are stored, the refused one is kept in the rejected file, and the
        # spool is empty
        assert drained == 3
        assert set(await stored(sessions, good["id"], bad["id"], also_good["id"])) == {
            good["id"],
            also_good["id"],
        }
        rejected = (tmp_path / REJECTED_FILE).read_bytes().splitlines(keepends=True)
        assert [decode(line)["id"] for line in rejected] == [bad["id"]]
        assert segments(tmp_path) == []
        spool.close()

    async def test_while_the_database_is_away_events_stay_spooled(
        self,
        db: None,
        sessions: Sessions,
        unreachable: Sessions,
        write: EventWriter,
        tmp_path: Path,
    ) -> None:
        # Given a spooled event
        spool = AuditSpool(tmp_path)
        event = new_event(sessions, 1)
        await spool.append(event)

        # When a drain cannot reach the database
        with pytest.raises(Exception):  # noqa: B017 - whatever the driver raises for it
            await spool.drain(partial(write_spooled, unreachable))

        # Then the event stays spooled, and the next drain that reaches it stores it
        assert spool.pending_events == 1
        assert len(segments(tmp_path)) == 1
        assert await spool.drain(write) == 1
        assert await stored(sessions, event["id"]) == {event["id"]: as_stored(event)}
        spool.close()


class TestLiveFeed:
    async def test_drained_events_reach_live_subscribers_and_stored_ones_are_not_repeated(
        self, db: None, app: FastAPI, sessions: Sessions, write: EventWriter, tmp_path: Path
    ) -> None:
        # Given an event stored before its spool was drained, and then a live subscriber
        already, late = new_event(sessions, 1), new_event(sessions, 2)
        reader = RequestContext(
            principal=Principal(role=Role.SUPER_ADMIN, subject="usr_spool"),
            sessions=app.state.sessions,
        )
        # (the stored event's own notice handed out before the subscriber comes: on PostgreSQL
        # it arrives asynchronously, and a subscriber that came first would rightly get it)
        probe = app.state.audit_feed.follow(reader, NO_FILTER)
        noticed = asyncio.create_task(anext(probe))
        await subscribed(app)
        assert await write([already]) == []
        assert (await noticed).id == already["id"]
        await probe.aclose()
        await subscribed(app, 0)
        events = app.state.audit_feed.follow(reader, NO_FILTER)
        first = asyncio.create_task(anext(events))
        await subscribed(app)

        # When a spool holding both is drained
        spool = AuditSpool(tmp_path)
        await spool.append(already)
        await spool.append(late)
        assert await spool.drain(write) == 2

        # Then the subscriber is told of the event the drain stored, not of the other again
        assert (await first).id == late["id"]
        await events.aclose()
        spool.close()


class TestRecordAlone:
    async def test_an_event_the_database_cannot_take_is_spooled_then_stored_as_raised(
        self,
        db: None,
        sessions: Sessions,
        unreachable: Sessions,
        write: EventWriter,
        tmp_path: Path,
    ) -> None:
        # Given a request whose database does not answer
        spool = AuditSpool(tmp_path)
        request = context(unreachable, "spool-alone", spool)

        # When a refusal is recorded
        event_id = await audit.record_alone(
            request, "partner.create", result=AuditResult.DENIED, metadata={"code": "FORBIDDEN"}
        )

        # Then it is spooled, whole, under its id
        (path,) = segments(tmp_path)
        (spooled,) = [decode(line) for line in path.read_bytes().splitlines(keepends=True)]
        assert spooled["id"] == event_id
        assert (spooled["action"], spooled["result"], spooled["request_id"]) == (
            "partner.create",
            "denied",
            "spool-alone",
        )
        # and stored as it was raised once the database is back
        assert await spool.drain(write) == 1
        assert await stored(sessions, event_id) == {event_id: as_stored(spooled)}
        spool.close()

    async def test_without_a_spool_the_failure_reaches_the_caller(
        self, unreachable: Sessions
    ) -> None:
        with pytest.raises(Exception):  # noqa: B017 - whatever the driver raises for it
            await audit.record_alone(context(unreachable, "spool-none"), "partner.create")
