"""`/v1/admin/models/...`: the catalog with the tenant's state, enabling, the model participant."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.collaboration.conftest import Tenancy
from tests.factories_collaboration import (
    SONNET,
    VOXTRAL,
    audit_events,
    create_built_in_catalog,
    create_catalog_model,
    create_model_participant,
)
from tests.tokens import Tokens

Sessions = async_sessionmaker[AsyncSession]
MODELS = "/v1/admin/models"
CATALOG_QUERY = """query ($t: ID, $first: Int, $after: String) {
    modelCatalog(tenantId: $t, first: $first, after: $after) {
        totalCount pageInfo { hasNextPage endCursor }
        nodes { slug enabled isDefault participant { localId } } } }"""
ENABLE = """mutation ($t: ID, $slug: String!) {
    enableModel(tenantId: $t, slug: $slug) { slug enabled } }"""
PARTICIPANT = {
    "local_id": "code-helper",
    "display_name": "Code Helper",
    "system_prompt": "You are a code review assistant. Prefer brevity.",
    "default_response_mode": "conversational",
    "enabled": True,
}


@pytest.fixture
async def catalog(tenancy: Tenancy, sessions: Sessions) -> list[str]:
    return await create_built_in_catalog(sessions)


def _slugs(response: httpx.Response, *, enabled: bool | None = None) -> list[str]:
    return [
        model["slug"]
        for model in response.json()["data"]
        if enabled is None or model["enabled"] is enabled
    ]


class TestCatalog:
    async def test_lists_every_model_with_the_tenants_state(
        self,
        catalog: list[str],
        tenancy: Tenancy,
        http: httpx.AsyncClient,
        tokens: Tokens,
        sessions: Sessions,
    ) -> None:
        # given: Sonnet enabled and the default, with a catalog participant; the sibling
        # tenant's state is its own
        admin = tenancy.super_admin(tokens)
        await http.post(f"{MODELS}/{VOXTRAL}/enable", headers=admin)
        await http.put(
            "/v1/admin/ai-config",
            json={
                "default_model": SONNET,
                "enabled_models": [SONNET, VOXTRAL],
                "system_prompt_templates": [],
                "scaigrid_auth_mode": "per_user_exchange",
            },
            headers=admin,
        )
        await http.put(f"{MODELS}/{SONNET}/participant", json=PARTICIPANT, headers=admin)
        await http.post(
            f"{MODELS}/openai/gpt-4o/enable", headers=tenancy.super_admin(tokens, tenancy.sibling)
        )

        # when
        response = await http.get(f"{MODELS}/catalog", headers=tenancy.tenant_admin(tokens))

        # then
        assert response.status_code == 200
        assert sorted(_slugs(response)) == sorted(catalog)
        assert sorted(_slugs(response, enabled=True)) == sorted([SONNET, VOXTRAL])
        by_slug = {model["slug"]: model for model in response.json()["data"]}
        assert by_slug[SONNET]["is_default"] is True
        assert by_slug[VOXTRAL]["is_default"] is False
        assert by_slug[SONNET]["participant"]["local_id"] == "code-helper"
        assert by_slug[SONNET]["participant"]["kind"] == "model"
        assert by_slug[VOXTRAL]["participant"] is None

    async def test_an_empty_catalog_is_an_empty_list(
        self, tenancy: Tenancy, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        response = await http.get(f"{MODELS}/catalog", headers=tenancy.super_admin(tokens))

        assert response.json() == {"data": []}

    async def test_rest_reads_every_page_of_the_connection(
        self,
        tenancy: Tenancy,
        http: httpx.AsyncClient,
        tokens: Tokens,
        sessions: Sessions,
        gql: Any,
    ) -> None:
        # given: more models than one page holds
        for n in range(105):
            await create_catalog_model(sessions, slug=f"acme/model-{n:03d}")

        # when
        response = await http.get(f"{MODELS}/catalog", headers=tenancy.super_admin(tokens))
        page = await gql(
            CATALOG_QUERY, {"t": tenancy.tenant.id, "first": 100}, token=tokens.super_admin()
        )

        # then
        assert len(_slugs(response)) == 105
        assert _slugs(response) == sorted(_slugs(response))
        catalog_page = page["data"]["modelCatalog"]
        assert (catalog_page["totalCount"], len(catalog_page["nodes"])) == (105, 100)
        assert catalog_page["pageInfo"]["hasNextPage"] is True


class TestEnableAndDisable:
    async def test_a_slug_with_slashes_is_enabled_and_disabled_idempotently(
        self,
        catalog: list[str],
        tenancy: Tenancy,
        http: httpx.AsyncClient,
        tokens: Tokens,
        sessions: Sessions,
    ) -> None:
        admin = tenancy.super_admin(tokens)

        # when
        first = await http.post(f"{MODELS}/{VOXTRAL}/enable", headers=admin)
        again = await http.post(f"{MODELS}/{VOXTRAL}/enable", headers=admin)
        config = await http.get("/v1/admin/ai-config", headers=admin)
        disabled = await http.post(f"{MODELS}/{VOXTRAL}/disable", headers=admin)
        disabled_again = await http.post(f"{MODELS}/{VOXTRAL}/disable", headers=admin)
        after = await http.get("/v1/admin/ai-config", headers=admin)

        # then
        assert first.status_code == again.status_code == 200, first.text
        assert first.json() == again.json()
        assert (first.json()["slug"], first.json()["enabled"]) == (VOXTRAL, True)
        assert config.json()["enabled_models"] == [VOXTRAL]
        assert disabled.json() == disabled_again.json()
        assert disabled.json()["enabled"] is False
        assert after.json()["enabled_models"] == []
        # one event per call, saying whether it changed anything
        events = [
            (event.action, event.resource_id, event.tenant_id, event.event_metadata["changed"])
            for event in await audit_events(sessions)
        ]
        tenant = tenancy.tenant.id
        assert events == [
            ("model.enable", VOXTRAL, tenant, True),
            ("model.enable", VOXTRAL, tenant, False),
            ("model.disable", VOXTRAL, tenant, True),
            ("model.disable", VOXTRAL, tenant, False),
        ]

    async def test_the_slash_may_also_come_percent_encoded(
        self, catalog: list[str], tenancy: Tenancy, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        response = await http.post(
            f"{MODELS}/mistralai%2Fvoxtral-small-latest/enable",
            headers=tenancy.super_admin(tokens),
        )

        assert (response.status_code, response.json()["slug"]) == (200, VOXTRAL)

    async def test_routes_are_not_shadowed_by_slugs_that_look_like_them(
        self, tenancy: Tenancy, http: httpx.AsyncClient, tokens: Tokens, sessions: Sessions
    ) -> None:
        # given: slugs ending in the routes' own words
        for slug in ("acme/enable", "acme/disable", "acme/participant", "catalog/x"):
            await create_catalog_model(sessions, slug=slug)
        admin = tenancy.super_admin(tokens)

        # when
        enabled = await http.post(f"{MODELS}/acme/enable/enable", headers=admin)
        disabled = await http.post(f"{MODELS}/acme/disable/disable", headers=admin)
        participant = await http.put(
            f"{MODELS}/acme/participant/participant", json=PARTICIPANT, headers=admin
        )
        catalog_slug = await http.post(f"{MODELS}/catalog/x/enable", headers=admin)
        catalog = await http.get(f"{MODELS}/catalog", headers=admin)

        # then
        assert (enabled.status_code, enabled.json()["slug"]) == (200, "acme/enable")
        assert (disabled.status_code, disabled.json()["slug"]) == (200, "acme/disable")
        assert (participant.status_code, participant.json()["model_slug"]) == (
            200,
            "acme/participant",
        )
        assert catalog_slug.json()["slug"] == "catalog/x"
        assert catalog.status_code == 200
        assert sorted(_slugs(catalog, enabled=True)) == ["acme/enable", "catalog/x"]

    @pytest.mark.parametrize("verb", ["enable", "disable"])
    async def test_a_slug_the_catalog_does_not_have_is_404(
        self,
        catalog: list[str],
        tenancy: Tenancy,
        http: httpx.AsyncClient,
        tokens: Tokens,
        verb: str,
    ) -> None:
        response = await http.post(
            f"{MODELS}/acme/no/such-model/{verb}", headers=tenancy.super_admin(tokens)
        )

        assert response.status_code == 404
        assert response.json() == {
            "detail": "Model acme/no/such-model not found",
            "code": "NOT_FOUND",
        }

    async def test_the_default_model_cannot_be_disabled(
        self, catalog: list[str], tenancy: Tenancy, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        # given
        admin = tenancy.super_admin(tokens)
        config = {
            "default_model": SONNET,
            "enabled_models": [SONNET],
            "system_prompt_templates": [],
            "scaigrid_auth_mode": "per_user_exchange",
        }
        await http.put("/v1/admin/ai-config", json=config, headers=admin)

        # when
        refused = await http.post(f"{MODELS}/{SONNET}/disable", headers=admin)
        await http.put("/v1/admin/ai-config", json={**config, "default_model": None}, headers=admin)
        allowed = await http.post(f"{MODELS}/{SONNET}/disable", headers=admin)

        # then
        assert refused.status_code == 409
        assert refused.json()["code"] == "CONFLICT"
        assert "default model" in refused.json()["detail"]
        assert (allowed.status_code, allowed.json()["enabled"]) == (200, False)

    async def test_works_the_same_in_graphql(
        self, catalog: list[str], tenancy: Tenancy, gql: Any, tokens: Tokens
    ) -> None:
        result = await gql(
            ENABLE,
            {"t": tenancy.tenant.id, "slug": VOXTRAL},
            token=tokens.tenant_admin(tenancy.tenant.id),
        )

        assert result["data"]["enableModel"] == {"slug": VOXTRAL, "enabled": True}


class TestConfigureModelParticipant:
    async def test_creates_the_models_participant_then_reconfigures_the_same_one(
        self,
        catalog: list[str],
        tenancy: Tenancy,
        http: httpx.AsyncClient,
        tokens: Tokens,
        sessions: Sessions,
    ) -> None:
        admin = tenancy.super_admin(tokens)

        # when
        created = await http.put(f"{MODELS}/{VOXTRAL}/participant", json=PARTICIPANT, headers=admin)
        changed = await http.put(
            f"{MODELS}/{VOXTRAL}/participant",
            json={**PARTICIPANT, "local_id": "scribe", "default_response_mode": "on_mention",
                  "enabled": False},
            headers=admin,
        )  # fmt: skip

        # then
        assert created.status_code == 200, created.text
        first = created.json()
        assert first["id"].startswith("mpt_")
        assert {key: first[key] for key in PARTICIPANT} == PARTICIPANT
        assert (first["model_slug"], first["origin"], first["kind"]) == (
            VOXTRAL,
            "catalog",
            "model",
        )
        second = changed.json()
        assert second["id"] == first["id"]
        assert (second["local_id"], second["default_response_mode"], second["enabled"]) == (
            "scribe",
            "on_mention",
            False,
        )
        events = await audit_events(sessions, action="model_participant.configure")
        assert [(e.resource_type, e.resource_id, e.event_metadata["created"]) for e in events] == [
            ("model_participant", first["id"], True),
            ("model_participant", first["id"], False),
        ]

    async def test_absent_optional_fields_take_their_defaults(
        self, catalog: list[str], tenancy: Tenancy, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        response = await http.put(
            f"{MODELS}/{VOXTRAL}/participant",
            json={"local_id": "scribe", "display_name": "Scribe"},
            headers=tenancy.super_admin(tokens),
        )

        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["system_prompt"], body["default_response_mode"], body["enabled"]) == (
            None,
            "conversational",
            True,
        )

    async def test_a_local_id_taken_by_another_participant_is_409(
        self,
        catalog: list[str],
        tenancy: Tenancy,
        http: httpx.AsyncClient,
        tokens: Tokens,
        sessions: Sessions,
    ) -> None:
        # given: the tenant has a manual participant "scribe"; the sibling's "code-helper"
        # does not count
        await create_model_participant(sessions, tenant=tenancy.tenant, local_id="scribe")
        await create_model_participant(sessions, tenant=tenancy.sibling, local_id="code-helper")
        admin = tenancy.super_admin(tokens)

        # when
        clash = await http.put(
            f"{MODELS}/{VOXTRAL}/participant",
            json={**PARTICIPANT, "local_id": "scribe"},
            headers=admin,
        )
        free = await http.put(f"{MODELS}/{VOXTRAL}/participant", json=PARTICIPANT, headers=admin)

        # then
        assert clash.status_code == 409
        assert clash.json() == {
            "detail": "A participant with local_id 'scribe' already exists in this tenant",
            "code": "CONFLICT",
        }
        assert free.status_code == 200

    async def test_a_slug_the_catalog_does_not_have_is_404(
        self, catalog: list[str], tenancy: Tenancy, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        response = await http.put(
            f"{MODELS}/acme/unknown/participant",
            json=PARTICIPANT,
            headers=tenancy.super_admin(tokens),
        )

        assert (response.status_code, response.json()["code"]) == (404, "NOT_FOUND")

    @pytest.mark.parametrize(
        ("changes", "detail"),
        [
            ({"default_response_mode": "shouting"}, "default_response_mode: "),
            ({"default_response_mode": None}, "default_response_mode: must not be null"),
            ({"local_id": "Code Helper"}, "local_id: must be lowercase letters"),
            ({"display_name": "  "}, "display_name: must not be empty"),
            ({"system_prompt": "p" * 8001}, "system_prompt: must be at most 8000 characters"),
            ({"enabled": None}, "enabled: must be true or false"),
            ({"colour": "blue"}, "Unknown field 'colour'"),
        ],
    )
    async def test_bad_input_is_422_naming_the_field(
        self,
        catalog: list[str],
        tenancy: Tenancy,
        http: httpx.AsyncClient,
        tokens: Tokens,
        changes: dict[str, Any],
        detail: str,
    ) -> None:
        response = await http.put(
            f"{MODELS}/{VOXTRAL}/participant",
            json={**PARTICIPANT, **changes},
            headers=tenancy.super_admin(tokens),
        )

        assert response.status_code == 422, response.text
        assert response.json()["detail"].startswith(detail)

    async def test_a_missing_required_field_is_422(
        self, catalog: list[str], tenancy: Tenancy, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        response = await http.put(
            f"{MODELS}/{VOXTRAL}/participant",
            json={"display_name": "X"},
            headers=tenancy.super_admin(tokens),
        )

        assert response.status_code == 422
        assert response.json()["detail"] == "local_id: is required"
