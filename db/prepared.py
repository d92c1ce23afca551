"""Statements compiled once to their SQL text, run on the driver's own connection.

SQLAlchemy's `execute` does, per statement, work that a statement run many times with the
same shape does not need: a cache key computed from the statement's tree, the compiled
cache looked up, an execution context, a cursor wrapper (and on asyncpg a greenlet switch
and an adapted cursor), and a `Result` whose rows are built one by one. A `Prepared`
statement is compiled by SQLAlchemy once, for one dialect: its SQL text, the names of its
positional parameters in order, their bind processors, and the result processor of each
column (the type conversions SQLAlchemy applies to what the driver returns: on SQLite text
to datetimes, integers to booleans, text to JSON; `UTCDateTime`'s UTC). `DriverReads` runs
it on the pooled connection's driver connection (asyncpg's `fetch`, which keeps prepared
statements per connection; aiosqlite's `execute_fetchall`) and returns tuples.

The connection comes from the engine's pool through SQLAlchemy, so checkout checks, pool
limits and invalidation stay the pool's; each statement is counted as
`before_cursor_execute` counts one (`db.engine.note_statement`), and an error that shows
the database unavailable invalidates the connection, as `handle_error` does for statements
run through SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import PoolProxiedConnection
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ClauseElement
from sqlalchemy.util import greenlet_spawn

from db.availability import is_database_unavailable
from db.base import UTCDateTime
from db.engine import note_statement

Processor = Callable[[Any], Any]
Row = tuple[Any, ...]


@dataclass(frozen=True, eq=False)
class Prepared:
    """One statement compiled for one dialect: what running it needs besides its values."""

    sql: str
    names: tuple[str, ...]  # the positional parameters, in order
    binds: tuple[Processor | None, ...]  # each parameter's bind processor
    convert: Callable[[Sequence[Any]], Row] | None  # a row from the driver's row; None: as is
    columns: tuple[str, ...]  # the result columns' keys
    compiled: SQLCompiler
    expanding: bool  # has parameters rendered per execution (an expanding IN)

    def arguments(
        self, values: Mapping[str, Any], extracted: Sequence[Any] | None = None
    ) -> tuple[str, list[Any]]:
        """The SQL text and positional values for `values` (by parameter name; those not
        given are the statement's own, or those of `extracted`: the bind parameters of an
        equivalent statement's cache key)."""
        compiled = self.compiled
        if self.expanding:
            # Expanding parameters change the text with the number of values.
            constructed = compiled.construct_params(values, extracted_parameters=extracted)
            state = compiled.construct_expanded_state(constructed)
            processors = state.processors
            positional = []
            for name in state.positiontup or ():
                value = state.parameters[name]
                process: Processor | None = processors.get(name)
                positional.append(value if process is None else process(value))
            return state.statement, positional
        if extracted is None and len(values) == len(self.names):
            given = values
        else:
            given = compiled.construct_params(values, extracted_parameters=extracted)
        positional = []
        for name, process in zip(self.names, self.binds, strict=True):
            value = given[name]
            positional.append(value if process is None or value is None else process(value))
        return self.sql, positional


def prepare(statement: ClauseElement, dialect: Dialect, cache_key: Any = None) -> Prepared:
    """`statement` compiled for `dialect` (with the cache key it was found under, if any, so
    that the bind parameters of equivalent statements can be given to it)."""
    compiled = statement.compile(dialect=dialect, cache_key=cache_key)
    assert isinstance(compiled, SQLCompiler)
    names = tuple(compiled.positiontup or ())
    processors: Mapping[str, Any] = compiled._bind_processors
    binds = tuple(processors.get(name) for name in names)
    expanding = any(bind.expanding or bind.literal_execute for bind in compiled.binds.values())
    columns = tuple(entry.keyname for entry in compiled._result_columns)
    converters: list[tuple[Any, Processor | None]] = [
        (entry.type, entry.type._cached_result_processor(dialect, None))
        for entry in compiled._result_columns
    ]
    return Prepared(
        sql=compiled.string,
        names=names,
        binds=binds,
        convert=_converter(converters),
        columns=columns,
        compiled=compiled,
        expanding=expanding,
    )


def _converter(converters: list[tuple[Any, Processor | None]]) -> Callable[[Any], Row] | None:
    """A function converting a driver's row by the columns' result processors, generated for
    the statement (one expression per column), or None where no column has a processor."""
    if all(process is None for _, process in converters):
        return None
    namespace: dict[str, Any] = {"datetime": datetime, "UTC": UTC}
    lines = ["def convert(row):"]
    items = []
    for index, (type_, process) in enumerate(converters):
        value = f"v{index}"
        lines.append(f"    {value} = row[{index}]")
        if process is not None:
            namespace[f"p{index}"] = process
            if isinstance(type_, UTCDateTime):
                # The driver's own aware UTC datetime (asyncpg's) is what the processor
                # would return; anything else (SQLite's text, another zone) goes through it.
                lines.append(
                    f"    if {value} is not None and not"
                    f" (type({value}) is datetime and {value}.tzinfo is UTC):"
                    f" {value} = p{index}({value})"
                )
            else:
                lines.append(f"    if {value} is not None: {value} = p{index}({value})")
        items.append(value)
    lines.append(f"    return ({', '.join(items)},)")
    exec(compile("\n".join(lines), "<row converter>", "exec"), namespace)
    convert: Callable[[Any], Row] = namespace["convert"]
    return convert


class DriverReads:
    """Reads on one pooled connection's driver connection (see the module's docstring)."""

    def __init__(self, pooled: PoolProxiedConnection, dialect: Dialect) -> None:
        self.pooled = pooled
        self.driver: Any = pooled.driver_connection
        self.dialect = dialect
        self.postgresql = dialect.name == "postgresql"

    async def rows(
        self,
        prepared: Prepared,
        values: Mapping[str, Any],
        extracted: Sequence[Any] | None = None,
    ) -> list[Any]:
        """The rows of `prepared` for these values, read by index."""
        sql, positional = prepared.arguments(values, extracted)
        note_statement()
        try:
            if self.postgresql:
                fetched: Sequence[Any] = await self.driver.fetch(sql, *positional)
            else:
                fetched = await self.driver.execute_fetchall(sql, positional)
        except Exception as exc:
            if is_database_unavailable(exc):
                # The pool connects anew rather than hand this connection out again.
                await greenlet_spawn(self.pooled.invalidate, exc)
            raise
        convert = prepared.convert
        if convert is None:
            return list(fetched)  # asyncpg's records and sqlite3's tuples read by index
        return [convert(row) for row in fetched]


@asynccontextmanager
async def driver_reads(engine: AsyncEngine, *, transaction: bool) -> AsyncIterator[DriverReads]:
    """Reads on a connection checked out of `engine`'s pool (its checkout checks run), given
    back when done; inside one transaction when `transaction` (PostgreSQL at a level
    stricter than READ COMMITTED, where reads share one snapshot)."""
    pooled = await engine.raw_connection()
    try:
        reads = DriverReads(pooled, engine.dialect)
        if transaction and reads.postgresql:
            async with reads.driver.transaction():
                yield reads
        else:
            yield reads
    finally:
        # Back to the pool, which resets it (a rollback, a no-op where nothing began).
        await greenlet_spawn(pooled.close)
