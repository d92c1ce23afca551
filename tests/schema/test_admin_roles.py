"""`User.adminRole`: who may grant which role, and who may change a user holding one."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from db.enums import AdminRole
from db.models import Partner, Tenant
from tests.conftest import GraphQLClient
from tests.factories import create_partner, create_tenant, create_user
from tests.factories_sessions import Sessions, create_admin
from tests.tokens import Tokens, bearer

CREATE = """
mutation ($input: CreateUserInput!) { createUser(input: $input) { id adminRole } }"""
UPDATE = """
mutation ($id: ID!, $input: UpdateUserInput!) {
  updateUser(id: $id, input: $input) { adminRole }
}"""

Issuer = Callable[[Tokens, Partner, Tenant], str]
CALLERS: dict[str, Issuer] = {
    "super_admin": lambda t, p, n: t.super_admin(),
    "platform admin:write": lambda t, p, n: t.platform("admin:read", "admin:write"),
    "partner_admin": lambda t, p, n: t.partner_admin(p.id),
    "tenant_admin": lambda t, p, n: t.tenant_admin(n.id),
}
# The table docs/decisions.md states, written out: caller → role → may grant.
MAY_GRANT = {
    "super_admin": {"SUPER_ADMIN": True, "PARTNER_ADMIN": True, "TENANT_ADMIN": True},
    "platform admin:write": {"SUPER_ADMIN": False, "PARTNER_ADMIN": True, "TENANT_ADMIN": True},
    "partner_admin": {"SUPER_ADMIN": False, "PARTNER_ADMIN": True, "TENANT_ADMIN": True},
    "tenant_admin": {"SUPER_ADMIN": False, "PARTNER_ADMIN": False, "TENANT_ADMIN": True},
}
CASES = [(caller, role) for caller in MAY_GRANT for role in MAY_GRANT[caller]]


@pytest.mark.parametrize(("caller", "role"), CASES)
class TestGrantingOnCreate:
    async def test_a_caller_grants_only_the_roles_of_its_row(
        self,
        caller: str,
        role: str,
        db: None,
        sessions: Sessions,
        gql: GraphQLClient,
        tokens: Tokens,
    ) -> None:
        partner = await create_partner(sessions)
        tenant = await create_tenant(sessions, partner=partner)
        token = CALLERS[caller](tokens, partner, tenant)

        body = await gql(
            CREATE,
            {"input": {"tenantId": tenant.id, "email": "new@example.com", "adminRole": role}},
            token=token,
        )

        if MAY_GRANT[caller][role]:
            assert body["data"]["createUser"]["adminRole"] == role, body
        else:
            error = body["errors"][0]
            assert error["extensions"]["code"] == "FORBIDDEN"
            role_of_caller = caller.split()[0]  # "platform admin:write" → "platform"
            assert error["message"] == (
                f"Access denied: a {role_of_caller} cannot grant {role.lower()}"
            )


@pytest.mark.parametrize(("caller", "role"), CASES)
class TestGrantingOnUpdate:
    async def test_the_same_rule_holds(
        self,
        caller: str,
        role: str,
        db: None,
        sessions: Sessions,
        gql: GraphQLClient,
        tokens: Tokens,
    ) -> None:
        partner = await create_partner(sessions)
        tenant = await create_tenant(sessions, partner=partner)
        user = await create_user(sessions, tenant=tenant)

        body = await gql(
            UPDATE,
            {"id": user.id, "input": {"adminRole": role}},
            token=CALLERS[caller](tokens, partner, tenant),
        )

        granted = body.get("data") and body["data"]["updateUser"]
        assert bool(granted) == MAY_GRANT[caller][role], body


class TestManagingAdmins:
    @pytest.mark.parametrize(
        ("held", "allowed"),
        [(AdminRole.SUPER_ADMIN, False), (AdminRole.PARTNER_ADMIN, False), (None, True)],
    )
    async def test_a_tenant_admin_cannot_touch_a_user_above_its_own_rank(
        self,
        db: None,
        sessions: Sessions,
        http: httpx.AsyncClient,
        tokens: Tokens,
        held: AdminRole | None,
        allowed: bool,
    ) -> None:
        tenant = await create_tenant(sessions, partner=await create_partner(sessions))
        user = await create_admin(sessions, tenant=tenant, role=held)
        headers = bearer(tokens.tenant_admin(tenant.id))

        reset = await http.post(
            f"/api/v1/admin/users/{user.id}/reset-password", json={}, headers=headers
        )
        demote = await http.patch(
            f"/api/v1/admin/users/{user.id}", json={"admin_role": None}, headers=headers
        )

        expected = 200 if allowed else 403
        assert (reset.status_code, demote.status_code) == (expected, expected)

    async def test_rest_shows_and_takes_the_role(
        self, db: None, sessions: Sessions, http: httpx.AsyncClient, tokens: Tokens
    ) -> None:
        tenant = await create_tenant(sessions, partner=await create_partner(sessions))

        created = await http.post(
            "/api/v1/admin/users",
            json={"email": "ops@example.com", "admin_role": "TENANT_ADMIN"},
            headers=bearer(tokens.tenant_admin(tenant.id)),
        )
        plain = await http.post(
            "/api/v1/admin/users",
            json={"email": "plain@example.com"},
            headers=bearer(tokens.tenant_admin(tenant.id)),
        )

        assert created.status_code == 201
        assert created.json()["admin_role"] == "TENANT_ADMIN"
        assert plain.json()["admin_role"] is None
