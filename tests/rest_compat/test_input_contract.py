"""What REST reads from a request: the documented snake_case body keys, the route's own query
parameters, and enum values in either case (answered in one spelling per field)."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.factories import create_partner, create_tenant, create_user
from tests.factories_audit import create_audit_event
from tests.tokens import Tokens, bearer

Sessions = async_sessionmaker[AsyncSession]
A = "/api/v1/admin"
USERS = f"{A}/users"


class TestUnknownQueryParameters:
    @pytest.mark.parametrize(
        ("path", "parameter"),
        [
            (f"{A}/users?statuss=ACTIVE", "statuss"),
            (f"{A}/users?email=ann", "email"),
            (f"{A}/partners?per_page=5&pages=2", "pages"),
            (f"{A}/dashboard/stats?tenant_id=tnt_x", "tenant_id"),
            (f"{A}/dashboard/activity?limit=5&page=2", "page"),
            (f"{A}/audit?actor=usr_x", "actor"),
            ("/v1/admin/participants?kinds=model", "kinds"),
        ],
    )
    async def test_are_422_naming_the_parameter(
        self, db: None, http: httpx.AsyncClient, tokens: Tokens, path: str, parameter: str
    ) -> None:
        response = await http.get(path, headers=bearer(tokens.super_admin()))

        assert response.status_code == 422, response.text
        assert response.json()["code"] == "BAD_USER_INPUT"
        assert response.json()["detail"].startswith(f"Unknown query parameter '{parameter}'")

    async def test_the_refusal_lists_the_parameters_the_route_reads(
        self, db: None, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        response = await http.get(f"{USERS}?statuss=ACTIVE", headers=bearer(tokens.super_admin()))

        assert response.json()["detail"] == (
            "Unknown query parameter 'statuss' "
            "(accepted: page, per_page, search, sort, status, tenant_id)"
        )

    async def test_the_documented_parameters_still_filter(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        # given one active and one disabled user
        tenant = await create_tenant(sessions, partner=await create_partner(sessions))
        active = await create_user(sessions, tenant=tenant)
        await create_user(sessions, tenant=tenant, status="disabled")

        # when
        response = await http.get(
            f"{USERS}?status=ACTIVE&page=1&per_page=10", headers=bearer(tokens.super_admin())
        )

        # then
        assert response.status_code == 200, response.text
        assert [user["id"] for user in response.json()["data"]] == [active.id]


class TestBodyKeys:
    async def test_a_camel_case_key_is_an_unknown_field(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        tenant = await create_tenant(sessions, partner=await create_partner(sessions))
        user = await create_user(sessions, tenant=tenant, display_name="Ann")

        response = await http.patch(
            f"{USERS}/{user.id}",
            json={"displayName": "Changed"},
            headers=bearer(tokens.super_admin()),
        )
        read = await http.get(f"{USERS}/{user.id}", headers=bearer(tokens.super_admin()))

        assert response.status_code == 422
        assert response.json() == {
            "detail": "Unknown field 'displayName'",
            "code": "BAD_USER_INPUT",
        }
        assert read.json()["display_name"] == "Ann"

    async def test_both_spellings_of_one_field_are_refused_not_merged(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        tenant = await create_tenant(sessions, partner=await create_partner(sessions))

        response = await http.post(
            USERS,
            json={
                "tenant_id": tenant.id,
                "email": "ann@example.com",
                "display_name": "Ann",
                "displayName": "Anne",
            },
            headers=bearer(tokens.super_admin()),
        )
        listed = await http.get(
            f"{USERS}?tenant_id={tenant.id}", headers=bearer(tokens.super_admin())
        )

        assert response.status_code == 422
        assert response.json()["detail"] == "Unknown field 'displayName'"
        assert listed.json()["data"] == []

    async def test_a_required_field_given_in_camel_case_is_still_missing(
        self, db: None, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        response = await http.post(
            f"{A}/applications",
            json={"level": "GLOBAL", "appType": "SERVICE", "name": "Robot"},
            headers=bearer(tokens.super_admin()),
        )

        assert response.status_code == 422
        assert response.json()["detail"] == "Unknown field 'appType'"


class TestEnumSpellings:
    @pytest.mark.parametrize(
        ("role", "status"),
        [("tenant_admin", "active"), ("TENANT_ADMIN", "ACTIVE"), ("Tenant_Admin", "Active")],
    )
    async def test_an_admin_role_is_read_in_any_case_and_answered_in_one(
        self,
        db: None,
        sessions: Sessions,
        http: httpx.AsyncClient,
        tokens: Tokens,
        role: str,
        status: str,
    ) -> None:
        tenant = await create_tenant(sessions, partner=await create_partner(sessions))

        response = await http.post(
            USERS,
            json={
                "tenant_id": tenant.id,
                "email": "admin@example.com",
                "admin_role": role,
                "status": status,
            },
            headers=bearer(tokens.super_admin()),
        )

        assert response.status_code == 201, response.text
        answered = response.json()
        assert (answered["admin_role"], answered["status"]) == ("TENANT_ADMIN", "ACTIVE")

    async def test_a_value_outside_the_enum_is_still_422(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        tenant = await create_tenant(sessions, partner=await create_partner(sessions))

        response = await http.post(
            USERS,
            json={"tenant_id": tenant.id, "email": "a@example.com", "admin_role": "root"},
            headers=bearer(tokens.super_admin()),
        )

        assert response.status_code == 422
        assert response.json()["detail"].startswith("admin_role: ")
        assert "root" in response.json()["detail"]

    async def test_a_query_filter_is_read_in_any_case(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        tenant = await create_tenant(sessions, partner=await create_partner(sessions))
        await create_user(sessions, tenant=tenant)
        disabled = await create_user(sessions, tenant=tenant, status="disabled")

        response = await http.get(f"{USERS}?status=disabled", headers=bearer(tokens.super_admin()))

        assert response.status_code == 200, response.text
        assert [user["id"] for user in response.json()["data"]] == [disabled.id]

    async def test_a_scaiwave_value_is_read_in_upper_case_and_answered_in_its_spelling(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        tenant = await create_tenant(sessions, partner=await create_partner(sessions))

        response = await http.put(
            "/v1/admin/ai-config",
            json={
                "default_model": None,
                "enabled_models": [],
                "system_prompt_templates": [],
                "scaigrid_auth_mode": "DISABLED",
            },
            headers={**bearer(tokens.super_admin()), "X-Scai-Tenant": tenant.id},
        )

        assert response.status_code == 200, response.text
        assert response.json()["scaigrid_auth_mode"] == "disabled"

    @pytest.mark.parametrize("spelling", ["denied", "DENIED"])
    async def test_the_audit_result_filter_is_read_in_any_case_and_answered_in_lower_case(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens, spelling: str
    ) -> None:
        denied = await create_audit_event(sessions, result="denied")
        await create_audit_event(sessions, result="success")

        response = await http.get(
            f"{A}/audit?result={spelling}", headers=bearer(tokens.super_admin())
        )

        assert response.status_code == 200, response.text
        assert [(e["id"], e["result"]) for e in response.json()["data"]] == [(denied.id, "denied")]
