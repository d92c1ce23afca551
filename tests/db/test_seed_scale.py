"""The scale data set (`db.seed_scale`), small, on both databases."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from fastapi import FastAPI
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from ulid import ULID

from db.base import utcnow
from db.ids import IdPrefix
from db.models import AuditEvent, Partner, SsoSession, Tenant, User
from db.seed_scale import ScalePlan, seed_scale, seed_scale_into, time_ordered_ids
from tests.factories import create_partner

PLAN = ScalePlan(users=2_000, audit_events=5_000)


async def seeded(app: FastAPI, plan: ScalePlan = PLAN) -> tuple[dict[str, int], list[int]]:
    steps: list[int] = []
    async with app.state.engine.begin() as connection:
        report = await seed_scale_into(connection, plan, progress=steps.append)
    return report.rows, steps


class TestScaleSeed:
    async def test_writes_the_plans_rows_and_reports_progress(
        self, db: None, app: FastAPI, sessions: async_sessionmaker[AsyncSession]
    ) -> None:
        rows, steps = await seeded(app)

        assert rows == {
            "partners": 2,
            "tenants": 5,
            "users": 2_000,
            "sessions": 20,
            "audit_events": 5_000,
        }
        assert sum(steps) == PLAN.total_rows
        async with sessions() as session:
            for model, table in ((User, "users"), (AuditEvent, "audit_events")):
                stored = await session.scalar(select(func.count()).select_from(model))
                assert stored == rows[table]

    async def test_one_tenant_holds_most_users_and_most_have_signed_in(
        self, db: None, app: FastAPI, sessions: async_sessionmaker[AsyncSession]
    ) -> None:
        await seeded(app)

        async with sessions() as session:
            per_tenant = dict(
                (
                    await session.execute(
                        select(User.tenant_id, func.count()).group_by(User.tenant_id)
                    )
                ).all()
            )
            signed_in = await session.scalar(
                select(func.count()).where(User.last_sign_in_at.is_not(None))
            )
            emails = await session.scalar(select(func.count(func.distinct(User.email))))
            partners_of_tenants = set((await session.scalars(select(Tenant.partner_id))).all())

        assert sorted(per_tenant.values(), reverse=True) == [1_800, 50, 50, 50, 50]
        assert 0.75 * 2_000 < (signed_in or 0) < 0.95 * 2_000
        assert emails == 2_000
        assert len(partners_of_tenants) == 2

    async def test_audit_events_span_the_days_in_time_order_with_varied_actions(
        self, db: None, app: FastAPI, sessions: async_sessionmaker[AsyncSession]
    ) -> None:
        before = utcnow()
        await seeded(app)

        async with sessions() as session:
            events = (
                await session.execute(
                    select(
                        AuditEvent.id, AuditEvent.created_at, AuditEvent.action, AuditEvent.result
                    ).order_by(AuditEvent.id)
                )
            ).all()
            tenant_ids = set((await session.scalars(select(Tenant.id))).all())
            live = await session.scalar(
                select(func.count()).where(
                    SsoSession.revoked_at.is_(None), SsoSession.expires_at > utcnow()
                )
            )

        times = [e.created_at for e in events]
        assert times == sorted(times)  # ids follow time
        assert before - timedelta(days=90, minutes=1) <= times[0] < before - timedelta(days=89)
        assert before - timedelta(days=1) < times[-1] <= utcnow()
        days = {t.date() for t in times}
        assert len(days) >= 88
        actions = Counter(e.action for e in events)
        assert len(actions) == 10 and actions.most_common(1)[0][0] == "auth.sign_in"
        assert {e.result for e in events} == {"success", "failure", "denied"}
        assert all(e.id.startswith("aud_") for e in events[:10])
        assert tenant_ids  # events are filed under the seeded tenants
        assert live is not None and 0 < live < 20

    async def test_a_database_with_partners_is_left_as_it_is(
        self, db: None, app: FastAPI, sessions: async_sessionmaker[AsyncSession]
    ) -> None:
        await create_partner(sessions)

        async with app.state.engine.begin() as connection:
            report = await seed_scale_into(connection, PLAN)

        assert report.skipped and report.existing_partners == 1
        async with sessions() as session:
            assert await session.scalar(select(func.count()).select_from(Partner)) == 1
            assert await session.scalar(select(func.count()).select_from(User)) == 0

    async def test_on_postgresql_the_copied_tables_are_vacuumed_for_index_only_scans(
        self, db: None, db_kind: str, database_url: str, app: FastAPI
    ) -> None:
        report = await seed_scale(database_url, ScalePlan(users=200, audit_events=300))

        assert report.rows["users"] == 200
        if db_kind != "postgresql":
            return  # SQLite has no visibility map; the seed ends with its rows.
        async with app.state.engine.connect() as connection:
            vacuumed = dict(
                (
                    await connection.execute(
                        text(
                            "SELECT relname, relallvisible > 0 FROM pg_class "
                            "WHERE relname IN ('users', 'sessions', 'audit_events')"
                        )
                    )
                ).all()
            )
        # Pages marked all-visible: only VACUUM marks them (a COPY and ANALYZE do not).
        assert vacuumed == {"users": True, "sessions": True, "audit_events": True}


class TestTimeOrderedIds:
    def test_are_ulids_of_the_given_moments_in_db_ids_form(self) -> None:
        rng = random.Random(7)
        moments = [datetime(2026, 1, 1, tzinfo=UTC) + timedelta(milliseconds=n) for n in range(50)]

        ids = time_ordered_ids(IdPrefix.AUDIT, moments, rng)

        assert ids == sorted(ids) and len(set(ids)) == 50
        for value, moment in zip(ids, moments, strict=True):
            prefix, _, body = value.partition("_")
            assert prefix == "aud" and len(body) == 26 and body == body.lower()
            assert ULID.from_str(body.upper()).datetime == moment

    @pytest.mark.parametrize("bad", [{"users": -1}, {"users": 1, "tenants": 1, "partners": 2}])
    def test_a_plan_refuses_impossible_sizes(self, bad: dict[str, int]) -> None:
        with pytest.raises(ValueError):
            ScalePlan(**bad)
