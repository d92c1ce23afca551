"""Tenant statistics: `collaborationStats` and `GET /v1/admin/stats`."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.base import utcnow
from db.models import Tenant
from tests.conftest import GraphQLClient
from tests.factories import create_partner, create_tenant, create_user
from tests.factories_collaboration_admin import create_room, record_ai_usage, store_object
from tests.tokens import Tokens, bearer

Sessions = async_sessionmaker[AsyncSession]
STATS_PATH = "/v1/admin/stats"

STATS = """
query ($tenantId: ID) {
  collaborationStats(tenantId: $tenantId) {
    tenantId
    rooms { total active archived }
    participants { people models }
    aiUsage {
      windowDays requests promptTokens completionTokens costMicros
      byModel { model requests promptTokens completionTokens costMicros }
    }
    storage { objects bytes byKind { kind objects bytes } }
  }
}
"""

GIB = 1024**3


@pytest.fixture
async def tenant(db: None, sessions: Sessions) -> Tenant:
    return await create_tenant(sessions, partner=await create_partner(sessions))


async def _activity(sessions: Sessions, tenant: Tenant) -> None:
    """Known activity in `tenant`, next to activity that must not count."""
    ada, alan, grace = [await create_user(sessions, tenant=tenant) for _ in range(3)]
    room = await create_room(
        sessions, tenant=tenant, people=[ada.id, alan.id], models=["mdl_helper"]
    )
    await create_room(sessions, tenant=tenant, people=[ada.id], models=["mdl_helper", "mdl_coder"])
    await create_room(sessions, tenant=tenant, archived=True, people=[grace.id])
    # A deleted room and everything in it no longer counts.
    await create_room(sessions, tenant=tenant, deleted=True, people=["usr_gone"], models=["x"])
    now = utcnow()
    for prompt, completion, cost in ((100, 40, 1_500), (300, 60, 2_500)):
        await record_ai_usage(
            sessions,
            tenant=tenant,
            model="claude-sonnet-4-6",
            prompt_tokens=prompt,
            completion_tokens=completion,
            cost_micros=cost,
            created_at=now - timedelta(days=2),
            room=room,
        )
    for _ in range(2):  # sums past 32 bits stay exact
        await record_ai_usage(
            sessions,
            tenant=tenant,
            model="scailar-pro",
            prompt_tokens=2_000_000_000,
            completion_tokens=5,
            cost_micros=4_500_000_000,
            created_at=now - timedelta(days=29),
        )
    # Outside the 30-day window.
    await record_ai_usage(
        sessions,
        tenant=tenant,
        model="claude-sonnet-4-6",
        prompt_tokens=999,
        completion_tokens=999,
        cost_micros=999,
        created_at=now - timedelta(days=31),
    )
    await store_object(sessions, tenant=tenant, kind="file", size=3 * GIB, room=room)
    await store_object(sessions, tenant=tenant, kind="file", size=1_000)
    await store_object(sessions, tenant=tenant, kind="image", size=250)
    await store_object(sessions, tenant=tenant, kind="audio", size=10**6, deleted=True)


async def _foreign_activity(sessions: Sessions) -> None:
    other = await create_tenant(sessions, partner=await create_partner(sessions))
    await create_room(sessions, tenant=other, people=["usr_other"], models=["mdl_other"])
    await record_ai_usage(
        sessions, tenant=other, model="x", prompt_tokens=1, completion_tokens=1, cost_micros=1
    )
    await store_object(sessions, tenant=other, kind="file", size=5)


class TestCollaborationStats:
    async def test_every_figure_is_an_aggregate_of_the_tenant_alone(
        self, sessions: Sessions, gql: GraphQLClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        # given
        await _activity(sessions, tenant)
        await _foreign_activity(sessions)

        # when
        result = await gql(STATS, {"tenantId": tenant.id}, token=tokens.super_admin())

        # then
        stats = result["data"]["collaborationStats"]
        assert stats["tenantId"] == tenant.id
        assert stats["rooms"] == {"total": 3, "active": 2, "archived": 1}
        assert stats["participants"] == {"people": 3, "models": 2}
        assert stats["aiUsage"] == {
            "windowDays": 30,
            "requests": 4,
            "promptTokens": 4_000_000_400,
            "completionTokens": 110,
            "costMicros": 9_000_004_000,
            "byModel": [
                {
                    "model": "claude-sonnet-4-6",
                    "requests": 2,
                    "promptTokens": 400,
                    "completionTokens": 100,
                    "costMicros": 4_000,
                },
                {
                    "model": "scailar-pro",
                    "requests": 2,
                    "promptTokens": 4_000_000_000,
                    "completionTokens": 10,
                    "costMicros": 9_000_000_000,
                },
            ],
        }
        assert stats["storage"] == {
            "objects": 3,
            "bytes": 3 * GIB + 1_250,
            "byKind": [
                {"kind": "file", "objects": 2, "bytes": 3 * GIB + 1_000},
                {"kind": "image", "objects": 1, "bytes": 250},
            ],
        }

    async def test_a_tenant_without_activity_has_zeros(
        self, gql: GraphQLClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        result = await gql(STATS, token=tokens.tenant_admin(tenant.id))

        stats = result["data"]["collaborationStats"]
        assert stats["tenantId"] == tenant.id
        assert stats["rooms"] == {"total": 0, "active": 0, "archived": 0}
        assert stats["participants"] == {"people": 0, "models": 0}
        assert stats["aiUsage"]["requests"] == 0
        assert stats["aiUsage"]["costMicros"] == 0
        assert stats["aiUsage"]["byModel"] == []
        assert stats["storage"] == {"objects": 0, "bytes": 0, "byKind": []}

    async def test_the_statements_do_not_grow_with_the_data(
        self, sessions: Sessions, gql: GraphQLClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        # given one round of activity measured, then three more rounds
        await _activity(sessions, tenant)
        first = await gql(STATS, {"tenantId": tenant.id}, token=tokens.super_admin())
        for _ in range(3):
            await _activity(sessions, tenant)

        # when
        later = await gql(STATS, {"tenantId": tenant.id}, token=tokens.super_admin())

        # then
        assert later["data"]["collaborationStats"]["rooms"]["total"] == 12
        assert later["_statements"] == first["_statements"]
        assert first["_statements"] <= 5

    async def test_another_partners_tenant_is_not_found(
        self, sessions: Sessions, gql: GraphQLClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        other = await create_partner(sessions)

        result = await gql(STATS, {"tenantId": tenant.id}, token=tokens.partner_admin(other.id))

        assert result["errors"][0]["extensions"]["code"] == "NOT_FOUND"
        assert result["errors"][0]["message"] == f"Tenant {tenant.id} not found"


class TestGetStats:
    async def test_answers_the_documented_shape_with_30_day_keys(
        self, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        # given
        await _activity(sessions, tenant)

        # when
        response = await http.get(
            STATS_PATH,
            headers={**bearer(tokens.partner_admin(tenant.partner_id)), "X-Scai-Tenant": tenant.id},
        )

        # then
        assert response.status_code == 200, response.text
        body = response.json()
        assert set(body) == {
            "tenant_id",
            "generated_at",
            "rooms",
            "participants",
            "ai_usage",
            "storage",
        }
        assert body["rooms"] == {"total": 3, "active": 2, "archived": 1}
        assert body["participants"] == {"people": 3, "models": 2}
        usage = body["ai_usage"]
        assert usage["window_days"] == 30
        assert (usage["requests_30d"], usage["prompt_tokens_30d"]) == (4, 4_000_000_400)
        assert (usage["completion_tokens_30d"], usage["cost_micros_30d"]) == (110, 9_000_004_000)
        assert usage["by_model"][0] == {
            "model": "claude-sonnet-4-6",
            "requests": 2,
            "prompt_tokens": 400,
            "completion_tokens": 100,
            "cost_micros": 4_000,
        }
        assert body["storage"]["bytes"] == 3 * GIB + 1_250
        assert body["storage"]["objects"] == 3
        assert body["storage"]["by_kind"][1] == {"kind": "image", "objects": 1, "bytes": 250}

    async def test_without_the_tenant_header_a_super_admin_gets_422_naming_it(
        self, http: httpx.AsyncClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        response = await http.get(STATS_PATH, headers=bearer(tokens.super_admin()))

        assert response.status_code == 422
        assert response.json()["detail"].startswith("X-Scai-Tenant header: is required")

    async def test_a_tenant_admin_naming_a_sibling_tenant_gets_404(
        self, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        sibling = await create_tenant(sessions, partner=await create_partner(sessions))

        response = await http.get(
            STATS_PATH,
            headers={**bearer(tokens.tenant_admin(tenant.id)), "X-Scai-Tenant": sibling.id},
        )

        assert response.status_code == 404
        assert response.json() == {"detail": f"Tenant {sibling.id} not found", "code": "NOT_FOUND"}
