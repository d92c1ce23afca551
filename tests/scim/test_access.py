"""Who may call a tenant's SCIM base: its SCIM tokens, and tokens that may manage its users."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import AuditEvent, Partner, ScimToken
from tests.conftest import GraphQLClient
from tests.factories import create_partner, create_tenant
from tests.factories_scim import create_scim_token
from tests.scim.conftest import Scim
from tests.tokens import Tokens, bearer

CREATE = """mutation ($t: ID!) { createScimToken(tenantId: $t, input: {name: "Okta"}) {
    secret scimToken { id hint active } } }"""
REVOKE = "mutation ($id: ID!) { revokeScimToken(id: $id) { id active revokedAt } }"


async def test_a_created_token_opens_its_tenant_and_a_revoked_one_is_401_at_once(
    scim: Scim, gql: GraphQLClient, tokens: Tokens, sessions: async_sessionmaker[AsyncSession]
) -> None:
    # given a token created by the tenant's admin, shown once and stored hashed
    admin = tokens.tenant_admin(scim.tenant.id)
    created = (await gql(CREATE, {"t": scim.tenant.id}, token=admin))["data"]["createScimToken"]
    secret = created["secret"]
    token_id = created["scimToken"]["id"]
    assert secret.startswith("scim_") and created["scimToken"]["hint"] == secret[:12]
    async with sessions() as session:
        row = await session.get(ScimToken, token_id)
    assert row is not None and secret not in (row.token_hash, row.hint)
    caller = Scim(scim.http, scim.tenant, secret)
    assert (await caller.request("GET", "/Users")).status_code == 200

    # when it is revoked
    revoked = (await gql(REVOKE, {"id": token_id}, token=admin))["data"]["revokeScimToken"]

    # then the very next request is refused, and the refusal is audited
    assert revoked["active"] is False
    response = await caller.request("GET", "/Users")
    assert response.status_code == 401
    assert response.json()["detail"] == "SCIM token has been revoked"
    async with sessions() as session:
        reasons = [
            e.event_metadata["reason"]
            for e in (
                await session.execute(
                    select(AuditEvent).where(
                        AuditEvent.action == "auth.token_rejected",
                        AuditEvent.resource_id == token_id,
                    )
                )
            ).scalars()
        ]
    assert reasons == ["scim_token_revoked"]


async def test_a_token_on_another_tenants_base_is_404_and_an_unknown_one_401(
    scim: Scim, sessions: async_sessionmaker[AsyncSession]
) -> None:
    other = await create_tenant(sessions, partner=await create_partner(sessions))
    _token, other_secret = await create_scim_token(sessions, tenant=other)

    elsewhere = await Scim(scim.http, scim.tenant, other_secret).request("GET", "/Users")
    unknown = await Scim(scim.http, scim.tenant, "scim_" + "x" * 43).request("GET", "/Users")
    nothing = await scim.http.get(f"{scim.base}/Users")

    assert elsewhere.status_code == 404
    assert unknown.status_code == 401
    assert nothing.status_code == 401
    assert nothing.json()["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]


@pytest.mark.parametrize(
    ("caller", "expected"),
    [
        ("super_admin", 200),
        ("partner_admin_owning", 200),
        ("partner_admin_other", 404),
        ("tenant_admin_owning", 200),
        ("tenant_admin_sibling", 404),
        ("platform_write", 200),
        ("platform_read", 403),
        ("expired", 401),
    ],
)
async def test_admin_and_platform_tokens_may_use_the_bases_of_tenants_they_manage(
    scim: Scim,
    sessions: async_sessionmaker[AsyncSession],
    tokens: Tokens,
    caller: str,
    expected: int,
) -> None:
    sibling = await create_tenant(sessions, partner=await _partner_of(sessions, scim))
    other = await create_partner(sessions)
    token = {
        "super_admin": tokens.super_admin,
        "partner_admin_owning": lambda: tokens.partner_admin(scim.tenant.partner_id),
        "partner_admin_other": lambda: tokens.partner_admin(other.id),
        "tenant_admin_owning": lambda: tokens.tenant_admin(scim.tenant.id),
        "tenant_admin_sibling": lambda: tokens.tenant_admin(sibling.id),
        "platform_write": lambda: tokens.platform("admin:read", "admin:write"),
        "platform_read": lambda: tokens.platform("admin:read"),
        "expired": tokens.expired,
    }[caller]()

    response = await scim.http.get(f"{scim.base}/Users", headers=bearer(token))

    assert response.status_code == expected, response.text


async def _partner_of(sessions: async_sessionmaker[AsyncSession], scim: Scim) -> Partner:
    async with sessions() as session:
        partner = await session.get(Partner, scim.tenant.partner_id)
    assert partner is not None
    return partner


async def test_every_use_of_a_scim_token_is_audited_and_sets_its_last_use(
    scim: Scim, http: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession]
) -> None:
    created = await scim.create_user("ann@example.com")
    await scim.request("GET", f"/Users/{created['id']}")
    await scim.request("GET", "/Users", None)

    async with sessions() as session:
        events = (
            await session.execute(select(AuditEvent).where(AuditEvent.tenant_id == scim.tenant.id))
        ).scalars()
        trail = sorted((e.action, e.actor_type) for e in events)
        token = (
            await session.execute(select(ScimToken).where(ScimToken.tenant_id == scim.tenant.id))
        ).scalar_one()
    assert trail == [
        ("scim.user.list", "scim"),
        ("scim.user.read", "scim"),
        ("user.create", "scim"),
    ]
    assert token.last_used_at is not None
