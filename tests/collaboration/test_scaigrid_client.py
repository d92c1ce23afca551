"""The model catalog from ScaiGrid: a real HTTP server answers, fails, stalls or is not there."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import FastAPI
from pydantic import SecretStr

from resolvers import scaigrid as scaigrid_client
from tests.app_settings import settings_changed
from tests.collaboration.conftest import READ_TIMEOUT_SECONDS, Tenancy
from tests.collaboration.scaigrid_server import MODELS, FakeScaiGrid, closed_port_url
from tests.factories_collaboration import create_catalog_model
from tests.tokens import Tokens

CATALOG = "/v1/admin/models/catalog"
MODEL_CATALOG = """query ($t: ID) { modelCatalog(tenantId: $t) { totalCount nodes { slug } } }"""


async def _catalog(http: httpx.AsyncClient, tokens: Tokens, tenancy: Tenancy) -> httpx.Response:
    return await http.get(CATALOG, headers=tenancy.super_admin(tokens))


class TestTheCatalogFromScaiGrid:
    async def test_lists_scaigrids_models_with_the_contracts_defaults(
        self, tenancy: Tenancy, scaigrid: FakeScaiGrid, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        # when
        response = await _catalog(http, tokens, tenancy)

        # then
        assert response.status_code == 200, response.text
        voxtral, sonnet = response.json()["data"]
        assert voxtral == {
            "slug": "mistralai/voxtral-small-latest",
            "name": "Voxtral Small",
            "provider": "mistralai",
            "context_window": 32000,
            "capabilities": ["audio", "chat"],
            "description": "Speech understanding.",
            "enabled": False,
            "is_default": False,
            "participant": None,
        }
        assert (sonnet["slug"], sonnet["provider"]) == ("anthropic/claude-sonnet-4-6", "anthropic")
        assert (sonnet["context_window"], sonnet["capabilities"]) == (None, [])

    async def test_ignores_the_built_in_table_while_scaigrid_is_configured(
        self,
        tenancy: Tenancy,
        scaigrid: FakeScaiGrid,
        http: httpx.AsyncClient,
        tokens: Tokens,
        sessions: Any,
    ) -> None:
        # given
        await create_catalog_model(sessions, slug="local/only-here")

        # when
        response = await _catalog(http, tokens, tenancy)

        # then
        slugs = [model["slug"] for model in response.json()["data"]]
        assert slugs == ["mistralai/voxtral-small-latest", "anthropic/claude-sonnet-4-6"]

    async def test_asks_with_the_gateways_bearer_token_when_one_is_set(
        self,
        tenancy: Tenancy,
        scaigrid: FakeScaiGrid,
        http: httpx.AsyncClient,
        tokens: Tokens,
        app: FastAPI,
    ) -> None:
        # when
        with settings_changed(app, scaigrid_api_key=SecretStr("grid-token-1")):
            response = await _catalog(http, tokens, tenancy)

        # then
        assert response.status_code == 200
        [request] = scaigrid.requests
        assert request["Authorization"] == "Bearer grid-token-1"
        assert request["Accept"] == "application/json"


class TestTheCache:
    async def test_a_second_call_within_the_ttl_does_not_reach_scaigrid(
        self,
        tenancy: Tenancy,
        scaigrid: FakeScaiGrid,
        http: httpx.AsyncClient,
        tokens: Tokens,
        gql: Any,
    ) -> None:
        # when: REST twice, then GraphQL, all within the TTL
        first = await _catalog(http, tokens, tenancy)
        second = await _catalog(http, tokens, tenancy)
        third = await gql(MODEL_CATALOG, {"t": tenancy.tenant.id}, token=tokens.super_admin())

        # then
        assert first.json() == second.json()
        assert third["data"]["modelCatalog"]["totalCount"] == len(MODELS)
        assert scaigrid.hits == 1

    async def test_an_expired_list_is_fetched_again(
        self,
        tenancy: Tenancy,
        scaigrid: FakeScaiGrid,
        http: httpx.AsyncClient,
        tokens: Tokens,
        app: FastAPI,
    ) -> None:
        # given: a TTL of zero keeps nothing
        with settings_changed(app, scaigrid_catalog_ttl_seconds=0):
            # when
            await _catalog(http, tokens, tenancy)
            scaigrid.answer(body={"data": [{"slug": "acme/new", "name": "New"}]})
            response = await _catalog(http, tokens, tenancy)

        # then
        assert scaigrid.hits == 2
        assert [model["slug"] for model in response.json()["data"]] == ["acme/new"]

    async def test_a_failure_is_not_kept(
        self, tenancy: Tenancy, scaigrid: FakeScaiGrid, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        # given
        scaigrid.answer(status=500, body={"error": "boom"})
        failed = await _catalog(http, tokens, tenancy)

        # when: ScaiGrid recovers
        scaigrid.answer(body={"data": MODELS})
        recovered = await _catalog(http, tokens, tenancy)

        # then
        assert (failed.status_code, recovered.status_code) == (502, 200)
        assert scaigrid.hits == 2


class TestFailures:
    async def test_an_error_status_is_502_naming_it(
        self,
        tenancy: Tenancy,
        scaigrid: FakeScaiGrid,
        http: httpx.AsyncClient,
        tokens: Tokens,
        gql: Any,
    ) -> None:
        # given
        scaigrid.answer(status=500, body={"error": "internal"})

        # when
        response = await _catalog(http, tokens, tenancy)
        graphql = await gql(MODEL_CATALOG, {"t": tenancy.tenant.id}, token=tokens.super_admin())

        # then
        assert response.status_code == 502
        assert response.json() == {"detail": "ScaiGrid answered 500", "code": "BAD_GATEWAY"}
        [error] = graphql["errors"]
        assert error["message"] == "ScaiGrid answered 500"
        assert error["extensions"]["code"] == "BAD_GATEWAY"
        assert error["extensions"]["upstream_status"] == 500

    async def test_a_body_that_is_not_json_is_502(
        self, tenancy: Tenancy, scaigrid: FakeScaiGrid, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        # given
        scaigrid.answer(raw=b"<html>maintenance</html>")

        # when
        response = await _catalog(http, tokens, tenancy)

        # then
        assert response.status_code == 502
        assert response.json()["code"] == "BAD_GATEWAY"
        assert response.json()["detail"].startswith(
            "ScaiGrid answered with an unexpected model list"
        )

    async def test_a_list_that_breaks_the_contract_is_502_naming_the_place(
        self, tenancy: Tenancy, scaigrid: FakeScaiGrid, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        # given: the second model has no name
        scaigrid.answer(body={"data": [MODELS[0], {"slug": "acme/nameless"}]})

        # when
        response = await _catalog(http, tokens, tenancy)

        # then
        assert response.status_code == 502
        assert "data.1.name" in response.json()["detail"]

    async def test_a_body_without_data_is_502(
        self, tenancy: Tenancy, scaigrid: FakeScaiGrid, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        scaigrid.answer(body={"models": MODELS})

        response = await _catalog(http, tokens, tenancy)

        assert response.status_code == 502
        assert "data" in response.json()["detail"]

    async def test_no_answer_within_the_read_timeout_is_503(
        self, tenancy: Tenancy, scaigrid: FakeScaiGrid, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        # given: ScaiGrid takes longer than the configured read timeout
        scaigrid.delay_seconds = READ_TIMEOUT_SECONDS * 4

        # when
        response = await _catalog(http, tokens, tenancy)

        # then
        assert response.status_code == 503
        assert response.json() == {
            "detail": "ScaiGrid did not answer in time",
            "code": "SERVICE_UNAVAILABLE",
        }
        assert scaigrid.hits == 1

    async def test_a_refused_connection_is_503(
        self, tenancy: Tenancy, http: httpx.AsyncClient, tokens: Tokens, app: FastAPI
    ) -> None:
        # given
        scaigrid_client.clear_cache()

        # when
        with settings_changed(app, scaigrid_url=closed_port_url()):
            response = await _catalog(http, tokens, tenancy)

        # then
        assert response.status_code == 503
        assert response.json() == {
            "detail": "ScaiGrid is unreachable",
            "code": "SERVICE_UNAVAILABLE",
        }

    async def test_a_write_that_needs_the_catalog_fails_the_same_way_and_changes_nothing(
        self, tenancy: Tenancy, scaigrid: FakeScaiGrid, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        # given
        scaigrid.answer(status=503, body={})

        # when
        enabled = await http.post(
            "/v1/admin/models/mistralai/voxtral-small-latest/enable",
            headers=tenancy.super_admin(tokens),
        )
        config = await http.get("/v1/admin/ai-config", headers=tenancy.super_admin(tokens))

        # then
        assert enabled.status_code == 502
        assert enabled.json()["detail"] == "ScaiGrid answered 503"
        assert config.json()["enabled_models"] == []


class TestTheResponseParser:
    def test_keeps_the_first_entry_of_a_slug_listed_twice(self) -> None:
        body = b'{"data": [{"slug": "a/b", "name": "First"}, {"slug": "a/b", "name": "Again"}]}'

        [model] = scaigrid_client.parse_models(body)

        assert model.name == "First"
