"""Prepared statements on the driver connection read what SQLAlchemy's execute reads."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI
from sqlalchemy import String, any_, bindparam, func, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from db.engine import count_statements
from db.models import User
from db.prepared import driver_reads, prepare
from tests.factories import create_partner, create_tenant, create_user

USERS = User.__table__


def _engine(app: FastAPI) -> AsyncEngine:
    engine: AsyncEngine = app.state.engine
    return engine


async def _executed(
    sessions: async_sessionmaker[AsyncSession], statement: Any
) -> list[tuple[Any, ...]]:
    async with sessions() as session:
        return [tuple(row) for row in (await session.execute(statement)).all()]


class TestDriverReads:
    async def test_rows_are_what_sqlalchemy_reads_typed_columns_included(
        self, app: FastAPI, db: None, sessions: async_sessionmaker[AsyncSession]
    ) -> None:
        # given: datetimes (with and without microseconds, and null), booleans, JSON, text
        partner = await create_partner(sessions)
        tenant = await create_tenant(sessions, partner=partner)
        signed_in = datetime(2026, 3, 4, 5, 6, 7, 890123, tzinfo=UTC)
        await create_user(
            sessions,
            tenant=tenant,
            email="a@example.com",
            last_sign_in_at=signed_in,
            mfa_enabled=True,
            custom_attributes={"team": "blue", "n": [1, 2]},
        )
        await create_user(
            sessions,
            tenant=tenant,
            email="b@example.com",
            last_sign_in_at=datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC),
        )
        await create_user(sessions, tenant=tenant, email="c@example.com")
        engine = _engine(app)
        statement = (
            select(
                USERS.c.id,
                USERS.c.email,
                USERS.c.last_sign_in_at,
                USERS.c.created_at,
                USERS.c.mfa_enabled,
                USERS.c.custom_attributes,
                USERS.c.display_name,
            )
            .where(USERS.c.tenant_id == tenant.id)
            .order_by(USERS.c.email)
        )

        # when
        async with driver_reads(engine, transaction=False) as reads:
            read = await reads.rows(prepare(statement, engine.dialect), {})

        # then
        expected = await _executed(sessions, statement)
        assert [tuple(row) for row in read] == expected
        assert [row[4] for row in read] == [True, False, False]
        assert all(type(row[4]) is bool for row in read)
        assert read[0][2] == signed_in and read[0][2].tzinfo is UTC
        assert read[2][2] is None
        assert read[0][5] == {"team": "blue", "n": [1, 2]}

    async def test_a_list_parameter_binds_on_either_database(
        self, app: FastAPI, db: None, sessions: async_sessionmaker[AsyncSession]
    ) -> None:
        # given
        partner = await create_partner(sessions)
        tenant = await create_tenant(sessions, partner=partner)
        users = [await create_user(sessions, tenant=tenant) for _ in range(3)]
        engine = _engine(app)
        if engine.dialect.name == "postgresql":
            among = USERS.c.id == any_(bindparam("ids", type_=ARRAY(String)))
        else:
            among = USERS.c.id.in_(bindparam("ids", expanding=True))
        prepared = prepare(select(USERS.c.id).where(among).order_by(USERS.c.id), engine.dialect)
        wanted = sorted(user.id for user in users[:2])

        # when
        async with driver_reads(engine, transaction=False) as reads:
            two = await reads.rows(prepared, {"ids": wanted})
            none = await reads.rows(prepared, {"ids": ["usr_missing"]})

        # then
        assert [row[0] for row in two] == wanted
        assert list(none) == []

    async def test_an_equivalent_statement_runs_with_its_own_values(
        self, app: FastAPI, db: None, sessions: async_sessionmaker[AsyncSession]
    ) -> None:
        # given: a statement prepared under its cache key, and one of the same shape
        partner = await create_partner(sessions)
        tenant = await create_tenant(sessions, partner=partner)
        await create_user(sessions, tenant=tenant, email="one@example.com")
        await create_user(sessions, tenant=tenant, email="two@example.com")
        engine = _engine(app)

        def by_email(email: str) -> Any:
            return select(USERS.c.email).where(USERS.c.email == email).limit(5)

        first = by_email("one@example.com")
        prepared = prepare(first, engine.dialect, first._generate_cache_key())
        other = by_email("two@example.com")
        key = other._generate_cache_key()
        assert key is not None

        # when
        async with driver_reads(engine, transaction=False) as reads:
            read = await reads.rows(prepared, {}, key.bindparams)

        # then
        assert [row[0] for row in read] == ["two@example.com"]

    async def test_each_statement_is_counted_inside_a_transaction_too(
        self, app: FastAPI, db: None
    ) -> None:
        # given
        engine = _engine(app)
        prepared = prepare(select(func.count()).select_from(USERS), engine.dialect)

        # when
        with count_statements() as counter:
            async with driver_reads(engine, transaction=True) as reads:
                counts = [await reads.rows(prepared, {}) for _ in range(3)]

        # then
        assert counter.count == 3
        assert [rows[0][0] for rows in counts] == [0, 0, 0]
