"""Test databases: a fresh SQLite file or a fresh PostgreSQL database, built by the migrations."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from db.base import Base
from db.scratch import scratch_database

POSTGRES_ADMIN_DSN = os.environ.get(
    "SCAIGATE_TEST_POSTGRES_DSN", "postgresql://postgres@127.0.0.1:5432/postgres"
)


@asynccontextmanager
async def fresh_database(kind: str, workdir: Path) -> AsyncIterator[str]:
    """Yields the SQLAlchemy URL of a new, migrated database of `kind`; drops it afterwards."""
    async with scratch_database(
        kind, workdir, postgres_admin_dsn=POSTGRES_ADMIN_DSN, label="test"
    ) as url:
        yield url


async def empty_all_tables(engine: AsyncEngine) -> None:
    tables = [table.name for table in reversed(Base.metadata.sorted_tables)]
    async with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            await connection.execute(text(f"TRUNCATE {', '.join(tables)} CASCADE"))
        else:
            for table in tables:
                await connection.execute(text(f"DELETE FROM {table}"))
