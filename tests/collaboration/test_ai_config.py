"""`GET`/`PUT /v1/admin/ai-config` and `aiConfig`/`updateAiConfig`: a tenant's AI settings."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from resolvers import sealed_secrets
from tests.collaboration.conftest import Tenancy
from tests.factories_collaboration import (
    SONNET,
    VOXTRAL,
    audit_events,
    create_built_in_catalog,
    stored_ai_config,
)
from tests.tokens import Tokens

Sessions = async_sessionmaker[AsyncSession]
AI_CONFIG = "/v1/admin/ai-config"
UPDATE = """mutation ($t: ID, $input: AiConfigInput!) {
    updateAiConfig(tenantId: $t, input: $input) {
        tenantId defaultModel enabledModels systemPromptTemplates { name prompt }
        scaigridAuthMode hasScaigridApiKey } }"""


def body(**changes: Any) -> dict[str, Any]:
    """The spec's PUT body, with our catalog's slugs."""
    return {
        "default_model": SONNET,
        "enabled_models": [SONNET, VOXTRAL],
        "system_prompt_templates": [
            {"name": "Friendly", "prompt": "You are a friendly assistant."}
        ],
        "scaigrid_auth_mode": "per_user_exchange",
        "scaigrid_api_key": None,
        **changes,
    }


def templates(*pairs: tuple[str, str]) -> dict[str, Any]:
    return {"system_prompt_templates": [{"name": n, "prompt": p} for n, p in pairs]}


@pytest.fixture
async def catalog(tenancy: Tenancy, sessions: Sessions) -> list[str]:
    return await create_built_in_catalog(sessions)


async def put(
    http: httpx.AsyncClient, tokens: Tokens, tenancy: Tenancy, payload: dict[str, Any]
) -> httpx.Response:
    return await http.put(AI_CONFIG, json=payload, headers=tenancy.super_admin(tokens))


class TestGetAiConfig:
    async def test_a_tenant_that_never_changed_it_has_the_defaults(
        self, tenancy: Tenancy, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        response = await http.get(AI_CONFIG, headers=tenancy.tenant_admin(tokens))

        assert response.status_code == 200
        assert response.json() == {
            "tenant_id": tenancy.tenant.id,
            "default_model": None,
            "enabled_models": [],
            "system_prompt_templates": [],
            "scaigrid_auth_mode": "per_user_exchange",
            "has_scaigrid_api_key": False,
            "updated_at": None,
        }


class TestPutAiConfig:
    async def test_replaces_the_configuration_and_answers_it(
        self, catalog: list[str], tenancy: Tenancy, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        # when
        response = await put(http, tokens, tenancy, body())
        read = await http.get(AI_CONFIG, headers=tenancy.tenant_admin(tokens))

        # then
        assert response.status_code == 200, response.text
        answered = response.json()
        assert answered == read.json()
        assert answered["default_model"] == SONNET
        assert answered["enabled_models"] == [SONNET, VOXTRAL]
        assert answered["system_prompt_templates"] == [
            {"name": "Friendly", "prompt": "You are a friendly assistant."}
        ]
        assert answered["has_scaigrid_api_key"] is False
        assert answered["updated_at"] is not None

    async def test_records_one_event_in_the_tenants_scope(
        self,
        catalog: list[str],
        tenancy: Tenancy,
        http: httpx.AsyncClient,
        tokens: Tokens,
        sessions: Sessions,
    ) -> None:
        await put(http, tokens, tenancy, body())
        await put(http, tokens, tenancy, body(system_prompt_templates=[]))

        first, second = await audit_events(sessions, action="ai_config.update")
        assert (first.result, first.tenant_id, first.partner_id) == (
            "success",
            tenancy.tenant.id,
            tenancy.partner.id,
        )
        assert (first.resource_type, first.resource_id) == ("ai_config", tenancy.tenant.id)
        assert first.event_metadata["changed"] == [
            "default_model",
            "enabled_models",
            "system_prompt_templates",
        ]
        assert second.event_metadata["changed"] == ["system_prompt_templates"]

    async def test_works_the_same_in_graphql(
        self, catalog: list[str], tenancy: Tenancy, gql: Any, tokens: Tokens
    ) -> None:
        variables = {
            "t": tenancy.tenant.id,
            "input": {
                "defaultModel": None,
                "enabledModels": [VOXTRAL],
                "systemPromptTemplates": [],
                "scaigridAuthMode": "disabled",
            },
        }

        result = await gql(UPDATE, variables, token=tokens.partner_admin(tenancy.partner.id))

        assert result["data"]["updateAiConfig"] == {
            "tenantId": tenancy.tenant.id,
            "defaultModel": None,
            "enabledModels": [VOXTRAL],
            "systemPromptTemplates": [],
            "scaigridAuthMode": "disabled",
            "hasScaigridApiKey": False,
        }


class TestTheApiKey:
    async def test_is_stored_sealed_and_usable_but_never_answered(
        self,
        catalog: list[str],
        tenancy: Tenancy,
        http: httpx.AsyncClient,
        tokens: Tokens,
        sessions: Sessions,
        app: FastAPI,
    ) -> None:
        # when
        response = await put(
            http,
            tokens,
            tenancy,
            body(scaigrid_auth_mode="tenant_api_key", scaigrid_api_key="sk-live-42"),
        )

        # then
        assert response.status_code == 200, response.text
        assert response.json()["has_scaigrid_api_key"] is True
        assert "scaigrid_api_key" not in response.json()
        stored = await stored_ai_config(sessions, tenant_id=tenancy.tenant.id)
        assert stored is not None and stored.scaigrid_api_key_sealed is not None
        assert "sk-live-42" not in stored.scaigrid_api_key_sealed
        key = app.state.settings.sealing_key
        assert sealed_secrets.unseal(key, stored.scaigrid_api_key_sealed) == "sk-live-42"

    @pytest.mark.parametrize("omitted", ["absent", "null"])
    async def test_is_kept_when_absent_or_null(
        self,
        catalog: list[str],
        tenancy: Tenancy,
        http: httpx.AsyncClient,
        tokens: Tokens,
        sessions: Sessions,
        omitted: str,
    ) -> None:
        # given
        await put(
            http,
            tokens,
            tenancy,
            body(scaigrid_auth_mode="tenant_api_key", scaigrid_api_key="sk-1"),
        )
        before = await stored_ai_config(sessions, tenant_id=tenancy.tenant.id)
        payload = body(scaigrid_auth_mode="tenant_api_key", system_prompt_templates=[])
        if omitted == "absent":
            del payload["scaigrid_api_key"]

        # when
        response = await put(http, tokens, tenancy, payload)

        # then
        assert response.status_code == 200, response.text
        assert response.json()["has_scaigrid_api_key"] is True
        after = await stored_ai_config(sessions, tenant_id=tenancy.tenant.id)
        assert before is not None and after is not None
        assert after.scaigrid_api_key_sealed == before.scaigrid_api_key_sealed

    async def test_an_empty_string_removes_it_and_another_value_replaces_it(
        self,
        catalog: list[str],
        tenancy: Tenancy,
        http: httpx.AsyncClient,
        tokens: Tokens,
        sessions: Sessions,
        app: FastAPI,
    ) -> None:
        await put(http, tokens, tenancy, body(scaigrid_api_key="sk-old"))

        replaced = await put(http, tokens, tenancy, body(scaigrid_api_key="sk-new"))
        stored = await stored_ai_config(sessions, tenant_id=tenancy.tenant.id)
        removed = await put(http, tokens, tenancy, body(scaigrid_api_key=""))
        cleared = await stored_ai_config(sessions, tenant_id=tenancy.tenant.id)

        assert replaced.json()["has_scaigrid_api_key"] is True
        assert stored is not None and stored.scaigrid_api_key_sealed is not None
        key = app.state.settings.sealing_key
        assert sealed_secrets.unseal(key, stored.scaigrid_api_key_sealed) == "sk-new"
        assert removed.json()["has_scaigrid_api_key"] is False
        assert cleared is not None and cleared.scaigrid_api_key_sealed is None

    async def test_tenant_api_key_mode_needs_a_key(
        self, catalog: list[str], tenancy: Tenancy, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        without = await put(http, tokens, tenancy, body(scaigrid_auth_mode="tenant_api_key"))
        await put(http, tokens, tenancy, body(scaigrid_api_key="sk-1"))
        with_stored = await put(http, tokens, tenancy, body(scaigrid_auth_mode="tenant_api_key"))
        removing = await put(
            http, tokens, tenancy, body(scaigrid_auth_mode="tenant_api_key", scaigrid_api_key="")
        )

        assert without.status_code == 422
        assert without.json()["detail"] == (
            "scaigrid_api_key: is required when scaigrid_auth_mode is tenant_api_key"
        )
        assert with_stored.status_code == 200
        assert removing.status_code == 422

    @pytest.mark.parametrize(
        ("value", "detail"),
        [
            (12345, "scaigrid_api_key: String cannot represent a non string value"),
            ("sk with space", "scaigrid_api_key: must not contain whitespace"),
            ("k" * 1001, "scaigrid_api_key: must be at most 1000 characters"),
        ],
    )
    async def test_a_bad_key_is_refused_without_showing_it(
        self,
        catalog: list[str],
        tenancy: Tenancy,
        http: httpx.AsyncClient,
        tokens: Tokens,
        value: Any,
        detail: str,
    ) -> None:
        response = await put(http, tokens, tenancy, body(scaigrid_api_key=value))

        assert response.status_code == 422
        assert response.json()["detail"].startswith(detail)


class TestValidation:
    @pytest.mark.parametrize(
        ("changes", "detail"),
        [
            (
                {"default_model": "openai/gpt-4o"},
                "default_model: 'openai/gpt-4o' must be one of enabled_models",
            ),
            (
                {"enabled_models": [SONNET, "acme/unknown"]},
                "enabled_models: 'acme/unknown' is not a model of the catalog",
            ),
            ({"enabled_models": None}, "enabled_models: "),
            ({"scaigrid_auth_mode": "password"}, "scaigrid_auth_mode: "),
            (
                templates(("A", "x"), ("a", "y")),
                "system_prompt_templates[1].name: 'a' is used by another template",
            ),
            (templates(("  ", "x")), "system_prompt_templates[0].name: must not be empty"),
            (templates(("A", "")), "system_prompt_templates[0].prompt: must not be empty"),
            (
                templates(("n" * 101, "x")),
                "system_prompt_templates[0].name: must be at most 100 characters",
            ),
            (
                templates(("A", "p" * 8001)),
                "system_prompt_templates[0].prompt: must be at most 8000 characters",
            ),
            (
                templates(*((f"T{i}", "x") for i in range(51))),
                "system_prompt_templates: must have at most 50 templates",
            ),
            ({"unknown": 1}, "Unknown field 'unknown'"),
        ],
    )
    async def test_refuses_with_422_naming_the_field_and_changes_nothing(
        self,
        catalog: list[str],
        tenancy: Tenancy,
        http: httpx.AsyncClient,
        tokens: Tokens,
        changes: dict[str, Any],
        detail: str,
    ) -> None:
        # given
        before = (await put(http, tokens, tenancy, body())).json()

        # when
        response = await put(http, tokens, tenancy, body(**changes))

        # then
        assert response.status_code == 422, response.text
        assert response.json()["code"] == "BAD_USER_INPUT"
        assert response.json()["detail"].startswith(detail)
        after = await http.get(AI_CONFIG, headers=tenancy.super_admin(tokens))
        assert after.json() == before

    async def test_takes_the_limits_themselves(
        self, catalog: list[str], tenancy: Tenancy, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        # 50 templates at 8,000 characters would pass the default request body limit (100 KB)
        many = [{"name": f"T{i}", "prompt": "x"} for i in range(50)]
        longest = [{"name": "n" * 100, "prompt": "p" * 8000}]

        fifty = await put(http, tokens, tenancy, body(system_prompt_templates=many))
        long = await put(http, tokens, tenancy, body(system_prompt_templates=longest))

        assert fifty.status_code == 200, fifty.text[:300]
        assert len(fifty.json()["system_prompt_templates"]) == 50
        assert long.status_code == 200, long.text[:300]
        assert long.json()["system_prompt_templates"] == longest

    @pytest.mark.parametrize(
        "key", ["default_model", "enabled_models", "system_prompt_templates", "scaigrid_auth_mode"]
    )
    async def test_every_key_of_the_documented_body_but_the_api_key_is_required(
        self,
        catalog: list[str],
        tenancy: Tenancy,
        http: httpx.AsyncClient,
        tokens: Tokens,
        key: str,
    ) -> None:
        payload = body()
        del payload[key]

        response = await put(http, tokens, tenancy, payload)

        assert response.status_code == 422
        assert response.json()["detail"].startswith(f"{key}: is required")

    async def test_a_model_listed_twice_is_enabled_once(
        self, catalog: list[str], tenancy: Tenancy, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        response = await put(http, tokens, tenancy, body(enabled_models=[SONNET, SONNET]))

        assert response.json()["enabled_models"] == [SONNET]

    async def test_a_refused_write_leaves_one_failure_event(
        self,
        catalog: list[str],
        tenancy: Tenancy,
        http: httpx.AsyncClient,
        tokens: Tokens,
        sessions: Sessions,
    ) -> None:
        await put(http, tokens, tenancy, body(default_model="acme/unknown"))

        [event] = await audit_events(sessions, action="ai_config.update")
        assert event.result == "failure"
        assert event.event_metadata["code"] == "BAD_USER_INPUT"
