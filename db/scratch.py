"""Throw-away databases for the test suite and the benchmark: a new SQLite file or a new
PostgreSQL database, built by the migrations and dropped afterwards."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg

from db.migrate import upgrade


@asynccontextmanager
async def scratch_database(
    kind: str, workdir: Path, *, postgres_admin_dsn: str, label: str
) -> AsyncIterator[str]:
    """Yields the SQLAlchemy URL of a new, migrated database of `kind`.

    `postgres_admin_dsn` (a libpq URL) names a server and a user allowed to create databases.
    """
    if kind == "sqlite":
        url = f"sqlite+aiosqlite:///{workdir / f'{label}-{uuid.uuid4().hex[:8]}.db'}"
        await upgrade(url)
        yield url
        return
    if kind != "postgresql":
        raise ValueError(f"unknown database kind {kind!r}: use sqlite or postgresql")
    name = f"scaigate_{label}_{uuid.uuid4().hex[:12]}"
    try:
        admin = await asyncpg.connect(postgres_admin_dsn)
    except (OSError, asyncpg.PostgresError) as exc:
        raise RuntimeError(
            f"PostgreSQL is not reachable at {postgres_admin_dsn} ({exc}); start it first"
        ) from exc
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    base = postgres_admin_dsn.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    url = f"{base}/{name}"
    try:
        await upgrade(url)
        yield url
    finally:
        admin = await asyncpg.connect(postgres_admin_dsn)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()
