"""A duplicate that slips past the pre-check (a concurrent writer committed first) is still
a 409 naming the value: the partial unique index catches it and nothing is written."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from resolvers.uniqueness import LiveUnique
from tests.factories import create_group, create_partner, create_tenant, create_user
from tests.tokens import Tokens, bearer

A = "/api/v1/admin"


async def _skip_check(*args: Any, **kwargs: Any) -> None:
    return None


@pytest.mark.parametrize("resource", ["partners", "tenants", "users", "groups"])
async def test_the_index_catches_what_the_check_missed(
    resource: str,
    db: None,
    sessions: async_sessionmaker[AsyncSession],
    http: httpx.AsyncClient,
    tokens: Tokens,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given rows that already hold the value
    partner = await create_partner(sessions, slug="taken")
    tenant = await create_tenant(sessions, partner=partner, slug="taken-too")
    await create_user(sessions, tenant=tenant, email="taken@example.com")
    await create_group(sessions, tenant=tenant, name="Taken")
    duplicate, message = {
        "partners": ({"name": "P", "slug": "taken"}, "A partner with slug 'taken' already exists"),
        "tenants": (
            {"partner_id": partner.id, "name": "T", "slug": "taken-too"},
            "A tenant with slug 'taken-too' already exists",
        ),
        "users": (
            {"tenant_id": tenant.id, "email": "taken@example.com"},
            "A user with email 'taken@example.com' already exists in this tenant",
        ),
        "groups": (
            {"tenant_id": tenant.id, "name": "Taken"},
            "A group named 'Taken' already exists in this tenant",
        ),
    }[resource]
    headers = bearer(tokens.super_admin())
    total_before = (await http.get(f"{A}/{resource}", headers=headers)).json()["pagination"]
    # and a check that saw the value as free, as it would have just before the other commit
    monkeypatch.setattr(LiveUnique, "ensure_free", _skip_check)

    # when
    response = await http.post(f"{A}/{resource}", json=duplicate, headers=headers)

    # then
    assert response.status_code == 409, response.text
    assert response.json() == {"detail": message, "code": "CONFLICT"}
    total_after = (await http.get(f"{A}/{resource}", headers=headers)).json()["pagination"]
    assert total_after == total_before
