"""A value of the wrong type in any field of any create or update body is refused with 422
naming that field — never an internal error — and nothing is written."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
)
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import Agent, Application, Group, Partner, Tenant, User
from rest_compat.documents import snake
from schema.schema import schema
from schema.strawberry_private import graphql_core_schema
from tests.factories import (
    create_application,
    create_group,
    create_partner,
    create_tenant,
    create_user,
)
from tests.factories_identity import create_agent
from tests.tokens import Tokens, bearer

A = "/api/v1/admin"
BODIES = {
    ("POST", "partners"): "CreatePartnerInput",
    ("PATCH", "partners"): "UpdatePartnerInput",
    ("POST", "tenants"): "CreateTenantInput",
    ("PATCH", "tenants"): "UpdateTenantInput",
    ("POST", "users"): "CreateUserInput",
    ("PATCH", "users"): "UpdateUserInput",
    ("POST", "groups"): "CreateGroupInput",
    ("PATCH", "groups"): "UpdateGroupInput",
    ("POST", "applications"): "CreateApplicationInput",
    ("PATCH", "applications"): "UpdateApplicationInput",
    ("POST", "agents"): "CreateAgentInput",
    ("PATCH", "agents"): "UpdateAgentInput",
}
MODELS = {
    "partners": Partner,
    "tenants": Tenant,
    "users": User,
    "groups": Group,
    "applications": Application,
    "agents": Agent,
}


def _wrong_value(graphql_type: GraphQLInputType) -> Any:
    """A JSON value that the field's type cannot take."""
    if isinstance(graphql_type, GraphQLNonNull):
        return _wrong_value(graphql_type.of_type)
    if isinstance(graphql_type, GraphQLList):
        return {"not": "a list"}
    if isinstance(graphql_type, GraphQLEnumType):
        return "NOT_A_MEMBER"
    assert isinstance(graphql_type, GraphQLScalarType)
    return {
        "String": 12345,
        "ID": {"not": "an id"},
        "Int": "ten",
        "Boolean": "yes",
        "JSON": "not an object",
    }[graphql_type.name]


def _cases() -> list[tuple[str, str, str, Any]]:
    cases = []
    for (method, resource), input_name in BODIES.items():
        input_type = graphql_core_schema(schema).get_type(input_name)
        assert isinstance(input_type, GraphQLInputObjectType)
        for name, field in input_type.fields.items():
            cases.append((method, resource, snake(name), _wrong_value(field.type)))
    return cases


CASES = _cases()


async def _count(sessions: async_sessionmaker[AsyncSession], model: Any) -> int:
    async with sessions() as session:
        return int((await session.execute(select(func.count()).select_from(model))).scalar_one())


@pytest.mark.parametrize(
    ("method", "resource", "field", "value"),
    CASES,
    ids=[f"{m} {r}.{f}" for m, r, f, _ in CASES],
)
async def test_wrong_type_is_refused_by_name(
    method: str,
    resource: str,
    field: str,
    value: Any,
    db: None,
    sessions: async_sessionmaker[AsyncSession],
    http: httpx.AsyncClient,
    tokens: Tokens,
) -> None:
    partner = await create_partner(sessions)
    tenant = await create_tenant(sessions, partner=partner)
    valid_bodies: dict[str, dict[str, Any]] = {
        "partners": {"name": "P", "slug": "p-wrong-types"},
        "tenants": {"partner_id": partner.id, "name": "T", "slug": "t-wrong-types"},
        "users": {"tenant_id": tenant.id, "email": "wrong.types@example.com"},
        "groups": {"tenant_id": tenant.id, "name": "G"},
        "applications": {
            "tenant_id": tenant.id,
            "level": "TENANT",
            "app_type": "WEB",
            "name": "A",
        },
        "agents": {"tenant_id": tenant.id, "name": "Agent"},
    }
    existing = {
        "partners": partner.id,
        "tenants": tenant.id,
        "users": (await create_user(sessions, tenant=tenant)).id,
        "groups": (await create_group(sessions, tenant=tenant)).id,
        "applications": (await create_application(sessions, tenant=tenant)).id,
        "agents": (await create_agent(sessions, tenant=tenant)).id,
    }
    headers = bearer(tokens.super_admin())
    rows_before = await _count(sessions, MODELS[resource])
    if method == "POST":
        url, body = f"{A}/{resource}", {**valid_bodies[resource], field: value}
    else:
        url, body = f"{A}/{resource}/{existing[resource]}", {field: value}
    before = (await http.get(f"{A}/{resource}/{existing[resource]}", headers=headers)).json()

    response = await http.request(method, url, json=body, headers=headers)

    assert response.status_code == 422, response.text
    assert response.json()["code"] == "BAD_USER_INPUT"
    assert response.json()["detail"].startswith(f"{field}:"), response.json()["detail"]
    assert await _count(sessions, MODELS[resource]) == rows_before
    after = (await http.get(f"{A}/{resource}/{existing[resource]}", headers=headers)).json()
    assert after == before
