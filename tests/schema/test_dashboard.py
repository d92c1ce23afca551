"""`dashboardStats` over GraphQL: counts within each tier's scope, read in one statement."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.conftest import GraphQLClient
from tests.factories_audit import DashboardScene, build_dashboard_scene, scene_token
from tests.factories_sessions import forget_failed_sign_ins
from tests.tokens import Tokens

Sessions = async_sessionmaker[AsyncSession]

DASHBOARD_STATS = """
query {
  dashboardStats {
    partners tenants users groups applications agents activeSessions
    signInsLast24h signInFailuresLast24h asOf
  }
}
"""
CAMEL = {
    "active_sessions": "activeSessions",
    "sign_ins_last_24h": "signInsLast24h",
    "sign_in_failures_last_24h": "signInFailuresLast24h",
}


@pytest.fixture
async def scene(
    db: None, app: FastAPI, sessions: Sessions, http: httpx.AsyncClient
) -> DashboardScene:
    await forget_failed_sign_ins(app)
    return await build_dashboard_scene(sessions, http)


class TestDashboardStats:
    @pytest.mark.parametrize(
        "caller",
        [
            "super_admin",
            "platform",
            "partner_admin_P",
            "partner_admin_Q",
            "tenant_admin_T",
            "tenant_admin_S",
        ],
    )
    async def test_counts_what_the_caller_may_see_in_one_statement(
        self, scene: DashboardScene, gql: GraphQLClient, tokens: Tokens, caller: str
    ) -> None:
        result = await gql(DASHBOARD_STATS, token=scene_token(tokens, scene, caller))

        stats = result["data"]["dashboardStats"]
        as_of = stats.pop("asOf")
        assert stats == {CAMEL.get(k, k): v for k, v in scene.expected[caller].items()}
        assert as_of
        assert result["_statements"] == 1

    async def test_an_empty_platform_counts_zero(
        self, db: None, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        result = await gql(DASHBOARD_STATS, token=tokens.super_admin())

        stats = result["data"]["dashboardStats"]
        stats.pop("asOf")
        assert set(stats.values()) == {0}

    async def test_a_platform_token_without_a_scope_is_refused(
        self, db: None, gql: GraphQLClient, tokens: Tokens
    ) -> None:
        result = await gql(DASHBOARD_STATS, token=tokens.platform())

        error = result["errors"][0]
        assert (error["extensions"]["code"], error["message"]) == (
            "FORBIDDEN",
            "Platform token requires admin:read or admin:write scope",
        )
