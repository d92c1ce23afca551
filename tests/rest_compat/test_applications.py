"""`/api/v1/admin/applications` over HTTP."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from resolvers.passwords import verify_password
from tests.factories import create_application, create_partner, create_tenant
from tests.factories_apps import stored_application
from tests.tokens import Tokens, bearer

Sessions = async_sessionmaker[AsyncSession]
APPLICATIONS = "/api/v1/admin/applications"


class TestCreateApplication:
    async def test_answers_201_with_the_application_and_its_secret_shown_once(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        # given
        tenant = await create_tenant(sessions, partner=await create_partner(sessions))
        headers = bearer(tokens.tenant_admin(tenant.id))

        # when
        created = await http.post(
            APPLICATIONS,
            json={
                "level": "TENANT",
                "app_type": "WEB",
                "name": "Portal",
                "redirect_uris": ["https://portal.example/cb"],
                "token_lifetime": 900,
            },
            headers=headers,
        )
        body = created.json()
        app_id = body["id"]
        read = await http.get(f"{APPLICATIONS}/{app_id}", headers=headers)
        listed = await http.get(APPLICATIONS, headers=headers)

        # then the answer is the application, with the secret as one more top-level field
        assert created.status_code == 201, created.text
        secret = body.pop("client_secret")
        application = body
        assert secret
        assert application["tenant_id"] == tenant.id
        assert (application["level"], application["app_type"]) == ("TENANT", "WEB")
        assert application["token_lifetime"] == 900
        assert application["client_id"].startswith("scg_")
        assert application["has_client_secret"] is True
        stored = await stored_application(sessions, application_id=app_id)
        assert stored.client_secret_hash is not None
        assert verify_password(stored.client_secret_hash, secret)
        # and neither the secret nor its hash is ever readable again
        assert read.status_code == 200
        assert read.json() == application
        for later in (read.text, listed.text):
            assert secret not in later
            assert stored.client_secret_hash not in later
            assert "client_secret_hash" not in later

    async def test_a_public_client_gets_a_null_secret(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        tenant = await create_tenant(sessions, partner=await create_partner(sessions))

        response = await http.post(
            APPLICATIONS,
            json={"level": "TENANT", "app_type": "SPA", "name": "SPA", "tenant_id": tenant.id},
            headers=bearer(tokens.super_admin()),
        )

        assert response.status_code == 201
        assert response.json()["client_secret"] is None
        assert response.json()["has_client_secret"] is False

    async def test_a_token_lifetime_out_of_bounds_is_422_naming_the_field(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        tenant = await create_tenant(sessions, partner=await create_partner(sessions))

        response = await http.post(
            APPLICATIONS,
            json={"level": "TENANT", "app_type": "WEB", "name": "A", "token_lifetime": 30},
            headers=bearer(tokens.tenant_admin(tenant.id)),
        )

        assert response.status_code == 422
        assert response.json() == {
            "detail": "token_lifetime: must be between 60 and 86400 seconds",
            "code": "BAD_USER_INPUT",
        }

    @pytest.mark.parametrize(
        ("field", "value", "detail"),
        [
            ("redirect_uris", ["/relative"], "redirect_uris: '/relative' is not an absolute URI"),
            (
                "allowed_origins",
                ["https://app.example/path"],
                "allowed_origins: 'https://app.example/path' is not an origin "
                "(scheme://host[:port])",
            ),
            ("allowed_scopes", ["bad scope"], "allowed_scopes: 'bad scope' is not a valid scope"),
        ],
    )
    async def test_malformed_lists_are_422_naming_the_field(
        self,
        db: None,
        sessions: Sessions,
        http: httpx.AsyncClient,
        tokens: Tokens,
        field: str,
        value: list[str],
        detail: str,
    ) -> None:
        tenant = await create_tenant(sessions, partner=await create_partner(sessions))
        body = {"level": "TENANT", "app_type": "WEB", "name": "A", field: value}

        response = await http.post(
            APPLICATIONS, json=body, headers=bearer(tokens.tenant_admin(tenant.id))
        )

        assert response.status_code == 422
        assert response.json()["detail"] == detail

    async def test_only_one_of_two_racing_creates_takes_the_last_seat(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        # given a tenant with room for exactly one more application
        partner = await create_partner(sessions, max_applications_per_tenant=1)
        tenant = await create_tenant(sessions, partner=partner)
        headers = bearer(tokens.tenant_admin(tenant.id))

        # when two creates run at once
        responses = await asyncio.gather(
            *(
                http.post(
                    APPLICATIONS,
                    json={"level": "TENANT", "app_type": "SPA", "name": f"Race {n}"},
                    headers=headers,
                )
                for n in range(2)
            )
        )

        # then exactly one wins
        assert sorted(r.status_code for r in responses) == [201, 409], [r.text for r in responses]
        refused = next(r for r in responses if r.status_code == 409)
        assert refused.json()["code"] == "LIMIT_EXCEEDED"


class TestListApplications:
    async def test_filters_by_tenant_and_level(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        # given
        partner = await create_partner(sessions)
        one = await create_tenant(sessions, partner=partner)
        two = await create_tenant(sessions, partner=partner)
        global_app = await create_application(sessions, tenant=None)
        of_one = await create_application(sessions, tenant=one)
        await create_application(sessions, tenant=two)
        headers = bearer(tokens.partner_admin(partner.id))

        # when
        everything = await http.get(APPLICATIONS, headers=headers)
        by_tenant = await http.get(f"{APPLICATIONS}?tenant_id={one.id}", headers=headers)
        by_level = await http.get(f"{APPLICATIONS}?level=GLOBAL", headers=headers)

        # then
        assert everything.json()["pagination"]["total"] == 3
        assert [a["id"] for a in by_tenant.json()["data"]] == [of_one.id]
        assert [a["id"] for a in by_level.json()["data"]] == [global_app.id]


class TestGetApplication:
    async def test_a_sibling_tenants_application_is_404(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        partner = await create_partner(sessions)
        mine = await create_tenant(sessions, partner=partner)
        theirs = await create_application(
            sessions, tenant=await create_tenant(sessions, partner=partner)
        )

        response = await http.get(
            f"{APPLICATIONS}/{theirs.id}", headers=bearer(tokens.tenant_admin(mine.id))
        )

        assert response.status_code == 404
        assert response.json()["detail"] == f"Application {theirs.id} not found"


class TestPatchApplication:
    async def test_changes_only_the_given_fields(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        tenant = await create_tenant(sessions, partner=await create_partner(sessions))
        app = await create_application(
            sessions, tenant=tenant, allowed_scopes=["openid"], token_lifetime=1200
        )

        response = await http.patch(
            f"{APPLICATIONS}/{app.id}",
            json={"allowed_origins": ["https://app.example"]},
            headers=bearer(tokens.tenant_admin(tenant.id)),
        )

        assert response.status_code == 200, response.text
        body = response.json()
        assert body["allowed_origins"] == ["https://app.example"]
        assert (body["allowed_scopes"], body["token_lifetime"]) == (["openid"], 1200)
        assert body["name"] == app.name

    async def test_a_tenant_admin_sees_a_global_application_but_may_not_patch_it(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        tenant = await create_tenant(sessions, partner=await create_partner(sessions))
        global_app = await create_application(sessions, tenant=None)
        headers = bearer(tokens.tenant_admin(tenant.id))

        seen = await http.get(f"{APPLICATIONS}/{global_app.id}", headers=headers)
        patched = await http.patch(
            f"{APPLICATIONS}/{global_app.id}", json={"enabled": False}, headers=headers
        )

        assert seen.status_code == 200
        assert patched.status_code == 403
        assert patched.json()["detail"] == "Access denied"

    @pytest.mark.parametrize(
        ("body", "detail"),
        [
            ({"token_lifetime": 0}, "token_lifetime: must be between 60 and 86400 seconds"),
            ({"name": None}, "name: is required"),
            ({"enabled": None}, "enabled: must be true or false"),
        ],
    )
    async def test_bad_values_are_422_naming_the_field(
        self,
        db: None,
        sessions: Sessions,
        http: httpx.AsyncClient,
        tokens: Tokens,
        body: dict[str, Any],
        detail: str,
    ) -> None:
        app = await create_application(
            sessions, tenant=await create_tenant(sessions, partner=await create_partner(sessions))
        )

        response = await http.patch(
            f"{APPLICATIONS}/{app.id}", json=body, headers=bearer(tokens.super_admin())
        )

        assert response.status_code == 422
        assert response.json()["detail"] == detail
        assert (await stored_application(sessions, application_id=app.id)).name == app.name

    async def test_the_level_cannot_be_changed(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        app = await create_application(
            sessions, tenant=await create_tenant(sessions, partner=await create_partner(sessions))
        )

        response = await http.patch(
            f"{APPLICATIONS}/{app.id}",
            json={"level": "GLOBAL"},
            headers=bearer(tokens.super_admin()),
        )

        assert response.status_code == 422
        assert response.json()["detail"] == "Unknown field 'level'"


class TestDeleteApplication:
    async def test_soft_deletes_and_then_404s(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        tenant = await create_tenant(sessions, partner=await create_partner(sessions))
        app = await create_application(sessions, tenant=tenant)
        headers = bearer(tokens.tenant_admin(tenant.id))

        deleted = await http.delete(f"{APPLICATIONS}/{app.id}", headers=headers)
        again = await http.get(f"{APPLICATIONS}/{app.id}", headers=headers)

        assert deleted.status_code == 204
        assert again.status_code == 404
        stored = await stored_application(sessions, application_id=app.id)
        assert stored.deleted_at is not None

    async def test_a_tenant_admin_may_not_delete_a_global_application(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        tenant = await create_tenant(sessions, partner=await create_partner(sessions))
        global_app = await create_application(sessions, tenant=None)

        response = await http.delete(
            f"{APPLICATIONS}/{global_app.id}", headers=bearer(tokens.tenant_admin(tenant.id))
        )

        assert response.status_code == 403
        assert response.json()["detail"] == "Access denied"
        assert (await stored_application(sessions, application_id=global_app.id)).deleted_at is None
