"""SCAIGATE_ENV=production: the schema's shape for super admins only, masked unexpected errors
whose id finds the log line, and no OpenAPI, /docs or explorer unless enabled."""

from __future__ import annotations

import io
import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.exc import ProgrammingError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

import resolvers.tenants
from core.settings import Settings
from gateway.app import create_app
from gateway.logs import configure_logging
from tests.conftest import GraphQLClient
from tests.factories import create_partner, create_tenant
from tests.tokens import Tokens, bearer

SIGNING_KEY = "production-test-signing-key-0123456789-abcdef"

INTROSPECTION = "{ __schema { queryType { name } } }"
TYPE_INTROSPECTION = '{ __type(name: "Tenant") { name fields { name } } }'
MISTYPED_FIELD = "{ tenants(first: 1) { nodes { nme } } }"
MISTYPED_ENUM = "{ tenants(first: 1, status: ACTIV) { totalCount } }"
ENUM_VARIABLE = "query ($status: TenantStatus) { tenants(status: $status) { totalCount } }"


def production_settings(database_url: str, **overrides: Any) -> Settings:
    return Settings(  # type: ignore[call-arg]
        env="production",
        jwt_signing_key=SIGNING_KEY,
        database_url=database_url,
        _env_file=None,
        **overrides,
    )


@pytest.fixture(scope="module")
async def production_app(database_url: str) -> AsyncIterator[FastAPI]:
    application = create_app(production_settings(database_url))
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture(scope="module")
async def production_http(production_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=production_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://scaigate.test") as client:
        yield client


@pytest.fixture(scope="module")
def production_gql(production_http: httpx.AsyncClient) -> GraphQLClient:
    return GraphQLClient(production_http)


@pytest.fixture(scope="module")
def production_tokens(production_app: FastAPI) -> Tokens:
    return Tokens(production_app.state.settings)


@pytest.fixture
def json_log(production_app: FastAPI) -> Iterator[io.StringIO]:
    """The JSON lines the gateway logs during the test."""
    stream = io.StringIO()
    configure_logging(production_app.state.settings, stream=stream)
    try:
        yield stream
    finally:
        configure_logging(production_app.state.settings)


def log_lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def non_super_tokens(tokens: Tokens) -> dict[str, str | None]:
    return {
        "anonymous": None,
        "partner_admin": tokens.partner_admin("prt_01jf0000000000000000000000"),
        "tenant_admin": tokens.tenant_admin("tnt_01jf0000000000000000000000"),
        "platform": tokens.platform("admin:read", "admin:write"),
    }


def messages(body: dict[str, Any]) -> list[str]:
    return [error["message"] for error in body.get("errors", [])]


class TestIntrospection:
    @pytest.mark.parametrize("caller", ["anonymous", "partner_admin", "tenant_admin", "platform"])
    @pytest.mark.parametrize("query", [INTROSPECTION, TYPE_INTROSPECTION])
    async def test_is_refused_to_everyone_but_super_admins(
        self, production_gql: GraphQLClient, production_tokens: Tokens, caller: str, query: str
    ) -> None:
        body = await production_gql(query, token=non_super_tokens(production_tokens)[caller])

        assert body.get("data") is None
        assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
        assert "introspection has been disabled" in body["errors"][0]["message"]

    @pytest.mark.parametrize("query", [INTROSPECTION, TYPE_INTROSPECTION])
    async def test_super_admins_keep_it(
        self, production_gql: GraphQLClient, production_tokens: Tokens, query: str
    ) -> None:
        body = await production_gql(query, token=production_tokens.super_admin())

        assert "errors" not in body
        assert body["data"]

    async def test_typename_is_not_introspection(
        self, production_gql: GraphQLClient, production_tokens: Tokens
    ) -> None:
        token = production_tokens.platform("admin:read")

        body = await production_gql("{ __typename viewer { role } }", token=token)

        assert body["data"] == {"__typename": "Query", "viewer": {"role": "PLATFORM"}}

    async def test_stays_on_in_development(self, gql: GraphQLClient, tokens: Tokens) -> None:
        body = await gql(INTROSPECTION, token=tokens.platform("admin:read"))

        assert body["data"] == {"__schema": {"queryType": {"name": "Query"}}}


class TestSuggestions:
    @pytest.mark.parametrize("query", [MISTYPED_FIELD, MISTYPED_ENUM])
    async def test_are_cut_for_everyone_but_super_admins(
        self, production_gql: GraphQLClient, production_tokens: Tokens, query: str
    ) -> None:
        for caller, token in non_super_tokens(production_tokens).items():
            body = await production_gql(query, token=token)

            assert body["errors"], caller
            assert not any("Did you mean" in m for m in messages(body)), (caller, body)
            assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"

    async def test_the_message_keeps_what_was_wrong(
        self, production_gql: GraphQLClient, production_tokens: Tokens
    ) -> None:
        token = production_tokens.tenant_admin("tnt_01jf0000000000000000000000")

        body = await production_gql(MISTYPED_FIELD, token=token)

        assert messages(body) == ["Cannot query field 'nme' on type 'Tenant'."]

    async def test_are_cut_from_variable_errors(
        self, production_gql: GraphQLClient, production_tokens: Tokens
    ) -> None:
        token = production_tokens.platform("admin:read")

        body = await production_gql(ENUM_VARIABLE, {"status": "ACTIV"}, token=token)

        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
        assert "'ACTIV'" in body["errors"][0]["message"]
        assert "Did you mean" not in body["errors"][0]["message"]

    @pytest.mark.parametrize("query", [MISTYPED_FIELD, MISTYPED_ENUM])
    async def test_super_admins_keep_them(
        self, production_gql: GraphQLClient, production_tokens: Tokens, query: str
    ) -> None:
        body = await production_gql(query, token=production_tokens.super_admin())

        assert any("Did you mean" in m for m in messages(body)), body

    async def test_stay_on_in_development(self, gql: GraphQLClient, tokens: Tokens) -> None:
        body = await gql(MISTYPED_FIELD, token=tokens.platform("admin:read"))

        assert messages(body) == ["Cannot query field 'nme' on type 'Tenant'. Did you mean 'name'?"]


def failing_list(*_: Any, **__: Any) -> Any:
    raise ProgrammingError(
        "SELECT tenants.secret_column FROM tenants", {}, Exception("column does not exist")
    )


class TestUnexpectedErrors:
    async def test_graphql_masks_them_with_the_error_id_of_the_log_line(
        self,
        production_app: FastAPI,
        production_http: httpx.AsyncClient,
        production_tokens: Tokens,
        json_log: io.StringIO,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        # given a list resolver that fails unexpectedly; the failure is planted in field-by-field
        # execution, which a planned query would not reach (the planner reads the rows itself)
        monkeypatch.setattr(resolvers.tenants, "list_", failing_list)
        monkeypatch.setattr(production_app.state.settings, "planned_execution", False)

        # when
        response = await production_http.post(
            "/graphql",
            json={"query": "query Tenants { tenants(first: 1) { totalCount } }"},
            headers={**bearer(production_tokens.super_admin()), "X-Request-ID": "req-masked-1"},
        )

        # then
        assert response.headers["x-request-id"] == "req-masked-1"
        error = response.json()["errors"][0]
        error_id = error["extensions"]["error_id"]
        assert error["message"] == f"Internal server error (error id {error_id})"
        assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "error_id": error_id}
        assert "SELECT" not in response.text and "Traceback" not in response.text
        [line] = [line for line in log_lines(json_log) if line.get("error_id") == error_id]
        assert line["event"] == "unexpected_error"
        assert line["level"] == "error"
        assert line["request_id"] == "req-masked-1"
        assert line["path"] == ["tenants"]
        assert "ProgrammingError" in line["exception"]
        assert "secret_column" in line["exception"]
        assert line["timestamp"].endswith("Z")

    async def test_rest_masks_them_with_the_same_message_and_id(
        self,
        production_app: FastAPI,
        production_http: httpx.AsyncClient,
        production_tokens: Tokens,
        json_log: io.StringIO,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        # given a list resolver that fails unexpectedly; the failure is planted in field-by-field
        # execution, which a planned query would not reach (the planner reads the rows itself)
        monkeypatch.setattr(resolvers.tenants, "list_", failing_list)
        monkeypatch.setattr(production_app.state.settings, "planned_execution", False)

        # when
        response = await production_http.get(
            "/api/v1/admin/tenants",
            headers={**bearer(production_tokens.super_admin()), "X-Request-ID": "req-masked-2"},
        )

        # then
        assert response.status_code == 500
        body = response.json()
        error_id = body["error_id"]
        assert body == {
            "detail": f"Internal server error (error id {error_id})",
            "code": "INTERNAL_SERVER_ERROR",
            "error_id": error_id,
        }
        [line] = [line for line in log_lines(json_log) if line.get("error_id") == error_id]
        assert line["request_id"] == "req-masked-2"
        assert "secret_column" in line["exception"]

    async def test_rest_masks_errors_outside_the_operation_too(
        self,
        production_http: httpx.AsyncClient,
        production_tokens: Tokens,
        json_log: io.StringIO,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        # given: the REST layer itself fails before the operation runs
        import rest_compat.runner

        def broken(*_: Any) -> Any:
            raise RuntimeError("SELECT 1 FROM pg_catalog")

        monkeypatch.setattr(rest_compat.runner, "_page_variables", broken)

        # when
        response = await production_http.get(
            "/api/v1/admin/tenants", headers=bearer(production_tokens.super_admin())
        )

        # then
        assert response.status_code == 500
        body = response.json()
        assert body["detail"] == f"Internal server error (error id {body['error_id']})"
        assert "pg_catalog" not in response.text
        [line] = [line for line in log_lines(json_log) if line.get("error_id") == body["error_id"]]
        assert line["request_id"] == response.headers["x-request-id"]
        assert line["route"] == "/tenants"

    async def test_domain_errors_are_answers_not_incidents(
        self,
        db: None,
        sessions: async_sessionmaker[AsyncSession],
        production_http: httpx.AsyncClient,
        production_tokens: Tokens,
        json_log: io.StringIO,
    ) -> None:
        partner = await create_partner(sessions)
        tenant = await create_tenant(sessions, partner=partner)
        other = production_tokens.tenant_admin("tnt_01jf0000000000000000000000")

        response = await production_http.get(
            f"/api/v1/admin/tenants/{tenant.id}", headers=bearer(other)
        )

        assert response.status_code == 404
        assert "error_id" not in response.json()
        assert not [line for line in log_lines(json_log) if line.get("level") == "error"]


class TestDocumentsAndExplorer:
    @pytest.mark.parametrize("path", ["/openapi.json", "/docs"])
    async def test_openapi_and_docs_are_off(
        self, production_http: httpx.AsyncClient, path: str
    ) -> None:
        response = await production_http.get(path)

        assert response.status_code == 404

    async def test_the_explorer_is_off(
        self, production_app: FastAPI, production_http: httpx.AsyncClient
    ) -> None:
        response = await production_http.get("/graphql", headers={"Accept": "text/html"})

        assert production_app.state.settings.explorer_enabled is False
        assert "graphiql" not in response.text.lower()
        assert not response.headers.get("content-type", "").startswith("text/html")

    async def test_no_statement_count_header(
        self, production_gql: GraphQLClient, production_tokens: Tokens
    ) -> None:
        body = await production_gql("{ viewer { role } }", token=production_tokens.super_admin())

        assert body["_statements"] == -1

    async def test_each_can_be_enabled(self, database_url: str) -> None:
        settings = production_settings(database_url, enable_openapi=True, enable_explorer=True)
        application = create_app(settings)
        transport = httpx.ASGITransport(app=application)
        async with (
            application.router.lifespan_context(application),
            httpx.AsyncClient(transport=transport, base_url="http://scaigate.test") as http,
        ):
            explorer = await http.get("/graphql", headers={"Accept": "text/html"})
            openapi = await http.get("/openapi.json")
            docs = await http.get("/docs")

        assert settings.explorer_enabled is True
        assert explorer.status_code == 200
        assert "graphiql" in explorer.text.lower()
        assert openapi.status_code == 200
        assert docs.status_code == 200

    def test_development_defaults_to_on(self) -> None:
        settings = Settings(_env_file=None)  # type: ignore[call-arg]

        assert settings.explorer_enabled is True
        assert settings.openapi_enabled is True

    def test_settings_read_the_environment(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("SCAIGATE_ENV", "production")
        monkeypatch.setenv("SCAIGATE_JWT_SIGNING_KEY", SIGNING_KEY)
        monkeypatch.setenv("SCAIGATE_ENABLE_EXPLORER", "true")

        settings = Settings(_env_file=None)  # type: ignore[call-arg]

        assert settings.explorer_enabled is True
        assert settings.openapi_enabled is False
