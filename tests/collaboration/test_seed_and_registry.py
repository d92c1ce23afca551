"""What a fresh database and the demo seed hold on the ScaiWave side."""

from __future__ import annotations

from pathlib import Path

import httpx
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.engine import create_engine
from db.models import Plugin, Tenant
from db.seed import SeedPlan, seed_engine
from tests.databases import fresh_database
from tests.factories_collaboration import SONNET, VOXTRAL, create_plugin
from tests.tokens import Tokens, bearer

Sessions = async_sessionmaker[AsyncSession]
REGISTRY = {
    "web-search",
    "code-interpreter",
    "file-analysis",
    "image-generation",
    "meeting-transcription",
    "calendar",
    "issue-tracker",
}


class TestTheMigration:
    async def test_installs_the_plugin_registry(self, db_kind: str, tmp_path: Path) -> None:
        async with fresh_database(db_kind, tmp_path) as url:
            engine = create_engine(url)
            try:
                async with engine.connect() as connection:
                    ids = set((await connection.execute(select(Plugin.id))).scalars())
            finally:
                await engine.dispose()

        assert ids == REGISTRY


class TestTheDemoSeed:
    async def test_gives_every_tenant_a_catalog_ai_settings_plugins_and_participants(
        self, db: None, app: FastAPI, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        # given: the registry, as the migration installs it (the test database was emptied)
        for plugin_id in sorted(REGISTRY):
            await create_plugin(sessions, plugin_id=plugin_id)

        # when
        plan = SeedPlan(tenant_counts=(2,), users_per_tenant=3, groups_per_tenant=2)
        report = await seed_engine(app.state.engine, plan)
        async with sessions() as session:
            tenant_ids = list((await session.execute(select(Tenant.id))).scalars())
        headers = bearer(tokens.super_admin()) | {"X-Scai-Tenant": tenant_ids[0]}
        catalog = await http.get("/v1/admin/models/catalog", headers=headers)
        config = await http.get("/v1/admin/ai-config", headers=headers)
        plugins = await http.get("/v1/admin/plugins", headers=headers)
        participants = await http.get("/v1/admin/participants", headers=headers)

        # then
        assert report.rows["tenant_ai_configs"] == 2
        slugs = {model["slug"] for model in catalog.json()["data"]}
        assert {SONNET, VOXTRAL, "openai/gpt-4o"} <= slugs
        assert config.json()["default_model"] == SONNET
        assert set(config.json()["enabled_models"]) <= slugs
        enabled = {plugin["id"] for plugin in plugins.json()["data"] if plugin["enabled"]}
        assert {"web-search", "file-analysis"} <= enabled
        kinds = [item["kind"] for item in participants.json()["data"]]
        assert kinds == ["person"] * 3 + ["model"] * 2
        sonnet = next(m for m in catalog.json()["data"] if m["slug"] == SONNET)
        assert sonnet["participant"]["local_id"] == "code-helper"
