"""A control character in any string a client sends is refused at the boundary it enters by,
as BAD_USER_INPUT naming where it was, and nothing is written: REST path ids, query
parameters, headers and body fields (JSON keys and values at any depth), GraphQL variables
and literals, sign-in and the OAuth token endpoint. (On PostgreSQL a NUL that reached SQL
was a server error.)"""

from __future__ import annotations

import base64
import re
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from graphql import GraphQLInputObjectType, GraphQLScalarType, get_named_type
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.base import Base
from rest_compat.documents import snake
from rest_compat.router import SCAIKEY_PREFIX, SCAIKEY_ROUTES
from rest_compat.scaiwave_router import SCAIWAVE_PREFIX, SCAIWAVE_ROUTES
from rest_compat.table import Route
from schema.schema import schema
from schema.strawberry_private import graphql_core_schema
from tests.conftest import GraphQLClient
from tests.factories import create_partner, create_tenant, create_user
from tests.tokens import Tokens, bearer

NUL = "\u0000"
ROUTES = [(SCAIKEY_PREFIX, route) for route in SCAIKEY_ROUTES] + [
    (SCAIWAVE_PREFIX, route) for route in SCAIWAVE_ROUTES
]
_PARAMETER = re.compile(r"\{(\w+)\}")
AUDIT_TABLE = "audit_events"  # refusals of authentication are audited, by design


async def _row_counts(sessions: async_sessionmaker[AsyncSession]) -> dict[str, int]:
    async with sessions() as session:
        return {
            table.name: int(
                (await session.execute(select(func.count()).select_from(table))).scalar_one()
            )
            for table in Base.metadata.sorted_tables
            if table.name != AUDIT_TABLE
        }


def _url(prefix: str, route: Route, values: dict[str, str]) -> str:
    return prefix + _PARAMETER.sub(lambda m: quote(values[m.group(1)], safe=""), route.path)


def _body(route: Route) -> dict[str, Any] | None:
    return {} if route.body_input else None


def _label(prefix: str, route: Route) -> str:
    return f"{route.method} {prefix}{route.path}"


# -- REST: every path id, every query filter, every mapped header ----------------------------

PATH_CASES = [
    (prefix, route, name) for prefix, route in ROUTES for name in _PARAMETER.findall(route.path)
]
FILTER_CASES = [(prefix, route, name) for prefix, route in ROUTES for name in route.filters]
HEADER_CASES = [(prefix, route, name) for prefix, route in ROUTES for name in route.headers]


def _refused_by_name(response: httpx.Response, name: str) -> None:
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == "BAD_USER_INPUT"
    assert body["detail"].startswith(f"{name}: must not contain control characters"), body


class TestRestPathIds:
    @pytest.mark.parametrize(
        ("prefix", "route", "name"),
        PATH_CASES,
        ids=[f"{_label(p, r)} {n}" for p, r, n in PATH_CASES],
    )
    async def test_a_nul_in_a_path_id_is_refused_by_name(
        self,
        prefix: str,
        route: Route,
        name: str,
        db: None,
        sessions: async_sessionmaker[AsyncSession],
        http: httpx.AsyncClient,
        tokens: Tokens,
    ) -> None:
        values = {param: "tnt_ok" for param in _PARAMETER.findall(route.path)}
        values[name] = f"id_{NUL}x"
        before = await _row_counts(sessions)

        response = await http.request(
            route.method,
            _url(prefix, route, values),
            json=_body(route),
            headers=bearer(tokens.super_admin()),
        )

        _refused_by_name(response, name)
        assert await _row_counts(sessions) == before


class TestRestQueryParameters:
    @pytest.mark.parametrize(
        ("prefix", "route", "name"),
        FILTER_CASES,
        ids=[f"{_label(p, r)} ?{n}" for p, r, n in FILTER_CASES],
    )
    async def test_a_nul_in_a_query_filter_is_refused_by_name(
        self,
        prefix: str,
        route: Route,
        name: str,
        db: None,
        http: httpx.AsyncClient,
        tokens: Tokens,
    ) -> None:
        values = {param: "tnt_ok" for param in _PARAMETER.findall(route.path)}

        response = await http.request(
            route.method,
            _url(prefix, route, values),
            params={name: f"a{NUL}b"},
            json=_body(route),
            headers=bearer(tokens.super_admin()),
        )

        _refused_by_name(response, name)

    async def test_a_control_character_in_page_is_refused(
        self, db: None, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        response = await http.get(
            f"{SCAIKEY_PREFIX}/users",
            params={"page": f"1{NUL}"},
            headers=bearer(tokens.super_admin()),
        )

        _refused_by_name(response, "page")


class TestRestHeaders:
    @pytest.mark.parametrize(
        ("prefix", "route", "name"),
        HEADER_CASES,
        ids=[f"{_label(p, r)} {n}" for p, r, n in HEADER_CASES],
    )
    async def test_a_control_character_in_a_mapped_header_is_refused_by_name(
        self,
        prefix: str,
        route: Route,
        name: str,
        db: None,
        sessions: async_sessionmaker[AsyncSession],
        http: httpx.AsyncClient,
        tokens: Tokens,
    ) -> None:
        values = {param: "tnt_ok" for param in _PARAMETER.findall(route.path)}
        before = await _row_counts(sessions)

        response = await http.request(
            route.method,
            _url(prefix, route, values),
            json=_body(route),
            headers={**bearer(tokens.super_admin()), name: f"tnt_{NUL}"},
        )

        _refused_by_name(response, f"{name} header")
        assert await _row_counts(sessions) == before


# -- REST bodies: every string field of every create, and JSON keys and values ---------------

CREATES = {
    "partners": "CreatePartnerInput",
    "tenants": "CreateTenantInput",
    "users": "CreateUserInput",
    "groups": "CreateGroupInput",
    "applications": "CreateApplicationInput",
    "agents": "CreateAgentInput",
    "identity-providers": "CreateIdentityProviderInput",
}


def _text_fields(input_name: str) -> list[tuple[str, bool, bool]]:
    """(field, is a list, is JSON) for every string-like field of an input type."""
    input_type = graphql_core_schema(schema).get_type(input_name)
    assert isinstance(input_type, GraphQLInputObjectType)
    fields = []
    for name, field in input_type.fields.items():
        named = get_named_type(field.type)
        if isinstance(named, GraphQLScalarType) and named.name in ("String", "ID", "JSON"):
            is_list = "[" in str(field.type)
            fields.append((name, is_list, named.name == "JSON"))
    return fields


BODY_CASES = [
    (resource, snake(name), value)
    for resource, input_name in CREATES.items()
    for name, is_list, is_json in _text_fields(input_name)
    for value in (
        [{f"key{NUL}": 1}, {"outer": {"inner": [1, f"value{NUL}"]}}]
        if is_json
        else [[f"a{NUL}b"]]
        if is_list
        else [f"a{NUL}b"]
    )
]


async def _valid_bodies(sessions: async_sessionmaker[AsyncSession]) -> dict[str, dict[str, Any]]:
    partner = await create_partner(sessions)
    tenant = await create_tenant(sessions, partner=partner)
    return {
        "partners": {"name": "P", "slug": "p-control"},
        "tenants": {"partner_id": partner.id, "name": "T", "slug": "t-control"},
        "users": {"tenant_id": tenant.id, "email": "control@example.com"},
        "groups": {"tenant_id": tenant.id, "name": "G"},
        "applications": {
            "tenant_id": tenant.id,
            "level": "TENANT",
            "app_type": "WEB",
            "name": "A",
        },
        "agents": {"tenant_id": tenant.id, "name": "Agent"},
        "identity-providers": {
            "tenant_id": tenant.id,
            "name": "IdP",
            "protocol": "OIDC",
            "issuer": "https://idp.example.com",
            "client_id": "client",
        },
    }


class TestRestBodies:
    @pytest.mark.parametrize(
        ("resource", "field", "value"),
        BODY_CASES,
        ids=[f"POST {r}.{f} {v!r}" for r, f, v in BODY_CASES],
    )
    async def test_a_nul_in_a_body_field_is_refused_by_name(
        self,
        resource: str,
        field: str,
        value: Any,
        db: None,
        sessions: async_sessionmaker[AsyncSession],
        http: httpx.AsyncClient,
        tokens: Tokens,
    ) -> None:
        body = {**(await _valid_bodies(sessions))[resource], field: value}
        before = await _row_counts(sessions)

        response = await http.post(
            f"{SCAIKEY_PREFIX}/{resource}", json=body, headers=bearer(tokens.super_admin())
        )

        _refused_by_name(response, field)
        assert await _row_counts(sessions) == before

    async def test_an_unpaired_surrogate_is_refused_too(
        self,
        db: None,
        sessions: async_sessionmaker[AsyncSession],
        http: httpx.AsyncClient,
        tokens: Tokens,
    ) -> None:
        body = (await _valid_bodies(sessions))["groups"]

        response = await http.post(
            f"{SCAIKEY_PREFIX}/groups",
            content=b'{"tenant_id": "%s", "name": "a\\ud800"}' % body["tenant_id"].encode(),
            headers={**bearer(tokens.super_admin()), "content-type": "application/json"},
        )

        assert response.status_code == 422, response.text
        assert (
            response.json()["detail"] == "name: must not contain unpaired surrogates (U+D800 found)"
        )

    async def test_free_text_keeps_its_line_breaks_where_a_name_may_not(
        self,
        db: None,
        sessions: async_sessionmaker[AsyncSession],
        http: httpx.AsyncClient,
        tokens: Tokens,
    ) -> None:
        body = (await _valid_bodies(sessions))["groups"]
        headers = bearer(tokens.super_admin())

        refused = await http.post(
            f"{SCAIKEY_PREFIX}/groups", json={**body, "name": "two\nlines"}, headers=headers
        )
        created = await http.post(
            f"{SCAIKEY_PREFIX}/groups",
            json={**body, "description": "two\nlines,\ta tab"},
            headers=headers,
        )

        _refused_by_name(refused, "name")
        assert created.status_code == 201, created.text
        assert created.json()["description"] == "two\nlines,\ta tab"

    async def test_a_json_value_may_hold_a_line_break_but_not_a_nul(
        self,
        db: None,
        sessions: async_sessionmaker[AsyncSession],
        http: httpx.AsyncClient,
        tokens: Tokens,
    ) -> None:
        body = (await _valid_bodies(sessions))["users"]
        headers = bearer(tokens.super_admin())

        created = await http.post(
            f"{SCAIKEY_PREFIX}/users",
            json={**body, "custom_attributes": {"note": "a\nb"}},
            headers=headers,
        )
        refused = await http.post(
            f"{SCAIKEY_PREFIX}/users",
            json={**body, "email": "other@example.com", "custom_attributes": {"note": "a\x07"}},
            headers=headers,
        )

        assert created.status_code == 201, created.text
        assert created.json()["custom_attributes"] == {"note": "a\nb"}
        _refused_by_name(refused, "custom_attributes")
        assert "U+0007 found in a value" in refused.json()["detail"]


# -- GraphQL: variables and literals, wherever they are in the document ----------------------

CREATE_USER = """
mutation ($input: CreateUserInput!) { createUser(input: $input) { id } }
"""
NODE_BY_VARIABLE = "query ($id: ID!) { node(id: $id) { id } }"
GRAPHQL_CASES: list[tuple[str, str, dict[str, Any] | None, str]] = [
    # (label, document, variables, the place named in the message)
    ("id variable", NODE_BY_VARIABLE, {"id": f"usr_{NUL}"}, "Variable '$id' has invalid value:"),
    ("id literal", '{ node(id: "usr_\\u0000") { id } }', None, "id:"),
    (
        "id in a fragment",
        '{ ...F } fragment F on Query { node(id: "\\u0001") { id } }',
        None,
        "id:",
    ),
    ("default value", 'query ($id: ID! = "usr_\\u0000") { node(id: $id) { id } }', None, "$id:"),
    (
        "email variable",
        CREATE_USER,
        {"input": {"tenantId": "tnt_x", "email": f"a{NUL}@example.com"}},
        "Variable '$input' has invalid value at .email:",
    ),
    (
        "email literal",
        'mutation { createUser(input: {tenantId: "tnt_x", email: "a\\u0000@example.com"}) { id } }',
        None,
        "input.email:",
    ),
    (
        "JSON key in a variable",
        CREATE_USER,
        {"input": {"tenantId": "tnt_x", "email": "a@example.com", "customAttributes": {NUL: 1}}},
        "Variable '$input' has invalid value at .customAttributes:",
    ),
    (
        "JSON value deep in a variable",
        CREATE_USER,
        {
            "input": {
                "tenantId": "tnt_x",
                "email": "a@example.com",
                "customAttributes": {"a": [{"b": [f"c{NUL}"]}]},
            }
        },
        "Variable '$input' has invalid value at .customAttributes:",
    ),
    (
        "JSON value in a literal",
        'mutation { createUser(input: {tenantId: "tnt_x", email: "a@example.com", '
        'customAttributes: {a: ["\\u0000"]}}) { id } }',
        None,
        "input.customAttributes.a[0]:",
    ),
    (
        "list item in a variable",
        "mutation ($input: CreateApplicationInput!) "
        "{ createApplication(input: $input) { clientSecret } }",
        {
            "input": {
                "tenantId": "tnt_x",
                "level": "TENANT",
                "appType": "WEB",
                "name": "A",
                "redirectUris": ["https://ok.example.com", f"https://{NUL}"],
            }
        },
        "Variable '$input' has invalid value at .redirectUris[1]:",
    ),
]


class TestGraphQL:
    @pytest.mark.parametrize(
        ("document", "variables", "named"),
        [case[1:] for case in GRAPHQL_CASES],
        ids=[case[0] for case in GRAPHQL_CASES],
    )
    async def test_a_control_character_is_bad_user_input_naming_where(
        self,
        document: str,
        variables: dict[str, Any] | None,
        named: str,
        db: None,
        sessions: async_sessionmaker[AsyncSession],
        gql: GraphQLClient,
        tokens: Tokens,
    ) -> None:
        before = await _row_counts(sessions)

        result = await gql(document, variables, token=tokens.super_admin())

        error = result["errors"][0]
        assert error["extensions"]["code"] == "BAD_USER_INPUT", error
        assert error["message"].startswith(named), error["message"]
        assert "must not contain control characters" in error["message"]
        assert result.get("data") is None
        assert await _row_counts(sessions) == before

    async def test_a_clean_id_still_runs(
        self,
        db: None,
        sessions: async_sessionmaker[AsyncSession],
        gql: GraphQLClient,
        tokens: Tokens,
    ) -> None:
        user = await create_user(
            sessions, tenant=await create_tenant(sessions, partner=await create_partner(sessions))
        )

        result = await gql(NODE_BY_VARIABLE, {"id": user.id}, token=tokens.super_admin())

        assert result["data"] == {"node": {"id": user.id}}


# -- Sign-in and the OAuth token endpoint ----------------------------------------------------

SIGN_IN = "/auth/sign-in"
TOKEN = "/oauth/token"


class TestSignIn:
    @pytest.mark.parametrize("field", ["email", "password", "tenant"])
    async def test_a_nul_in_a_credential_is_refused_by_name(
        self,
        field: str,
        db: None,
        sessions: async_sessionmaker[AsyncSession],
        http: httpx.AsyncClient,
    ) -> None:
        body = {"email": "ann@example.com", "password": "a password", "tenant": "t-slug"}
        body[field] = f"x{NUL}y"
        before = await _row_counts(sessions)

        response = await http.post(SIGN_IN, json=body)

        _refused_by_name(response, field)
        assert await _row_counts(sessions) == before


class TestOAuthToken:
    @pytest.mark.parametrize("field", ["client_id", "client_secret", "scope"])
    async def test_a_nul_in_a_form_field_is_an_invalid_request_naming_it(
        self,
        field: str,
        db: None,
        sessions: async_sessionmaker[AsyncSession],
        http: httpx.AsyncClient,
    ) -> None:
        form = {
            "grant_type": "client_credentials",
            "client_id": "app_x",
            "client_secret": "secret",
            "scope": "admin:read",
        }
        form[field] = f"x{NUL}y"
        before = await _row_counts(sessions)

        response = await http.post(TOKEN, data=form)

        assert response.status_code == 400, response.text
        assert response.json()["error"] == "invalid_request"
        assert response.json()["error_description"].startswith(
            f"{field}: must not contain control characters"
        )
        assert await _row_counts(sessions) == before

    @pytest.mark.parametrize("field", ["client_id", "client_secret"])
    async def test_a_nul_in_basic_credentials_is_an_invalid_request_naming_it(
        self, field: str, db: None, http: httpx.AsyncClient
    ) -> None:
        credentials = {"client_id": "app_x", "client_secret": "secret"}
        credentials[field] = f"x{quote(NUL)}y"  # form-encoded inside Basic (RFC 6749 §2.3.1)
        encoded = base64.b64encode(
            f"{credentials['client_id']}:{credentials['client_secret']}".encode()
        ).decode()

        response = await http.post(
            TOKEN,
            data={"grant_type": "client_credentials"},
            headers={"Authorization": f"Basic {encoded}"},
        )

        assert response.status_code == 400, response.text
        assert response.json()["error_description"].startswith(f"{field}: must not contain")
