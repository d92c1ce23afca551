"""The served OpenAPI document describes every REST route fully (path parameters, bodies,
answers, refusals), and the routes' real answers fit the schemas it declares."""

from __future__ import annotations

import re
from typing import Any

import httpx
import jsonschema_rs
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.factories import (
    create_application,
    create_group,
    create_partner,
    create_tenant,
    create_user,
)
from tests.factories_audit import create_audit_event
from tests.factories_collaboration import create_built_in_catalog, create_model_participant
from tests.factories_identity import create_agent, create_identity_provider
from tests.factories_sessions import create_session
from tests.tokens import Tokens, bearer

Sessions = async_sessionmaker[AsyncSession]
METHODS = ("get", "post", "put", "patch", "delete")
REST_PREFIXES = ("/api/v1/admin/", "/v1/admin/")
EVERY_ROUTE_REFUSES = {"401", "403", "422", "429"}
BODY_REFUSALS = {"413", "415"}


@pytest.fixture(scope="module")
async def document(http: httpx.AsyncClient) -> dict[str, Any]:
    response = await http.get("/openapi.json")
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, item in document["paths"].items()
        if path.startswith(REST_PREFIXES)
        for method, operation in item.items()
        if method in METHODS
    ]


def _validator(schema: dict[str, Any]) -> Any:
    return jsonschema_rs.validator_for(schema, validate_formats=True)


def _problems(schema: dict[str, Any], instance: Any) -> list[str]:
    return [
        f"{error.instance_path}: {error.message}"
        for error in _validator(schema).iter_errors(instance)
    ]


class TestTheDocument:
    async def test_is_openapi_3_1_and_lists_every_rest_route(
        self, document: dict[str, Any]
    ) -> None:
        assert document["openapi"].startswith("3.1")
        assert len(_operations(document)) >= 69

    async def test_every_path_parameter_is_declared_and_required(
        self, document: dict[str, Any]
    ) -> None:
        undeclared = []
        for path, method, operation in _operations(document):
            declared = {p["name"]: p for p in operation.get("parameters", []) if p["in"] == "path"}
            for name in re.findall(r"{(\w+)}", path):
                if name not in declared or declared[name].get("required") is not True:
                    undeclared.append(f"{method.upper()} {path}: {name}")
        assert undeclared == []
        assert sum("{" in path for path, _, _ in _operations(document)) >= 36

    async def test_every_route_declares_its_refusals_with_the_error_schema(
        self, document: dict[str, Any]
    ) -> None:
        for path, method, operation in _operations(document):
            responses = operation["responses"]
            assert set(responses) >= EVERY_ROUTE_REFUSES, f"{method} {path}"
            if "requestBody" in operation:
                assert set(responses) >= BODY_REFUSALS, f"{method} {path}"
            if method != "get":
                assert "409" in responses, f"{method} {path}"
            for status, response in responses.items():
                if status.startswith("4"):
                    schema = response["content"]["application/json"]["schema"]
                    assert schema["required"] == ["detail", "code"], f"{method} {path}"

    async def test_every_success_answer_has_a_schema_and_a_204_has_no_body(
        self, document: dict[str, Any]
    ) -> None:
        for path, method, operation in _operations(document):
            successes = {s: r for s, r in operation["responses"].items() if s.startswith("2")}
            assert len(successes) == 1, f"{method} {path}: {list(successes)}"
            [(status, response)] = successes.items()
            if status == "204":
                assert "content" not in response, f"{method} {path}"
                continue
            schema = response["content"]["application/json"]["schema"]
            assert schema.get("properties") or schema.get("anyOf"), f"{method} {path}"
            _validator(schema)  # a schema the validator accepts

    async def test_request_bodies_are_the_input_types_in_snake_case(
        self, document: dict[str, Any]
    ) -> None:
        body = document["paths"]["/api/v1/admin/users"]["post"]["requestBody"]
        schema = body["content"]["application/json"]["schema"]

        assert body["required"] is True
        assert schema["additionalProperties"] is False
        assert {"email", "display_name", "admin_role", "custom_attributes"} <= set(
            schema["properties"]
        )
        assert schema["properties"]["admin_role"]["enum"] == [
            "SUPER_ADMIN",
            "PARTNER_ADMIN",
            "TENANT_ADMIN",
        ]

    async def test_an_enum_filter_lists_its_values(self, document: dict[str, Any]) -> None:
        parameters = document["paths"]["/api/v1/admin/users"]["get"]["parameters"]

        status = next(p for p in parameters if p["name"] == "status")

        assert status["schema"] == {"type": "string", "enum": ["ACTIVE", "DISABLED", "LOCKED"]}

    async def test_the_application_create_answer_carries_the_secret_beside_its_fields(
        self, document: dict[str, Any]
    ) -> None:
        created = document["paths"]["/api/v1/admin/applications"]["post"]["responses"]["201"]
        read = document["paths"]["/api/v1/admin/applications/{id}"]["get"]["responses"]["200"]

        created_keys = set(created["content"]["application/json"]["schema"]["properties"])
        read_keys = set(read["content"]["application/json"]["schema"]["properties"])

        assert created_keys == read_keys | {"client_secret"}


async def _scene(sessions: Sessions) -> dict[str, str]:
    """One of everything the read routes answer."""
    partner = await create_partner(sessions)
    tenant = await create_tenant(sessions, partner=partner, settings={"locale": "en"})
    user = await create_user(sessions, tenant=tenant, admin_role="tenant_admin")
    await create_group(sessions, tenant=tenant)
    await create_application(sessions, tenant=tenant)
    await create_identity_provider(sessions, tenant=tenant)
    await create_agent(sessions, tenant=tenant)
    await create_session(sessions, user=user, partner_id=partner.id)
    await create_audit_event(sessions, tenant=tenant, metadata={"name": "x"})
    await create_built_in_catalog(sessions)
    await create_model_participant(sessions, tenant=tenant)
    return {"tenant": tenant.id}


def _answer_schema(document: dict[str, Any], path: str, method: str, status: int) -> Any:
    response = document["paths"][path][method]["responses"][str(status)]
    return response["content"]["application/json"]["schema"]


class TestRealAnswersFitTheDocument:
    async def test_every_read_route_answers_as_declared(
        self,
        db: None,
        sessions: Sessions,
        http: httpx.AsyncClient,
        tokens: Tokens,
        document: dict[str, Any],
    ) -> None:
        # given one of everything, and a super admin acting on its tenant
        scene = await _scene(sessions)
        headers = {**bearer(tokens.super_admin()), "X-Scai-Tenant": scene["tenant"]}
        reads = [path for path, method, _ in _operations(document) if method == "get"]
        lists = [path for path in reads if "{" not in path]
        items = [path for path in reads if "{" in path]

        # when every list is read, then each item route on the list's first entry
        checked = []
        first_ids: dict[str, str] = {}
        for path in lists:
            response = await http.get(path, headers=headers)
            assert response.status_code == 200, f"{path}: {response.text}"
            assert _problems(_answer_schema(document, path, "get", 200), response.json()) == []
            entries = response.json().get("data") or [{}]
            if "id" in entries[0]:
                first_ids[path] = entries[0]["id"]
            checked.append(path)
        for path in items:
            collection, _, _ = path.rpartition("/{")
            url = path.replace(path[len(collection) :], f"/{first_ids[collection]}")
            response = await http.get(url, headers=headers)
            assert response.status_code == 200, f"{url}: {response.text}"
            assert _problems(_answer_schema(document, path, "get", 200), response.json()) == []
            checked.append(path)

        # then every read route was called
        assert sorted(checked) == sorted(reads)

    async def test_the_application_create_answers_as_declared(
        self,
        db: None,
        http: httpx.AsyncClient,
        tokens: Tokens,
        document: dict[str, Any],
    ) -> None:
        path = "/api/v1/admin/applications"

        response = await http.post(
            path,
            json={"level": "GLOBAL", "app_type": "SERVICE", "name": "Robot"},
            headers=bearer(tokens.super_admin()),
        )

        assert response.status_code == 201, response.text
        assert _problems(_answer_schema(document, path, "post", 201), response.json()) == []
        assert response.json()["client_secret"]

    @pytest.mark.parametrize(
        ("path", "status"),
        [
            ("/api/v1/admin/users/usr_missing", 404),
            ("/api/v1/admin/users?statuss=ACTIVE", 422),
            ("/v1/admin/ai-config", 422),  # no tenant named
        ],
    )
    async def test_refusals_answer_as_declared(
        self,
        db: None,
        http: httpx.AsyncClient,
        tokens: Tokens,
        document: dict[str, Any],
        path: str,
        status: int,
    ) -> None:
        template = re.sub(r"/usr_missing$", "/{id}", path.partition("?")[0])

        response = await http.get(path, headers=bearer(tokens.super_admin()))

        assert response.status_code == status
        assert _problems(_answer_schema(document, template, "get", status), response.json()) == []
