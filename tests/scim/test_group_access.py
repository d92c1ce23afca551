"""Who may call a tenant's `/Groups`: every route answers each kind of caller as the rest of
the SCIM base does, and a refused caller changes nothing."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import Group, Partner, Tenant
from tests.factories import create_partner, create_tenant
from tests.factories_scim import create_scim_token
from tests.scim.conftest import GROUP_SCHEMA, Scim, create_group, patch
from tests.tokens import Tokens

ALLOWED = 0  # the route's own success status

CALLERS = {
    "scim_token_owning": ALLOWED,
    "scim_token_other_tenant": 404,
    "scim_token_revoked": 401,
    "scim_token_unknown": 401,
    "no_token": 401,
    "super_admin": ALLOWED,
    "partner_admin_owning": ALLOWED,
    "partner_admin_other": 404,
    "tenant_admin_owning": ALLOWED,
    "tenant_admin_sibling": 404,
    "platform_write": ALLOWED,
    "platform_read": 403,
    "expired": 401,
}


@pytest.mark.parametrize(("caller", "expected"), list(CALLERS.items()))
async def test_groups_routes_by_caller(
    scim: Scim,
    sessions: async_sessionmaker[AsyncSession],
    tokens: Tokens,
    caller: str,
    expected: int,
) -> None:
    ann = await scim.create_user("ann@example.com")
    group = await create_group(scim, "Team", ann["id"])
    partner_id = scim.tenant.partner_id
    sibling = await create_tenant(sessions, partner=await _partner(sessions, partner_id))
    other = await create_partner(sessions)
    other_tenant = await create_tenant(sessions, partner=other)

    async def secret_of(tenant: Tenant, revoked: bool = False) -> str:
        _token, secret = await create_scim_token(sessions, tenant=tenant, revoked=revoked)
        return secret

    secrets: dict[str, Callable[[], object]] = {
        "super_admin": tokens.super_admin,
        "partner_admin_owning": lambda: tokens.partner_admin(partner_id),
        "partner_admin_other": lambda: tokens.partner_admin(other.id),
        "tenant_admin_owning": lambda: tokens.tenant_admin(scim.tenant.id),
        "tenant_admin_sibling": lambda: tokens.tenant_admin(sibling.id),
        "platform_write": lambda: tokens.platform("admin:read", "admin:write"),
        "platform_read": lambda: tokens.platform("admin:read"),
        "expired": tokens.expired,
        "no_token": lambda: "",
        "scim_token_unknown": lambda: "scim_" + "x" * 43,
    }
    if caller == "scim_token_owning":
        secret = scim.secret
    elif caller == "scim_token_other_tenant":
        secret = await secret_of(other_tenant)
    elif caller == "scim_token_revoked":
        secret = await secret_of(scim.tenant, revoked=True)
    else:
        secret = str(secrets[caller]())
    client = Scim(scim.http, scim.tenant, secret)
    gid = group["id"]
    body = {"schemas": [GROUP_SCHEMA], "displayName": "Crew", "members": []}
    routes = [
        ("GET", "/Groups", None, 200),
        ("GET", f"/Groups/{gid}", None, 200),
        ("POST", "/Groups", {**body, "displayName": f"New {caller}"}, 201),
        ("PATCH", f"/Groups/{gid}", patch({"op": "remove", "path": "members"}), 200),
        ("PUT", f"/Groups/{gid}", body, 200),
        ("DELETE", f"/Groups/{gid}", None, 204),
    ]

    for method, path, payload, success in routes:
        response = await client.request(method, path, payload)
        wanted = success if expected == ALLOWED else expected
        assert response.status_code == wanted, (method, path, response.text)

    async with sessions() as session:
        row = await session.get(Group, gid)
    assert row is not None
    if expected == ALLOWED:
        assert row.deleted_at is not None
    else:
        assert (row.name, row.deleted_at) == ("Team", None)


async def _partner(sessions: async_sessionmaker[AsyncSession], partner_id: str) -> Partner:
    async with sessions() as session:
        partner = await session.get(Partner, partner_id)
    assert partner is not None
    return partner
