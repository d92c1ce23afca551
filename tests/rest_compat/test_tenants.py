"""`/api/v1/admin/tenants` over HTTP."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.factories import create_partner, create_tenant
from tests.tokens import Tokens, bearer


class TestListTenants:
    async def test_paginates_as_documented(
        self,
        db: None,
        sessions: async_sessionmaker[AsyncSession],
        http: httpx.AsyncClient,
        tokens: Tokens,
    ) -> None:
        partner = await create_partner(sessions)
        created = [await create_tenant(sessions, partner=partner) for _ in range(5)]

        response = await http.get(
            "/api/v1/admin/tenants?page=2&per_page=2", headers=bearer(tokens.super_admin())
        )

        assert response.status_code == 200
        body = response.json()
        assert body["pagination"] == {"page": 2, "per_page": 2, "total": 5, "total_pages": 3}
        assert [t["id"] for t in body["data"]] == [t.id for t in created[2:4]]
        assert set(body["data"][0]) >= {"partner_id", "contact_email", "created_at", "settings"}

    async def test_refuses_a_page_size_over_100(
        self, db: None, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        response = await http.get(
            "/api/v1/admin/tenants?per_page=101", headers=bearer(tokens.super_admin())
        )

        assert response.status_code == 422
        assert response.json()["detail"] == "per_page must be at most 100"


class TestPatchTenant:
    async def test_changes_only_the_given_fields(
        self,
        db: None,
        sessions: async_sessionmaker[AsyncSession],
        http: httpx.AsyncClient,
        tokens: Tokens,
    ) -> None:
        partner = await create_partner(sessions)
        tenant = await create_tenant(sessions, partner=partner, contact_email="a@example.com")

        response = await http.patch(
            f"/api/v1/admin/tenants/{tenant.id}",
            json={"name": "Renamed", "branding": {"color": "#123456"}},
            headers=bearer(tokens.super_admin()),
        )

        assert response.status_code == 200, response.text
        body = response.json()
        assert body["name"] == "Renamed"
        assert body["branding"] == {"color": "#123456"}
        assert body["contact_email"] == "a@example.com"
        assert body["slug"] == tenant.slug

    async def test_unknown_field_is_named(
        self,
        db: None,
        sessions: async_sessionmaker[AsyncSession],
        http: httpx.AsyncClient,
        tokens: Tokens,
    ) -> None:
        partner = await create_partner(sessions)
        tenant = await create_tenant(sessions, partner=partner)

        response = await http.patch(
            f"/api/v1/admin/tenants/{tenant.id}",
            json={"colour": "red"},
            headers=bearer(tokens.super_admin()),
        )

        assert response.status_code == 422
        assert response.json()["detail"] == "Unknown field 'colour'"


class TestDeleteTenant:
    async def test_soft_deletes_and_then_404s(
        self,
        db: None,
        sessions: async_sessionmaker[AsyncSession],
        http: httpx.AsyncClient,
        tokens: Tokens,
    ) -> None:
        partner = await create_partner(sessions)
        tenant = await create_tenant(sessions, partner=partner)
        headers = bearer(tokens.super_admin())

        deleted = await http.delete(f"/api/v1/admin/tenants/{tenant.id}", headers=headers)
        again = await http.get(f"/api/v1/admin/tenants/{tenant.id}", headers=headers)

        assert deleted.status_code == 204
        assert again.status_code == 404
        assert again.json()["detail"] == f"Tenant {tenant.id} not found"
