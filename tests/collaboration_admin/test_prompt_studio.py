"""Prompt studio: `promptStudio` / `updatePromptStudio` and `/v1/admin/prompt-studio`."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.base import utcnow
from db.models import Tenant, User
from tests.conftest import GraphQLClient
from tests.factories import create_partner, create_tenant, create_user
from tests.factories_collaboration_admin import recorded_events
from tests.tokens import Tokens, bearer

Sessions = async_sessionmaker[AsyncSession]
PATH = "/v1/admin/prompt-studio"

PROMPT_STUDIO = """
query ($tenantId: ID) {
  promptStudio(tenantId: $tenantId) {
    tenantId enabled allowlist allowlistUsers { id email displayName } updatedAt
  }
}
"""

UPDATE_PROMPT_STUDIO = """
mutation ($tenantId: ID, $input: UpdatePromptStudioInput!) {
  updatePromptStudio(tenantId: $tenantId, input: $input) {
    tenantId enabled allowlist allowlistUsers { id email } updatedAt
  }
}
"""


@pytest.fixture
async def tenant(db: None, sessions: Sessions) -> Tenant:
    return await create_tenant(sessions, partner=await create_partner(sessions))


async def _users(sessions: Sessions, tenant: Tenant, count: int) -> list[User]:
    return [
        await create_user(sessions, tenant=tenant, display_name=f"Person {n}") for n in range(count)
    ]


def _error(result: dict[str, Any]) -> tuple[str, str]:
    error = result["errors"][0]
    return error["extensions"]["code"], error["message"]


async def _update(gql: GraphQLClient, token: str, tenant: Tenant, **changes: Any) -> dict[str, Any]:
    return await gql(UPDATE_PROMPT_STUDIO, {"tenantId": tenant.id, "input": changes}, token=token)


class TestPromptStudio:
    async def test_a_tenant_that_never_set_it_has_the_defaults(
        self, gql: GraphQLClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        result = await gql(PROMPT_STUDIO, {"tenantId": tenant.id}, token=tokens.super_admin())

        assert result["data"]["promptStudio"] == {
            "tenantId": tenant.id,
            "enabled": False,
            "allowlist": [],
            "allowlistUsers": [],
            "updatedAt": None,
        }

    async def test_a_user_deleted_later_drops_out_of_the_allowlist(
        self, sessions: Sessions, gql: GraphQLClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        # given two allowlisted users, one of them deleted afterwards
        kept, gone = await _users(sessions, tenant, 2)
        token = tokens.tenant_admin(tenant.id)
        await _update(gql, token, tenant, allowlist=[kept.id, gone.id])
        async with sessions() as session, session.begin():
            (await session.get(User, gone.id)).deleted_at = utcnow()  # type: ignore[union-attr]

        # when
        result = await gql(PROMPT_STUDIO, token=token)

        # then
        assert result["data"]["promptStudio"]["allowlist"] == [kept.id]

    async def test_a_partner_admin_of_another_partner_finds_no_such_tenant(
        self, sessions: Sessions, gql: GraphQLClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        other = await create_partner(sessions)

        result = await gql(
            PROMPT_STUDIO, {"tenantId": tenant.id}, token=tokens.partner_admin(other.id)
        )

        assert _error(result) == ("NOT_FOUND", f"Tenant {tenant.id} not found")


class TestUpdatePromptStudio:
    async def test_switches_it_on_and_sets_a_deduplicated_allowlist(
        self, sessions: Sessions, gql: GraphQLClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        # given
        first, second = await _users(sessions, tenant, 2)

        # when the list names a user twice, in reverse creation order
        result = await _update(
            gql,
            tokens.partner_admin(tenant.partner_id),
            tenant,
            enabled=True,
            allowlist=[second.id, first.id, second.id],
        )

        # then each user is in once, with the e-mail a dashboard shows
        state = result["data"]["updatePromptStudio"]
        assert state["enabled"] is True
        assert state["allowlist"] == [first.id, second.id]
        assert state["allowlistUsers"] == [
            {"id": first.id, "email": first.email},
            {"id": second.id, "email": second.email},
        ]
        assert state["updatedAt"] is not None
        # and a read gives the same
        read = await gql(PROMPT_STUDIO, {"tenantId": tenant.id}, token=tokens.super_admin())
        assert read["data"]["promptStudio"]["allowlist"] == [first.id, second.id]
        assert read["data"]["promptStudio"]["allowlistUsers"][0]["displayName"] == "Person 0"

    async def test_fields_left_out_keep_their_value(
        self, sessions: Sessions, gql: GraphQLClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        (user,) = await _users(sessions, tenant, 1)
        token = tokens.tenant_admin(tenant.id)
        await _update(gql, token, tenant, enabled=True, allowlist=[user.id])

        switched_off = await _update(gql, token, tenant, enabled=False)
        emptied = await _update(gql, token, tenant, allowlist=[])

        assert switched_off["data"]["updatePromptStudio"]["allowlist"] == [user.id]
        assert emptied["data"]["updatePromptStudio"]["enabled"] is False
        assert emptied["data"]["updatePromptStudio"]["allowlist"] == []

    async def test_records_one_event_with_what_changed(
        self, sessions: Sessions, gql: GraphQLClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        # given
        a, b, c = await _users(sessions, tenant, 3)
        token = tokens.tenant_admin(tenant.id)
        await _update(gql, token, tenant, allowlist=[a.id, b.id])

        # when
        await _update(gql, token, tenant, enabled=True, allowlist=[b.id, c.id])

        # then
        events = await recorded_events(sessions, action="prompt_studio.update")
        assert len(events) == 2
        event = events[-1]
        assert (event.result, event.tenant_id, event.partner_id) == (
            "success",
            tenant.id,
            tenant.partner_id,
        )
        assert (event.resource_type, event.resource_id) == ("prompt_studio", tenant.id)
        assert (event.actor_id, event.actor_type) == ("usr_tenant", "user")
        assert event.event_metadata == {
            "enabled": True,
            "allowlist_added": [c.id],
            "allowlist_removed": [a.id],
        }

    @pytest.mark.parametrize("whose", ["unknown", "another tenant's", "deleted"])
    async def test_a_user_who_is_not_a_live_user_of_the_tenant_is_refused_by_id(
        self,
        sessions: Sessions,
        gql: GraphQLClient,
        tokens: Tokens,
        tenant: Tenant,
        whose: str,
    ) -> None:
        # given a valid user and one that may not be allowlisted
        (member,) = await _users(sessions, tenant, 1)
        if whose == "unknown":
            stranger = "usr_01jzzzzzzzzzzzzzzzzzzzzzzz"
        elif whose == "deleted":
            stranger = (await create_user(sessions, tenant=tenant, deleted_at=utcnow())).id
        else:
            elsewhere = await create_tenant(sessions, partner=await create_partner(sessions))
            stranger = (await create_user(sessions, tenant=elsewhere)).id

        # when
        result = await _update(
            gql, tokens.super_admin(), tenant, enabled=True, allowlist=[member.id, stranger]
        )

        # then the id is named, and nothing is written
        assert _error(result) == (
            "BAD_USER_INPUT",
            f"allowlist: {stranger} is not a user of this tenant",
        )
        assert result["errors"][0]["extensions"]["field"] == "allowlist"
        read = await gql(PROMPT_STUDIO, {"tenantId": tenant.id}, token=tokens.super_admin())
        assert read["data"]["promptStudio"]["enabled"] is False
        assert read["data"]["promptStudio"]["allowlist"] == []
        (failure,) = await recorded_events(sessions, action="prompt_studio.update")
        assert failure.result == "failure"

    async def test_more_than_a_thousand_entries_are_refused(
        self, gql: GraphQLClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        allowlist = [f"usr_{n:026d}" for n in range(1001)]

        result = await _update(gql, tokens.super_admin(), tenant, allowlist=allowlist)

        assert _error(result) == ("BAD_USER_INPUT", "allowlist: must have at most 1000 items")

    @pytest.mark.parametrize(
        ("field", "message"),
        [
            ("allowlist", "allowlist: must not be null (send [] to empty it)"),
            ("enabled", "enabled: must be true or false"),
        ],
    )
    async def test_null_is_refused_naming_the_field(
        self, gql: GraphQLClient, tokens: Tokens, tenant: Tenant, field: str, message: str
    ) -> None:
        result = await _update(gql, tokens.super_admin(), tenant, **{field: None})

        assert _error(result) == ("BAD_USER_INPUT", message)

    async def test_a_tenant_admin_cannot_change_a_sibling_tenant(
        self, sessions: Sessions, gql: GraphQLClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        sibling = await create_tenant(sessions, partner=await create_partner(sessions))

        result = await _update(gql, tokens.tenant_admin(sibling.id), tenant, enabled=True)

        assert _error(result) == ("NOT_FOUND", f"Tenant {tenant.id} not found")


class TestPromptStudioOverRest:
    async def test_get_answers_the_defaults(
        self, http: httpx.AsyncClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        response = await http.get(PATH, headers=bearer(tokens.tenant_admin(tenant.id)))

        assert response.status_code == 200
        assert response.json() == {
            "tenant_id": tenant.id,
            "enabled": False,
            "allowlist": [],
            "allowlist_users": [],
            "updated_at": None,
        }

    async def test_put_sets_the_state_and_answers_it(
        self, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        # given
        (user,) = await _users(sessions, tenant, 1)
        headers = {**bearer(tokens.super_admin()), "X-Scai-Tenant": tenant.id}

        # when
        response = await http.put(
            PATH, json={"enabled": True, "allowlist": [user.id]}, headers=headers
        )
        read = await http.get(PATH, headers=headers)

        # then
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["enabled"] is True
        assert body["allowlist"] == [user.id]
        assert body["allowlist_users"] == [
            {"id": user.id, "email": user.email, "display_name": "Person 0"}
        ]
        assert read.json() == body

    @pytest.mark.parametrize(
        ("body", "detail"),
        [
            ({"enabled": True, "allow_list": []}, "Unknown field 'allow_list'"),
            ({"enabled": "yes"}, "enabled: Boolean cannot represent a non boolean value: 'yes'"),
            ({"allowlist": ["usr_nobody"]}, "allowlist: usr_nobody is not a user of this tenant"),
        ],
    )
    async def test_a_bad_body_is_422_naming_the_field(
        self,
        http: httpx.AsyncClient,
        tokens: Tokens,
        tenant: Tenant,
        body: dict[str, Any],
        detail: str,
    ) -> None:
        response = await http.put(PATH, json=body, headers=bearer(tokens.tenant_admin(tenant.id)))

        assert response.status_code == 422
        assert response.json()["detail"] == detail

    async def test_a_platform_token_without_admin_write_is_refused(
        self, http: httpx.AsyncClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        response = await http.put(
            PATH,
            json={"enabled": True},
            headers={**bearer(tokens.platform("admin:read")), "X-Scai-Tenant": tenant.id},
        )

        assert response.status_code == 403
        assert response.json()["detail"] == "Platform token requires admin:write scope"
