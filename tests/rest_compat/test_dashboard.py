"""`/api/v1/admin/dashboard`: the counters and the recent activity, in the caller's scope."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import Tenant
from tests.factories import create_partner, create_tenant
from tests.factories_audit import (
    EVENT_KEYS,
    build_dashboard_scene,
    create_audit_event,
    scene_token,
)
from tests.factories_sessions import forget_failed_sign_ins
from tests.tokens import Tokens, bearer

Sessions = async_sessionmaker[AsyncSession]
STATS = "/api/v1/admin/dashboard/stats"
ACTIVITY = "/api/v1/admin/dashboard/activity"
T0 = datetime(2025, 7, 1, tzinfo=UTC)


class TestDashboardStats:
    @pytest.mark.parametrize("caller", ["super_admin", "partner_admin_P", "tenant_admin_T"])
    async def test_answers_the_counters_as_one_flat_object(
        self,
        db: None,
        app: FastAPI,
        sessions: Sessions,
        http: httpx.AsyncClient,
        tokens: Tokens,
        caller: str,
    ) -> None:
        await forget_failed_sign_ins(app)
        scene = await build_dashboard_scene(sessions, http)

        response = await http.get(STATS, headers=bearer(scene_token(tokens, scene, caller)))

        assert response.status_code == 200
        body = response.json()
        as_of = datetime.fromisoformat(body.pop("as_of"))
        assert body == scene.expected[caller]
        assert abs(datetime.now(UTC) - as_of) < timedelta(minutes=5)

    async def test_without_a_token_is_401(self, db: None, http: httpx.AsyncClient) -> None:
        response = await http.get(STATS)

        assert (response.status_code, response.json()["code"]) == (401, "UNAUTHENTICATED")


@pytest.fixture
async def tenants(db: None, sessions: Sessions) -> tuple[Tenant, Tenant]:
    partner = await create_partner(sessions)
    return (
        await create_tenant(sessions, partner=partner),
        await create_tenant(sessions, partner=await create_partner(sessions)),
    )


class TestDashboardActivity:
    async def test_the_newest_events_in_scope_under_data(
        self,
        sessions: Sessions,
        http: httpx.AsyncClient,
        tokens: Tokens,
        tenants: tuple[Tenant, Tenant],
    ) -> None:
        # given 25 events of tenant A and some of B, interleaved
        mine, theirs = tenants
        expected: list[str] = []
        for i in range(25):
            event = await create_audit_event(
                sessions, tenant=mine, created_at=T0 + timedelta(minutes=2 * i)
            )
            expected.insert(0, event.id)
            await create_audit_event(
                sessions, tenant=theirs, created_at=T0 + timedelta(minutes=2 * i + 1)
            )

        # when
        default = await http.get(ACTIVITY, headers=bearer(tokens.tenant_admin(mine.id)))
        three = await http.get(f"{ACTIVITY}?limit=3", headers=bearer(tokens.tenant_admin(mine.id)))

        # then: 20 by default, `limit` otherwise; nothing but `data`
        assert default.status_code == 200
        assert list(default.json()) == ["data"]
        assert [item["id"] for item in default.json()["data"]] == expected[:20]
        assert [item["id"] for item in three.json()["data"]] == expected[:3]
        assert set(three.json()["data"][0]) == EVENT_KEYS

    async def test_an_activity_write_through_the_api_shows_first(
        self,
        sessions: Sessions,
        http: httpx.AsyncClient,
        tokens: Tokens,
        tenants: tuple[Tenant, Tenant],
    ) -> None:
        tenant = tenants[0]
        created = await http.post(
            "/api/v1/admin/groups",
            json={"tenant_id": tenant.id, "name": "Reviewers"},
            headers=bearer(tokens.tenant_admin(tenant.id)),
        )
        assert created.status_code == 201, created.text

        response = await http.get(
            f"{ACTIVITY}?limit=1", headers=bearer(tokens.partner_admin(tenant.partner_id))
        )

        [event] = response.json()["data"]
        assert (event["action"], event["resource_id"], event["actor_role"]) == (
            "group.create",
            created.json()["id"],
            "tenant_admin",
        )

    @pytest.mark.parametrize("limit", ["0", "101", "ten", "-1"])
    async def test_a_limit_outside_1_to_100_is_422(
        self, db: None, http: httpx.AsyncClient, tokens: Tokens, limit: str
    ) -> None:
        response = await http.get(f"{ACTIVITY}?limit={limit}", headers=bearer(tokens.super_admin()))

        assert (response.status_code, response.json()) == (
            422,
            {"detail": "limit: must be an integer from 1 to 100", "code": "BAD_USER_INPUT"},
        )

    async def test_the_limit_is_documented_in_the_openapi_document(
        self, http: httpx.AsyncClient
    ) -> None:
        document = (await http.get("/openapi.json")).json()

        parameters = document["paths"]["/api/v1/admin/dashboard/activity"]["get"]["parameters"]
        [limit] = [p for p in parameters if p["name"] == "limit"]
        assert (limit["in"], limit["schema"]["default"], limit["schema"]["maximum"]) == (
            "query",
            20,
            100,
        )
