"""`/api/v1/admin/audit`: the list, its filters and pages, one event, and no way to write."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import AuditEvent, Partner, Tenant
from tests.factories import create_partner, create_tenant
from tests.factories_audit import EVENT_KEYS, create_audit_event, stored_audit_event
from tests.tokens import Tokens, bearer

Sessions = async_sessionmaker[AsyncSession]
AUDIT = "/api/v1/admin/audit"
T0 = datetime(2025, 6, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
async def tenant(db: None, sessions: Sessions) -> Tenant:
    return await create_tenant(sessions, partner=await create_partner(sessions))


async def get(http: httpx.AsyncClient, path: str, token: str) -> httpx.Response:
    return await http.get(path, headers=bearer(token))


def ids(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["data"]]


class TestListAuditEvents:
    async def test_pages_are_newest_first_with_the_usual_pagination(
        self, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        # given 25 events, a minute apart
        events = [
            await create_audit_event(sessions, tenant=tenant, created_at=T0 + timedelta(minutes=i))
            for i in range(25)
        ]
        newest_first = [event.id for event in reversed(events)]

        # when
        response = await get(http, f"{AUDIT}?page=2&per_page=10", tokens.super_admin())

        # then
        assert ids(response) == newest_first[10:20]
        assert response.json()["pagination"] == {
            "page": 2,
            "per_page": 10,
            "total": 25,
            "total_pages": 3,
        }

    async def test_an_event_has_the_documented_fields_in_snake_case(
        self, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        event = await create_audit_event(
            sessions,
            tenant=tenant,
            resource_type="user",
            resource_id="usr_1",
            event_metadata={"changed": ["email"]},
            ip="198.51.100.7",
            user_agent="console/1.0",
            request_id="req-1",
        )

        [item] = (await get(http, AUDIT, tokens.super_admin())).json()["data"]

        assert set(item) == EVENT_KEYS
        assert item == {
            "id": event.id,
            "created_at": item["created_at"],
            "actor_id": "usr_actor",
            "actor_type": "user",
            "actor_role": "super_admin",
            "partner_id": tenant.partner_id,
            "tenant_id": tenant.id,
            "action": "user.update",
            "resource_type": "user",
            "resource_id": "usr_1",
            "result": "success",
            "metadata": {"changed": ["email"]},
            "ip": "198.51.100.7",
            "user_agent": "console/1.0",
            "request_id": "req-1",
        }
        assert datetime.fromisoformat(item["created_at"]) == event.created_at

    @pytest.mark.parametrize(
        ("param", "value"),
        [
            ("action", "group.delete"),
            ("actor_id", "usr_other_actor"),
            ("actor_type", "anonymous"),
            ("resource_type", "group"),
            ("resource_id", "grp_1"),
            ("result", "failure"),
        ],
    )
    async def test_each_query_parameter_filters(
        self,
        sessions: Sessions,
        http: httpx.AsyncClient,
        tokens: Tokens,
        tenant: Tenant,
        param: str,
        value: str,
    ) -> None:
        # given one event with the value and one without
        given: dict[str, Any] = {param: value}
        wanted = await create_audit_event(sessions, tenant=tenant, **given)
        await create_audit_event(sessions, tenant=tenant)

        response = await get(http, f"{AUDIT}?{param}={value}", tokens.super_admin())

        assert ids(response) == [wanted.id]
        assert response.json()["pagination"]["total"] == 1

    async def test_tenant_and_partner_narrow_to_a_scope(
        self, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        other = await create_tenant(sessions, partner=await create_partner(sessions))
        mine = await create_audit_event(sessions, tenant=tenant)
        theirs = await create_audit_event(sessions, tenant=other)
        token = tokens.super_admin()

        by_tenant = await get(http, f"{AUDIT}?tenant_id={other.id}", token)
        by_partner = await get(http, f"{AUDIT}?partner_id={tenant.partner_id}", token)

        assert (ids(by_tenant), ids(by_partner)) == ([theirs.id], [mine.id])

    async def test_since_and_until_take_iso_8601(
        self, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        events = [
            await create_audit_event(sessions, tenant=tenant, created_at=T0 + timedelta(hours=i))
            for i in range(4)
        ]

        response = await http.get(
            AUDIT,
            params={"since": "2025-06-01T09:00:00Z", "until": "2025-06-01T11:00:00+00:00"},
            headers=bearer(tokens.super_admin()),
        )

        assert ids(response) == [events[2].id, events[1].id]

    async def test_each_admin_lists_its_own_scope(
        self, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        sibling = await create_tenant(sessions, partner=await _partner_of(sessions, tenant))
        foreign = await create_tenant(sessions, partner=await create_partner(sessions))
        mine = await create_audit_event(sessions, tenant=tenant, created_at=T0)
        next_door = await create_audit_event(
            sessions, tenant=sibling, created_at=T0 + timedelta(minutes=1)
        )
        await create_audit_event(sessions, tenant=foreign)
        await create_audit_event(sessions, action="partner.create")

        as_tenant = await get(http, AUDIT, tokens.tenant_admin(tenant.id))
        as_partner = await get(http, AUDIT, tokens.partner_admin(tenant.partner_id))

        assert ids(as_tenant) == [mine.id]
        assert ids(as_partner) == [next_door.id, mine.id]

    @pytest.mark.parametrize(
        ("query", "detail"),
        [
            ("since=yesterday", "since: Value cannot represent a DateTime"),
            ("until=2025-13-01T00:00:00Z", "until: Value cannot represent a DateTime"),
            ("actor_type=robot", "actor_type: must be one of user, service, anonymous"),
            ("result=ok", "result: must be one of success, failure, denied"),
            (
                "since=2025-06-02T00:00:00Z&until=2025-06-01T00:00:00Z",
                "until: must not be earlier than since",
            ),
            ("per_page=101", "per_page must be at most 100"),
        ],
    )
    async def test_a_bad_parameter_is_422_naming_it(
        self, db: None, http: httpx.AsyncClient, tokens: Tokens, query: str, detail: str
    ) -> None:
        response = await get(http, f"{AUDIT}?{query}", tokens.super_admin())

        assert response.status_code == 422
        assert response.json()["code"] == "BAD_USER_INPUT"
        assert detail in response.json()["detail"]


class TestGetAuditEvent:
    async def test_reads_one_event(
        self, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        event = await create_audit_event(sessions, tenant=tenant)

        response = await get(http, f"{AUDIT}/{event.id}", tokens.tenant_admin(tenant.id))

        assert response.status_code == 200
        assert set(response.json()) == EVENT_KEYS
        assert response.json()["id"] == event.id

    @pytest.mark.parametrize("whose", ["another tenant's", "no tenant's", "nobody's"])
    async def test_an_event_outside_the_scope_is_404(
        self,
        sessions: Sessions,
        http: httpx.AsyncClient,
        tokens: Tokens,
        tenant: Tenant,
        whose: str,
    ) -> None:
        other = await create_tenant(sessions, partner=await _partner_of(sessions, tenant))
        event_id = {
            "another tenant's": lambda: create_audit_event(sessions, tenant=other),
            "no tenant's": lambda: create_audit_event(sessions, action="partner.update"),
        }.get(whose)
        target = (await event_id()).id if event_id else "aud_01jzzzzzzzzzzzzzzzzzzzzzzz"

        response = await get(http, f"{AUDIT}/{target}", tokens.tenant_admin(tenant.id))

        assert (response.status_code, response.json()) == (
            404,
            {"detail": f"Audit event {target} not found", "code": "NOT_FOUND"},
        )


class TestTheLogIsReadOnly:
    @pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
    @pytest.mark.parametrize("path", ["", "/{id}"])
    async def test_every_method_but_get_is_405_and_changes_nothing(
        self,
        sessions: Sessions,
        http: httpx.AsyncClient,
        tokens: Tokens,
        tenant: Tenant,
        method: str,
        path: str,
    ) -> None:
        # given an event
        event = await create_audit_event(sessions, tenant=tenant, event_metadata={"a": 1})
        before = _snapshot(await stored_audit_event(sessions, event_id=event.id))

        # when a super admin tries to write to the log
        response = await http.request(
            method,
            AUDIT + path.format(id=event.id),
            json={"action": "tampered", "result": "success", "metadata": {}},
            headers=bearer(tokens.super_admin()),
        )

        # then
        assert response.status_code == 405
        assert response.headers["allow"] == "GET"
        assert _snapshot(await stored_audit_event(sessions, event_id=event.id)) == before
        assert await _count(sessions) == 1


async def _partner_of(sessions: Sessions, tenant: Tenant) -> Partner:
    async with sessions() as session:
        partner = await session.get(Partner, tenant.partner_id)
    assert partner is not None
    return partner


def _snapshot(event: AuditEvent) -> dict[str, Any]:
    return {column.key: getattr(event, column.key) for column in AuditEvent.__mapper__.columns}


async def _count(sessions: Sessions) -> int:
    async with sessions() as session:
        counted = select(func.count()).select_from(AuditEvent)
        return int((await session.execute(counted)).scalar_one())
