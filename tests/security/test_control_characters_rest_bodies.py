"""A control character in a REST body is refused by name, in every string field of every
create and in JSON keys and values at any depth, and nothing is written; free text keeps its
line breaks where a name may not."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from graphql import GraphQLInputObjectType, GraphQLScalarType, get_named_type
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from rest_compat.documents import snake
from rest_compat.router import SCAIKEY_PREFIX
from schema.schema import schema
from schema.strawberry_private import graphql_core_schema
from tests.factories import create_partner, create_tenant
from tests.security.control_characters import NUL, refused_by_name, row_counts
from tests.tokens import Tokens, bearer

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
        before = await row_counts(sessions)

        response = await http.post(
            f"{SCAIKEY_PREFIX}/{resource}", json=body, headers=bearer(tokens.super_admin())
        )

        refused_by_name(response, field)
        assert await row_counts(sessions) == before

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

        refused_by_name(refused, "name")
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
        refused_by_name(refused, "custom_attributes")
        assert "U+0007 found in a value" in refused.json()["detail"]
