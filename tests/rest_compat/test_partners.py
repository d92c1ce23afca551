"""`/api/v1/admin/partners` over HTTP."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.factories import create_partner, create_tenant
from tests.factories_apps import is_soft_deleted
from tests.tokens import Tokens, bearer

Sessions = async_sessionmaker[AsyncSession]
PARTNERS = "/api/v1/admin/partners"


class TestListPartners:
    async def test_paginates_and_filters_by_status(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        # given
        created = [await create_partner(sessions) for _ in range(3)]
        suspended = await create_partner(sessions, status="suspended")
        headers = bearer(tokens.super_admin())

        # when
        page = await http.get(f"{PARTNERS}?page=2&per_page=2", headers=headers)
        filtered = await http.get(f"{PARTNERS}?status=SUSPENDED", headers=headers)

        # then
        assert page.status_code == 200
        body = page.json()
        assert body["pagination"] == {"page": 2, "per_page": 2, "total": 4, "total_pages": 2}
        assert [p["id"] for p in body["data"]] == [created[2].id, suspended.id]
        assert set(body["data"][0]) >= {
            "contact_email",
            "max_tenants",
            "max_users_per_tenant",
            "max_applications_per_tenant",
        }
        assert [p["id"] for p in filtered.json()["data"]] == [suspended.id]

    @pytest.mark.parametrize("caller", ["partner_admin", "tenant_admin", "platform"])
    async def test_only_super_admins_may_list(
        self,
        db: None,
        sessions: Sessions,
        http: httpx.AsyncClient,
        tokens: Tokens,
        caller: str,
    ) -> None:
        partner = await create_partner(sessions)
        tenant = await create_tenant(sessions, partner=partner)
        token = {
            "partner_admin": tokens.partner_admin(partner.id),
            "tenant_admin": tokens.tenant_admin(tenant.id),
            "platform": tokens.platform("admin:read", "admin:write"),
        }[caller]

        response = await http.get(PARTNERS, headers=bearer(token))

        assert response.status_code == 403
        assert response.json()["detail"] == "Access denied"


class TestCreatePartner:
    async def test_creates_with_top_level_limits(
        self, db: None, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        response = await http.post(
            PARTNERS,
            json={"name": "Acme", "slug": "acme", "max_tenants": 2, "status": "SUSPENDED"},
            headers=bearer(tokens.super_admin()),
        )

        assert response.status_code == 201, response.text
        body = response.json()
        assert body["id"].startswith("prt_")
        assert (body["slug"], body["status"], body["max_tenants"]) == ("acme", "SUSPENDED", 2)
        assert body["max_applications_per_tenant"] == 50

    async def test_a_taken_slug_is_409(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        await create_partner(sessions, slug="acme")

        response = await http.post(
            PARTNERS, json={"name": "Acme", "slug": "acme"}, headers=bearer(tokens.super_admin())
        )

        assert response.status_code == 409
        assert response.json() == {
            "detail": "A partner with slug 'acme' already exists",
            "code": "CONFLICT",
        }

    async def test_a_limit_out_of_range_is_422_naming_the_field(
        self, db: None, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        response = await http.post(
            PARTNERS,
            json={"name": "Acme", "slug": "acme", "max_users_per_tenant": 2_000_000},
            headers=bearer(tokens.super_admin()),
        )

        assert response.status_code == 422
        assert response.json()["detail"] == "max_users_per_tenant: must be between 0 and 1000000"

    async def test_a_missing_slug_is_422(
        self, db: None, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        response = await http.post(
            PARTNERS, json={"name": "Acme"}, headers=bearer(tokens.super_admin())
        )

        assert response.status_code == 422
        assert response.json()["detail"] == "slug: is required"


class TestGetPartner:
    async def test_reads_one(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        partner = await create_partner(sessions, contact_email="ops@example.com")

        response = await http.get(f"{PARTNERS}/{partner.id}", headers=bearer(tokens.super_admin()))

        assert response.status_code == 200
        assert response.json()["contact_email"] == "ops@example.com"


class TestPatchPartner:
    async def test_changes_only_the_given_fields(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        partner = await create_partner(sessions, max_tenants=5, contact_email="a@example.com")

        response = await http.patch(
            f"{PARTNERS}/{partner.id}",
            json={"max_applications_per_tenant": 3},
            headers=bearer(tokens.super_admin()),
        )

        assert response.status_code == 200, response.text
        body = response.json()
        assert body["max_applications_per_tenant"] == 3
        assert (body["max_tenants"], body["contact_email"]) == (5, "a@example.com")
        assert (body["name"], body["slug"]) == (partner.name, partner.slug)


class TestDeletePartner:
    async def test_soft_deletes_with_its_tenants_and_then_404s(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        # given
        partner = await create_partner(sessions)
        tenant = await create_tenant(sessions, partner=partner)
        headers = bearer(tokens.super_admin())

        # when
        deleted = await http.delete(f"{PARTNERS}/{partner.id}", headers=headers)
        again = await http.get(f"{PARTNERS}/{partner.id}", headers=headers)
        its_tenant = await http.get(f"/api/v1/admin/tenants/{tenant.id}", headers=headers)

        # then
        assert deleted.status_code == 204
        assert deleted.content == b""
        assert again.status_code == 404
        assert again.json()["detail"] == f"Partner {partner.id} not found"
        assert its_tenant.status_code == 404
        assert await is_soft_deleted(sessions, row=tenant)
