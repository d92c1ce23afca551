"""Engine and session factory, plus the per-request SQL statement counter.

Pooled PostgreSQL connections that broke while idle (the server restarted, a proxy cut them)
are found out at checkout without a round trip: asyncpg knows its socket is closed. The first
such connection invalidates the whole pool, since they all went the same way, and the pool
connects anew. An error that shows the database unavailable (`db.availability`) invalidates
the connection it came from, whatever the driver calls it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import ExceptionContext, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from db import json_text
from db.availability import is_database_unavailable


@dataclass
class StatementCounter:
    count: int = 0


_current_counter: ContextVar[StatementCounter | None] = ContextVar(
    "scaigate_statement_counter", default=None
)


@contextmanager
def count_statements() -> Iterator[StatementCounter]:
    """Counts the SQL statements run by this task and the tasks it starts."""
    counter = StatementCounter()
    token = _current_counter.set(counter)
    try:
        yield counter
    finally:
        _current_counter.reset(token)


def note_statement() -> None:
    """Counts one statement run on a driver connection directly (`db.prepared`), which
    SQLAlchemy's `before_cursor_execute` does not see."""
    counter = _current_counter.get()
    if counter is not None:
        counter.count += 1


def _on_execute(*_: Any) -> None:
    note_statement()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def _sqlite_manual_transactions(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event issue BEGIN itself (see `_sqlite_begin_immediate`).
    dbapi_connection.isolation_level = None


def _sqlite_begin_immediate(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def _discard_closed(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    driver_connection = getattr(dbapi_connection, "driver_connection", None)
    if driver_connection is not None and driver_connection.is_closed():
        # The pool then drops every connection made before now and retries with a new one.
        raise sa_exc.InvalidatePoolError("the pooled connection was closed while idle")


def _outage_is_disconnect(context: ExceptionContext) -> None:
    if not context.is_disconnect and is_database_unavailable(context.original_exception):
        context.is_disconnect = True


def create_engine(
    url: str,
    *,
    pool_size: int = 10,
    for_writes: bool = False,
    pool_timeout: float = 30.0,
    connect_timeout: float | None = None,
    pre_ping: bool = False,
) -> AsyncEngine:
    """An engine for `url`. On SQLite, `for_writes` makes every transaction take the write
    lock at BEGIN, so read-check-write sequences (limits, uniqueness) serialize instead of
    failing with SQLITE_BUSY when two writers upgrade from the same snapshot.

    On PostgreSQL, `pool_timeout` bounds the wait for a pooled connection and
    `connect_timeout` the making of a new one, so that a request during an outage fails
    fast; `pre_ping` tests each connection with a round trip at checkout. Statement
    parameters stay out of error messages (and so out of logs): they may hold secrets.
    """
    if is_sqlite(url):
        engine = create_async_engine(url, hide_parameters=True, json_deserializer=json_text.loads)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        if for_writes:
            event.listen(engine.sync_engine, "connect", _sqlite_manual_transactions)
            event.listen(engine.sync_engine, "begin", _sqlite_begin_immediate)
    else:
        engine = create_async_engine(
            url,
            pool_size=pool_size,
            max_overflow=pool_size,
            pool_timeout=pool_timeout,
            pool_pre_ping=pre_ping,
            hide_parameters=True,
            json_deserializer=json_text.loads,
            connect_args={} if connect_timeout is None else {"timeout": connect_timeout},
        )
        event.listen(engine.sync_engine.pool, "checkout", _discard_closed)
        event.listen(engine.sync_engine, "handle_error", _outage_is_disconnect)
    event.listen(engine.sync_engine, "before_cursor_execute", _on_execute)
    return engine


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)
