"""Sending `null` for any field of any PATCH body is either accepted or refused by name —
never an internal error, and a refused PATCH changes nothing."""

from __future__ import annotations

import httpx
import pytest
from graphql import GraphQLInputObjectType
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

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
PATCHES = {
    "partners": "UpdatePartnerInput",
    "tenants": "UpdateTenantInput",
    "users": "UpdateUserInput",
    "groups": "UpdateGroupInput",
    "applications": "UpdateApplicationInput",
    "agents": "UpdateAgentInput",
}


def _fields(input_name: str) -> list[str]:
    input_type = graphql_core_schema(schema).get_type(input_name)
    assert isinstance(input_type, GraphQLInputObjectType)
    return [snake(name) for name in input_type.fields]


CASES = [(resource, field) for resource, name in PATCHES.items() for field in _fields(name)]


@pytest.mark.parametrize(("resource", "field"), CASES, ids=[f"{r}.{f}" for r, f in CASES])
async def test_null_is_accepted_or_refused_by_name(
    resource: str,
    field: str,
    db: None,
    sessions: async_sessionmaker[AsyncSession],
    http: httpx.AsyncClient,
    tokens: Tokens,
) -> None:
    partner = await create_partner(sessions)
    tenant = await create_tenant(sessions, partner=partner)
    targets = {
        "partners": partner.id,
        "tenants": tenant.id,
        "users": (await create_user(sessions, tenant=tenant)).id,
        "groups": (await create_group(sessions, tenant=tenant)).id,
        "applications": (await create_application(sessions, tenant=tenant)).id,
        "agents": (await create_agent(sessions, tenant=tenant)).id,
    }
    url = f"{A}/{resource}/{targets[resource]}"
    headers = bearer(tokens.super_admin())
    before = (await http.get(url, headers=headers)).json()

    response = await http.patch(url, json={field: None}, headers=headers)

    assert response.status_code in (200, 422), response.text
    if response.status_code == 422:
        assert response.json()["detail"].startswith(f"{field}:")
        after = (await http.get(url, headers=headers)).json()
        assert after == before
