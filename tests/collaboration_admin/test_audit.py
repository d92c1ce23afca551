"""The ScaiWave audit log: `GET /v1/admin/audit` over the `auditEvents` field."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import AuditEvent, Tenant
from tests.conftest import GraphQLClient
from tests.factories import create_partner, create_tenant
from tests.factories_audit import create_audit_event
from tests.tokens import Tokens, bearer

Sessions = async_sessionmaker[AsyncSession]
PATH = "/v1/admin/audit"
KEYS = {
    "id",
    "tenant_id",
    "actor_id",
    "actor_type",
    "action",
    "resource_type",
    "resource_id",
    "metadata",
    "ip",
    "user_agent",
    "created_at",
}
NOON = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)

AUDIT_EVENTS = """
query ($tenantId: ID, $action: String) {
  auditEvents(first: 100, filter: {tenantId: {eq: $tenantId}, action: {eq: $action}}) {
    nodes { id }
  }
}
"""


@pytest.fixture
async def tenant(db: None, sessions: Sessions) -> Tenant:
    return await create_tenant(sessions, partner=await create_partner(sessions))


async def _hourly(
    sessions: Sessions, tenant: Tenant, hours: int, **fields: str
) -> list[AuditEvent]:
    """One event an hour from NOON on, oldest first."""
    return [
        await create_audit_event(
            sessions, tenant=tenant, created_at=NOON + timedelta(hours=n), **fields
        )
        for n in range(hours)
    ]


async def _get(
    http: httpx.AsyncClient, token: str, tenant: Tenant | None, **params: str
) -> httpx.Response:
    headers = bearer(token) | ({"X-Scai-Tenant": tenant.id} if tenant else {})
    return await http.get(PATH, params=params, headers=headers)


def _ids(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["data"]]


class TestGetAudit:
    async def test_answers_the_documented_fields_newest_first(
        self, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        # given
        older, newer = await _hourly(
            sessions,
            tenant,
            2,
            action="room.close",
            resource_type="room",
            resource_id="rom_1",
            ip="10.0.0.1",
            user_agent="agent/1.0",
        )

        # when
        response = await _get(http, tokens.super_admin(), tenant)

        # then
        assert _ids(response) == [newer.id, older.id]
        body = response.json()
        assert set(body) == {"data"}
        item = body["data"][0]
        assert set(item) == KEYS
        assert item == {
            "id": newer.id,
            "tenant_id": tenant.id,
            "actor_id": "usr_actor",
            "actor_type": "user",
            "action": "room.close",
            "resource_type": "room",
            "resource_id": "rom_1",
            "metadata": {},
            "ip": "10.0.0.1",
            "user_agent": "agent/1.0",
            "created_at": "2026-03-01T13:00:00+00:00",
        }

    @pytest.mark.parametrize(
        ("param", "value", "matching"),
        [
            ("action", "prompt_studio.update", {"action": "prompt_studio.update"}),
            ("actor_id", "usr_alice", {"actor_id": "usr_alice"}),
            ("resource_type", "room", {"resource_type": "room"}),
            ("resource_id", "rom_42", {"resource_id": "rom_42"}),
        ],
    )
    async def test_each_filter_keeps_only_matching_events(
        self,
        sessions: Sessions,
        http: httpx.AsyncClient,
        tokens: Tokens,
        tenant: Tenant,
        param: str,
        value: str,
        matching: dict[str, str],
    ) -> None:
        # given one matching event among others
        await _hourly(sessions, tenant, 2)
        (match,) = await _hourly(sessions, tenant, 1, **matching)

        # when
        response = await _get(http, tokens.tenant_admin(tenant.id), tenant, **{param: value})

        # then
        assert _ids(response) == [match.id]

    async def test_since_is_inclusive_and_until_exclusive(
        self, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        events = await _hourly(sessions, tenant, 5)  # 12:00 … 16:00

        response = await _get(
            http,
            tokens.super_admin(),
            tenant,
            since="2026-03-01T13:00:00Z",
            until="2026-03-01T15:00:00+00:00",
        )

        assert _ids(response) == [events[2].id, events[1].id]

    @pytest.mark.parametrize("param", ["since", "until"])
    async def test_a_time_that_is_not_iso_8601_is_422(
        self, http: httpx.AsyncClient, tokens: Tokens, tenant: Tenant, param: str
    ) -> None:
        response = await _get(http, tokens.super_admin(), tenant, **{param: "yesterday"})

        assert response.status_code == 422
        assert response.json()["code"] == "BAD_USER_INPUT"
        assert response.json()["detail"].startswith(f"{param}: ")

    async def test_limit_takes_the_newest_and_defaults_to_50(
        self, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        events = await _hourly(sessions, tenant, 52)
        newest_first = [event.id for event in reversed(events)]

        default = await _get(http, tokens.super_admin(), tenant)
        three = await _get(http, tokens.super_admin(), tenant, limit="3")

        assert _ids(default) == newest_first[:50]
        assert _ids(three) == newest_first[:3]

    @pytest.mark.parametrize("limit", ["0", "101", "ten", "-5"])
    async def test_a_limit_out_of_range_is_422_naming_it(
        self, http: httpx.AsyncClient, tokens: Tokens, tenant: Tenant, limit: str
    ) -> None:
        response = await _get(http, tokens.super_admin(), tenant, limit=limit)

        assert response.status_code == 422
        assert response.json() == {
            "detail": "limit: must be an integer from 1 to 100",
            "code": "BAD_USER_INPUT",
        }

    async def test_the_tenant_header_narrows_to_that_tenants_events(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        # given events of two tenants of one partner, and unscoped ones
        partner = await create_partner(sessions)
        tenant = await create_tenant(sessions, partner=partner)
        sibling = await create_tenant(sessions, partner=partner)
        (mine,) = await _hourly(sessions, tenant, 1)
        (theirs,) = await _hourly(sessions, sibling, 1)
        await create_audit_event(sessions, tenant=None, action="auth.sign_in")
        partner_admin = tokens.partner_admin(partner.id)

        # when
        narrowed = await _get(http, partner_admin, tenant)
        whole_scope = await _get(http, partner_admin, None)

        # then
        assert _ids(narrowed) == [mine.id]
        assert set(_ids(whole_scope)) == {mine.id, theirs.id}

    async def test_a_tenant_outside_the_callers_scope_has_no_events_for_it(
        self, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        # given
        await _hourly(sessions, tenant, 2)
        elsewhere = await create_tenant(sessions, partner=await create_partner(sessions))

        # when other admins name the tenant
        partner_admin = await _get(http, tokens.partner_admin(elsewhere.partner_id), tenant)
        tenant_admin = await _get(http, tokens.tenant_admin(elsewhere.id), tenant)

        # then
        assert _ids(partner_admin) == []
        assert _ids(tenant_admin) == []

    async def test_a_write_through_the_api_is_listed_with_its_actor(
        self, http: httpx.AsyncClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        headers = {**bearer(tokens.tenant_admin(tenant.id)), "User-Agent": "dashboard/2"}
        await http.put("/v1/admin/prompt-studio", json={"enabled": True}, headers=headers)

        response = await http.get(PATH, params={"action": "prompt_studio.update"}, headers=headers)

        (event,) = response.json()["data"]
        assert event["tenant_id"] == tenant.id
        assert (event["actor_id"], event["actor_type"]) == ("usr_tenant", "user")
        assert (event["resource_type"], event["resource_id"]) == ("prompt_studio", tenant.id)
        assert event["metadata"] == {"enabled": True}
        assert event["user_agent"] == "dashboard/2"


class TestAuditEventsByTenant:
    async def test_the_graph_field_behind_the_route_filters_by_tenant_and_action(
        self, sessions: Sessions, gql: GraphQLClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        other = await create_tenant(sessions, partner=await create_partner(sessions))
        (wanted,) = await _hourly(sessions, tenant, 1, action="note_processing.update")
        await _hourly(sessions, tenant, 1, action="prompt_studio.update")
        await _hourly(sessions, other, 1, action="note_processing.update")

        result = await gql(
            AUDIT_EVENTS,
            {"tenantId": tenant.id, "action": "note_processing.update"},
            token=tokens.super_admin(),
        )

        assert [node["id"] for node in result["data"]["auditEvents"]["nodes"]] == [wanted.id]
