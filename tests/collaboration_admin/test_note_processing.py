"""Note processing: `noteProcessing` / `updateNoteProcessing` and `/v1/admin/note-processing`."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import Tenant
from tests.conftest import GraphQLClient
from tests.factories import create_partner, create_tenant
from tests.factories_collaboration_admin import enable_models, recorded_events
from tests.tokens import Tokens, bearer

Sessions = async_sessionmaker[AsyncSession]
PATH = "/v1/admin/note-processing"
FIELDS = (
    "tenantId enabled model autoTag autoSummarize summaryLength languages retentionDays updatedAt"
)
NOTE_PROCESSING = f"""
query ($tenantId: ID) {{ noteProcessing(tenantId: $tenantId) {{ {FIELDS} }} }}
"""
UPDATE_NOTE_PROCESSING = f"""
mutation ($tenantId: ID, $input: UpdateNoteProcessingInput!) {{
  updateNoteProcessing(tenantId: $tenantId, input: $input) {{ {FIELDS} }}
}}
"""

NOT_ENABLED = "is not a model enabled for this tenant"
NOT_BCP47 = "is not a valid BCP-47 language tag"
NO_SUCH_LENGTH = "Value 'HUGE' does not exist in 'NoteSummaryLength' enum."
DEFAULTS = {
    "enabled": False,
    "model": None,
    "autoTag": True,
    "autoSummarize": False,
    "summaryLength": "MEDIUM",
    "languages": ["en"],
    "retentionDays": 365,
    "updatedAt": None,
}


@pytest.fixture
async def tenant(db: None, sessions: Sessions) -> Tenant:
    tenant = await create_tenant(sessions, partner=await create_partner(sessions))
    await enable_models(sessions, tenant=tenant, models=["claude-sonnet-4-6", "scailar-pro"])
    return tenant


async def _update(gql: GraphQLClient, token: str, **changes: Any) -> dict[str, Any]:
    return await gql(UPDATE_NOTE_PROCESSING, {"input": changes}, token=token)


def _error(result: dict[str, Any]) -> tuple[str, str, str]:
    error = result["errors"][0]
    return error["extensions"]["code"], error["extensions"].get("field"), error["message"]


class TestNoteProcessing:
    async def test_a_tenant_that_never_set_it_has_the_defaults(
        self, gql: GraphQLClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        result = await gql(NOTE_PROCESSING, {"tenantId": tenant.id}, token=tokens.super_admin())

        assert result["data"]["noteProcessing"] == {"tenantId": tenant.id, **DEFAULTS}

    async def test_a_platform_token_with_admin_read_may_read_it(
        self, gql: GraphQLClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        result = await gql(
            NOTE_PROCESSING, {"tenantId": tenant.id}, token=tokens.platform("admin:read")
        )

        assert result["data"]["noteProcessing"]["retentionDays"] == 365


class TestUpdateNoteProcessing:
    async def test_stores_every_field_and_reads_it_back(
        self, sessions: Sessions, gql: GraphQLClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        # given
        token = tokens.tenant_admin(tenant.id)
        changes = {
            "enabled": True,
            "model": "scailar-pro",
            "autoTag": False,
            "autoSummarize": True,
            "summaryLength": "LONG",
            "languages": ["en-GB", "DE", "zh_Hant_TW", "en-gb"],
            "retentionDays": 90,
        }

        # when
        result = await _update(gql, token, **changes)
        read = await gql(NOTE_PROCESSING, token=token)

        # then tags are canonical and distinct
        state = result["data"]["updateNoteProcessing"]
        assert {k: v for k, v in state.items() if k not in ("tenantId", "updatedAt")} == {
            **changes,
            "languages": ["en-GB", "de", "zh-Hant-TW"],
        }
        assert state["updatedAt"] is not None
        assert read["data"]["noteProcessing"] == state
        # and one event records the change
        (event,) = await recorded_events(sessions, action="note_processing.update")
        assert (event.result, event.tenant_id, event.resource_type, event.resource_id) == (
            "success",
            tenant.id,
            "note_processing",
            tenant.id,
        )
        assert event.event_metadata["languages"] == ["en-GB", "de", "zh-Hant-TW"]
        assert event.event_metadata["summary_length"] == "long"

    async def test_fields_left_out_keep_their_value_or_default(
        self, gql: GraphQLClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        token = tokens.tenant_admin(tenant.id)
        await _update(gql, token, retentionDays=30)

        result = await _update(gql, token, enabled=True, model=None)

        state = result["data"]["updateNoteProcessing"]
        assert (state["enabled"], state["model"], state["retentionDays"]) == (True, None, 30)
        assert state["languages"] == ["en"]
        assert state["summaryLength"] == "MEDIUM"

    @pytest.mark.parametrize(
        ("changes", "field", "message"),
        [
            ({"model": "gpt-unknown"}, "model", f"'gpt-unknown' {NOT_ENABLED}"),
            ({"retentionDays": 0}, "retention_days", "must be between 1 and 3650"),
            ({"retentionDays": 3651}, "retention_days", "must be between 1 and 3650"),
            ({"retentionDays": None}, "retention_days", "must be an integer number of days"),
            ({"languages": ["en", "klingon"]}, "languages", f"'klingon' {NOT_BCP47}"),
            ({"languages": ["xx-YY"]}, "languages", f"'xx-YY' {NOT_BCP47}"),
            ({"languages": []}, "languages", "must name at least one language"),
            ({"languages": ["en"] * 51}, "languages", "must have at most 50 items"),
            ({"summaryLength": None}, "summary_length", "must not be null"),
            ({"autoTag": None}, "auto_tag", "must be true or false"),
        ],
    )  # fmt: skip
    async def test_an_invalid_value_is_refused_naming_its_field(
        self,
        gql: GraphQLClient,
        tokens: Tokens,
        tenant: Tenant,
        changes: dict[str, Any],
        field: str,
        message: str,
    ) -> None:
        token = tokens.tenant_admin(tenant.id)

        result = await _update(gql, token, enabled=True, **changes)

        assert _error(result) == ("BAD_USER_INPUT", field, f"{field}: {message}")
        read = await gql(NOTE_PROCESSING, token=token)
        assert read["data"]["noteProcessing"]["enabled"] is False

    async def test_only_the_tenants_own_enabled_models_are_accepted(
        self, sessions: Sessions, gql: GraphQLClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        # given a model enabled in another tenant only
        other = await create_tenant(sessions, partner=await create_partner(sessions))
        await enable_models(sessions, tenant=other, models=["mistral-large"])

        # when
        result = await _update(gql, tokens.tenant_admin(tenant.id), model="mistral-large")

        # then
        assert _error(result)[1:] == (
            "model",
            "model: 'mistral-large' is not a model enabled for this tenant",
        )


class TestNoteProcessingOverRest:
    async def test_get_answers_the_defaults_in_snake_case(
        self, http: httpx.AsyncClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        response = await http.get(
            PATH, headers={**bearer(tokens.super_admin()), "X-Scai-Tenant": tenant.id}
        )

        assert response.status_code == 200
        assert response.json() == {
            "tenant_id": tenant.id,
            "enabled": False,
            "model": None,
            "auto_tag": True,
            "auto_summarize": False,
            "summary_length": "MEDIUM",
            "languages": ["en"],
            "retention_days": 365,
            "updated_at": None,
        }

    async def test_put_changes_the_fields_given(
        self, http: httpx.AsyncClient, tokens: Tokens, tenant: Tenant
    ) -> None:
        headers = {**bearer(tokens.partner_admin(tenant.partner_id)), "X-Scai-Tenant": tenant.id}

        response = await http.put(
            PATH,
            json={"enabled": True, "model": "claude-sonnet-4-6", "summary_length": "SHORT"},
            headers=headers,
        )

        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["enabled"], body["model"], body["summary_length"]) == (
            True,
            "claude-sonnet-4-6",
            "SHORT",
        )
        assert body["retention_days"] == 365
        assert (await http.get(PATH, headers=headers)).json() == body

    @pytest.mark.parametrize(
        ("body", "detail"),
        [
            ({"retention_days": -1}, "retention_days: must be between 1 and 3650"),
            ({"languages": ["en", "??"]}, f"languages: '??' {NOT_BCP47}"),
            ({"summary_length": "HUGE"}, f"summary_length: {NO_SUCH_LENGTH}"),
            ({"auto_tags": True}, "Unknown field 'auto_tags'"),
        ],
    )  # fmt: skip
    async def test_a_bad_value_is_422_naming_the_field(
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
