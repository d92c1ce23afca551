"""REST list routes take `search=` and `sort=` (REST field names, `-` for descending), are
documented in the OpenAPI document, name a field that cannot be sorted by, and still refuse
any other unknown parameter."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.factories import create_partner, create_tenant, create_user
from tests.tokens import Tokens, bearer

Sessions = async_sessionmaker[AsyncSession]
USERS = "/api/v1/admin/users"


@pytest.fixture
async def tenant_id(sessions: Sessions, db: None) -> str:
    tenant = await create_tenant(sessions, partner=await create_partner(sessions))
    for email, last_name in [
        ("carl@x.com", "Berg"),
        ("anna@x.com", "Berg"),
        ("bea@x.com", None),
        ("dora@y.com", "Adams"),
    ]:
        await create_user(sessions, tenant=tenant, email=email, last_name=last_name)
    return tenant.id


async def test_sort_descending_then_ascending_with_nulls_last(
    tenant_id: str, http: httpx.AsyncClient, tokens: Tokens
) -> None:
    response = await http.get(
        USERS,
        params={"tenant_id": tenant_id, "sort": "-last_name,email"},
        headers=bearer(tokens.super_admin()),
    )

    assert response.status_code == 200
    assert [u["email"] for u in response.json()["data"]] == [
        "anna@x.com",
        "carl@x.com",
        "dora@y.com",
        "bea@x.com",
    ]


async def test_search_pages_and_counts_what_it_keeps(
    tenant_id: str, http: httpx.AsyncClient, tokens: Tokens
) -> None:
    response = await http.get(
        USERS,
        params={"search": "X.COM", "sort": "email", "per_page": 2, "page": 2},
        headers=bearer(tokens.tenant_admin(tenant_id)),
    )

    body = response.json()
    assert [u["email"] for u in body["data"]] == ["carl@x.com"]
    assert body["pagination"] == {"page": 2, "per_page": 2, "total": 3, "total_pages": 2}


@pytest.mark.parametrize(
    ("params", "detail"),
    [
        (
            {"sort": "email,-password_hash"},
            "sort: password_hash is not a sortable field (accepted: admin_role, created_at, "
            "display_name, email, first_name, id, last_name, last_sign_in_at, "
            "password_changed_at, status, updated_at)",
        ),
        ({"sort": "email,"}, "sort: an empty field is not a sortable field"),
        ({"order": "email"}, "Unknown query parameter 'order'"),
    ],
)
async def test_refusals_name_the_parameter(
    tenant_id: str, http: httpx.AsyncClient, tokens: Tokens, params: dict[str, str], detail: str
) -> None:
    response = await http.get(USERS, params=params, headers=bearer(tokens.super_admin()))

    assert response.status_code == 422
    assert response.json()["detail"].startswith(detail)


async def test_sessions_have_no_search(db: None, http: httpx.AsyncClient, tokens: Tokens) -> None:
    response = await http.get(
        "/api/v1/admin/sessions", params={"search": "x"}, headers=bearer(tokens.super_admin())
    )

    assert response.status_code == 422
    assert "Unknown query parameter 'search'" in response.json()["detail"]


async def test_the_openapi_document_describes_both(db: None, http: httpx.AsyncClient) -> None:
    document = (await http.get("/openapi.json")).json()

    parameters = {
        p["name"]: p for p in document["paths"]["/api/v1/admin/users"]["get"]["parameters"]
    }
    assert "email" in parameters["search"]["description"]
    assert "last_name" in parameters["sort"]["description"]
    assert parameters["sort"]["schema"]["pattern"].startswith("^-?(admin_role|")
