"""Migrations 0009 and 0010 go down and up again, on a database of their own."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from db.engine import create_engine
from db.migrate import alembic_config
from db.models import User
from db.models.search_indexes import POSTGRESQL_ONLY_INDEXES, trigram_index_name
from db.scratch import scratch_database
from tests.databases import POSTGRES_ADMIN_DSN
from tests.factories import create_partner, create_tenant, create_user

BEFORE = "0008"
BOTH = {"ix_users_tenant_id_last_sign_in_at", "ix_audit_events_created_at_result"}


@pytest.fixture
async def engine(db_kind: str, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    async with scratch_database(
        db_kind, tmp_path, postgres_admin_dsn=POSTGRES_ADMIN_DSN, label="steps"
    ) as url:
        engine = create_engine(url)
        try:
            yield engine
        finally:
            await engine.dispose()


async def migrate(engine: AsyncEngine, revision: str) -> None:
    config = alembic_config(engine.url.render_as_string(hide_password=False))

    def run(connection: Connection) -> None:
        config.attributes["connection"] = connection
        if revision == "head":
            command.upgrade(config, revision)
        else:
            command.downgrade(config, revision)

    async with engine.begin() as connection:
        await connection.run_sync(run)


async def state(engine: AsyncEngine) -> tuple[set[str], set[str]]:
    """The users table's columns and the index names of users, audit events and the
    searched tables."""

    def read(connection: Connection) -> tuple[set[str], set[str]]:
        inspector = inspect(connection)
        columns = {c["name"] for c in inspector.get_columns("users")}
        tables = ("users", "audit_events", "groups", "tenants", "partners", "applications")
        indexes = {str(i["name"]) for t in tables for i in inspector.get_indexes(t)}
        return columns, indexes

    async with engine.connect() as connection:
        return await connection.run_sync(read)


async def test_down_to_0008_and_up_again(engine: AsyncEngine, db_kind: str) -> None:
    # given: a database at the newest revision
    columns, indexes = await state(engine)
    assert "last_sign_in_at" in columns
    expected = BOTH | (POSTGRESQL_ONLY_INDEXES if db_kind == "postgresql" else set())
    assert expected <= indexes
    if db_kind == "sqlite":
        assert not POSTGRESQL_ONLY_INDEXES & indexes

    # when: down, then up
    await migrate(engine, BEFORE)
    down_columns, down_indexes = await state(engine)
    await migrate(engine, "head")
    up_columns, up_indexes = await state(engine)

    # then
    assert "last_sign_in_at" not in down_columns
    assert not (BOTH | POSTGRESQL_ONLY_INDEXES) & down_indexes
    assert (up_columns, up_indexes) == (columns, indexes)


async def test_a_case_insensitive_contains_finds_rows_and_on_postgresql_uses_the_index(
    engine: AsyncEngine, db_kind: str
) -> None:
    # given: one user whose address holds "ann" in capitals
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    tenant = await create_tenant(sessions, partner=await create_partner(sessions))
    ann = await create_user(sessions, tenant=tenant, email="Joanne.Smith@Example.com")
    await create_user(sessions, tenant=tenant, email="bob@example.com")
    statement = select(User.id).where(User.email.icontains("ANN"))
    compiled = str(statement.compile(engine, compile_kwargs={"literal_binds": True}))

    # when
    async with engine.connect() as connection:
        found = list((await connection.execute(statement)).scalars())
        if db_kind == "postgresql":
            # On a tiny table a scan is cheapest; forbidding it shows the index applies.
            await connection.execute(text("SET enable_seqscan = off"))
            plan = "\n".join((await connection.execute(text(f"EXPLAIN {compiled}"))).scalars())

    # then
    assert found == [ann.id]
    if db_kind == "postgresql":
        assert "users.email ILIKE" in compiled
        assert trigram_index_name("users", "email") in plan
    else:
        assert "lower(users.email) LIKE" in compiled
