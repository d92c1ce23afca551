"""Whether an error means "the database cannot be reached right now".

One classification for every surface: GraphQL, REST, sign-in and the token endpoint answer
such an error with 503 `SERVICE_UNAVAILABLE` (and `Retry-After`) instead of masking it as an
unexpected error, and the engine treats it as a disconnect so that the pool drops the
connection it came from.
"""

from __future__ import annotations

import socket
import sqlite3
from collections.abc import Iterator

import asyncpg
from sqlalchemy import exc as sa_exc

# PostgreSQL refusing or ending sessions while it stops, starts or crashes, or when it has no
# connection slot left. QueryCanceledError shares their class (57) but is a statement
# timeout, not an outage.
_POSTGRES_OUTAGES: tuple[type[BaseException], ...] = (
    asyncpg.PostgresConnectionError,
    asyncpg.exceptions.AdminShutdownError,
    asyncpg.exceptions.CrashShutdownError,
    asyncpg.exceptions.CannotConnectNowError,
    asyncpg.exceptions.TooManyConnectionsError,
    asyncpg.exceptions.ConnectionDoesNotExistError,
)
# Sockets: refused, reset, aborted, broken pipe, an unknown host, a connect that timed out.
_NETWORK: tuple[type[BaseException], ...] = (ConnectionError, socket.gaierror, TimeoutError)
_SQLITE_OUTAGES = ("unable to open database file", "disk i/o error")


def _causes(error: BaseException) -> Iterator[BaseException]:
    """The error, what it was raised from, and the DBAPI error a SQLAlchemy error wraps."""
    seen: set[int] = set()
    pending: list[BaseException | None] = [error]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        pending.append(current.__cause__)
        orig = getattr(current, "orig", None)
        if isinstance(orig, BaseException):
            pending.append(orig)


def outage_cause(error: BaseException) -> BaseException | None:
    """The error (or the cause of it) that shows the database unavailable; None otherwise."""
    for cause in _causes(error):
        if isinstance(cause, sa_exc.DBAPIError) and cause.connection_invalidated:
            return cause.orig if isinstance(cause.orig, BaseException) else cause
        if isinstance(cause, sa_exc.TimeoutError | sa_exc.DisconnectionError):
            return cause  # no pooled connection came free in time, or none could be made
        if isinstance(cause, _POSTGRES_OUTAGES + _NETWORK):
            return cause
        if isinstance(cause, asyncpg.InterfaceError) and "connection is closed" in str(cause):
            return cause
        if isinstance(cause, sqlite3.OperationalError) and str(cause).lower() in _SQLITE_OUTAGES:
            return cause
    return None


def is_database_unavailable(error: BaseException) -> bool:
    return outage_cause(error) is not None


def describe_outage(cause: BaseException) -> str:
    """A short, single-line account of `cause` for a log line (no statement, no traceback)."""
    first_line = (str(cause).strip().splitlines() or [""])[0]
    return f"{type(cause).__name__}: {first_line[:200]}".rstrip(": ")
