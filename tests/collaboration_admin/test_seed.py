"""What the seed leaves for the ScaiWave activity: figures the stats and settings routes show."""

from __future__ import annotations

import httpx
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import Tenant
from db.seed import SeedPlan, seed_engine
from tests.tokens import Tokens, bearer

Sessions = async_sessionmaker[AsyncSession]


class TestTheSeed:
    async def test_gives_every_tenant_rooms_usage_storage_and_valid_settings(
        self, db: None, app: FastAPI, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        # when
        plan = SeedPlan(tenant_counts=(3,), users_per_tenant=8, groups_per_tenant=2)
        report = await seed_engine(app.state.engine, plan)
        async with sessions() as session:
            first = (await session.execute(select(Tenant.id).order_by(Tenant.id))).scalars().first()
        headers = bearer(tokens.super_admin()) | {"X-Scai-Tenant": str(first)}
        stats = (await http.get("/v1/admin/stats", headers=headers)).json()
        studio = (await http.get("/v1/admin/prompt-studio", headers=headers)).json()
        notes = (await http.get("/v1/admin/note-processing", headers=headers)).json()
        config = (await http.get("/v1/admin/ai-config", headers=headers)).json()

        # then every tenant has its activity
        assert report.rows["rooms"] == 3 * 6
        assert report.rows["ai_usage_records"] == 3 * 40
        assert report.rows["storage_objects"] == 3 * 12
        # and the first tenant's figures are what a dashboard would show
        assert stats["rooms"] == {"total": 6, "active": 4, "archived": 2}
        assert stats["participants"]["people"] >= 2
        assert stats["storage"]["objects"] == 11  # one of twelve was deleted
        assert 0 < stats["ai_usage"]["requests_30d"] <= 40
        # and its settings are ones the API itself would accept
        assert studio["enabled"] is True
        assert len(studio["allowlist"]) == 3
        assert notes["enabled"] is True
        assert notes["model"] in config["enabled_models"]
