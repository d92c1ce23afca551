"""A read session runs its statements without a transaction around them (no BEGIN and
ROLLBACK round trips); a write keeps its transaction."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from resolvers.context import RequestContext


async def _in_transaction(session: AsyncSession) -> bool:
    """Whether the database connection under `session` is inside a transaction now."""
    connection = await session.connection()
    raw: Any = (await connection.get_raw_connection()).driver_connection
    if hasattr(raw, "is_in_transaction"):  # asyncpg
        return bool(raw.is_in_transaction())
    return bool(raw.in_transaction)  # aiosqlite


def _context(app: FastAPI) -> RequestContext:
    return RequestContext(
        principal=None, sessions=app.state.sessions, write_sessions=app.state.write_sessions
    )


class TestReadSessions:
    async def test_a_read_runs_its_statements_outside_any_transaction(self, app: FastAPI) -> None:
        # given: the engine has connected once (it then knows the server's isolation level)
        context = _context(app)
        async with context.read() as session:
            await session.execute(text("SELECT 0"))

        # when
        async with context.read() as session:
            first = (await session.execute(text("SELECT 1"))).scalar_one()
            second = (await session.execute(text("SELECT 2"))).scalar_one()
            in_transaction = await _in_transaction(session)

        # then
        assert (first, second) == (1, 2)
        assert in_transaction is False

    async def test_a_write_keeps_its_transaction_after_reads(self, app: FastAPI) -> None:
        # given: reads have run on the pool's connections (on PostgreSQL, one pool for both)
        context = _context(app)
        for _ in range(3):
            async with context.read() as session:
                await session.execute(text("SELECT 1"))

        # when
        async with context.transaction() as session:
            await session.execute(text("SELECT 1"))
            in_transaction = await _in_transaction(session)

        # then
        assert in_transaction is True
