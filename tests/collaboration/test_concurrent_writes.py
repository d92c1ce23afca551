"""Concurrent writes to one tenant's settings: none is lost, a duplicate local_id is still 409."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from resolvers.uniqueness import LiveUnique
from tests.collaboration.conftest import Tenancy
from tests.factories_collaboration import (
    VOXTRAL,
    create_catalog_model,
    create_model_participant,
    create_plugin,
)
from tests.tokens import Tokens

Sessions = async_sessionmaker[AsyncSession]


async def _skip_check(*args: Any, **kwargs: Any) -> None:
    return None


class TestConcurrentWrites:
    async def test_enabling_many_models_at_once_keeps_every_one(
        self, tenancy: Tenancy, http: httpx.AsyncClient, tokens: Tokens, sessions: Sessions
    ) -> None:
        # given: a tenant with no AI settings yet (the first writer creates them)
        slugs = [f"acme/model-{n}" for n in range(8)]
        for slug in slugs:
            await create_catalog_model(sessions, slug=slug)
        admin = tenancy.super_admin(tokens)

        # when
        responses = await asyncio.gather(
            *(http.post(f"/v1/admin/models/{slug}/enable", headers=admin) for slug in slugs)
        )
        config = await http.get("/v1/admin/ai-config", headers=admin)

        # then
        assert [response.status_code for response in responses] == [200] * len(slugs)
        assert sorted(config.json()["enabled_models"]) == sorted(slugs)

    async def test_enabling_plugins_at_once_keeps_every_one(
        self, tenancy: Tenancy, http: httpx.AsyncClient, tokens: Tokens, sessions: Sessions
    ) -> None:
        plugins = [(await create_plugin(sessions)).id for _ in range(6)]
        admin = tenancy.super_admin(tokens)

        responses = await asyncio.gather(
            *(http.post(f"/v1/admin/plugins/{p}/enable", headers=admin) for p in plugins)
        )
        listed = await http.get("/v1/admin/plugins", headers=admin)

        assert [response.status_code for response in responses] == [200] * len(plugins)
        assert all(plugin["enabled"] for plugin in listed.json()["data"])

    async def test_a_local_id_that_slips_past_the_check_is_caught_by_the_index(
        self,
        tenancy: Tenancy,
        http: httpx.AsyncClient,
        tokens: Tokens,
        sessions: Sessions,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        # given: "scribe" is taken, and a check that saw it free (as just before a commit)
        await create_catalog_model(sessions, slug=VOXTRAL)
        await create_model_participant(sessions, tenant=tenancy.tenant, local_id="scribe")
        monkeypatch.setattr(LiveUnique, "ensure_free", _skip_check)

        # when
        response = await http.post(
            "/v1/admin/participants/model",
            json={"model_slug": VOXTRAL, "local_id": "scribe", "display_name": "Scribe"},
            headers=tenancy.super_admin(tokens),
        )
        listed = await http.get(
            "/v1/admin/participants?kind=model", headers=tenancy.super_admin(tokens)
        )

        # then
        assert response.status_code == 409
        assert response.json()["detail"] == (
            "A participant with local_id 'scribe' already exists in this tenant"
        )
        assert len(listed.json()["data"]) == 1
