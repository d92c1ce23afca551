"""The data both planner differential tests read (GraphQL and REST): the matrix's world, with
rows of every kind a plan writes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.databases import empty_all_tables
from tests.factories import (
    create_application,
    create_group,
    create_partner,
    create_tenant,
    create_user,
    nest_group,
)
from tests.factories_audit import create_audit_event
from tests.factories_identity import create_agent, create_identity_provider
from tests.factories_sessions import create_session
from tests.security.principals import World


async def planner_world(app: FastAPI, sessions: async_sessionmaker[AsyncSession]) -> World:
    """An empty database filled with the world: partners, tenants, users of every status
    (one deleted), groups with members and nesting, JSON values with nesting and accents,
    applications (tenant ones, a global one, a deleted one), identity providers and agents,
    a deleted tenant whose identity provider and agent are still there, and an admin per
    tenant who signed in (a live session and a revoked one)."""
    await empty_all_tables(app.state.engine)
    partner = await create_partner(sessions, contact_email="ops@p.example", max_tenants=7)
    other = await create_partner(sessions, status="suspended")
    world = World(
        partner=partner,
        other_partner=other,
        tenant=await create_tenant(sessions, partner=partner, settings={"b": 1, "a": [1, 2]}),
        sibling=await create_tenant(sessions, partner=partner, status="suspended"),
        foreign=await create_tenant(sessions, partner=other),
    )
    for tenant in (world.tenant, world.sibling, world.foreign):
        users = [
            await create_user(sessions, tenant=tenant),
            await create_user(
                sessions,
                tenant=tenant,
                display_name="Ada Ü. Lovelace",
                first_name="Ada",
                status="disabled",
                admin_role="tenant_admin",
                custom_attributes={"z": None, "a": {"nested": ["é", 1.5]}},
                email_verified=True,
                last_sign_in_at=datetime(2026, 11, 30, 8, 15, 0, 123456, tzinfo=UTC),
            ),
            await create_user(sessions, tenant=tenant, status="locked", mfa_enabled=True),
        ]
        parent = await create_group(sessions, tenant=tenant, members=tuple(users[:2]))
        child = await create_group(sessions, tenant=tenant, description="with a description")
        await create_group(sessions, tenant=tenant, members=tuple(users[1:]))
        await nest_group(sessions, parent=parent, child=child)
        partner_id = tenant.partner_id
        await create_session(sessions, user=users[1], partner_id=partner_id)
        await create_session(
            sessions,
            user=users[1],
            partner_id=partner_id,
            revoked_at=datetime(2026, 12, 1, 9, 0, tzinfo=UTC),
            revoked_reason="signed_out",
        )
    await create_user(
        sessions, tenant=world.tenant, email="deleted@example.com", deleted_at=datetime.now(UTC)
    )
    for tenant in (world.tenant, world.foreign):
        await create_application(sessions, tenant=tenant, description="of a tenant")
        await create_identity_provider(sessions, tenant=tenant)
        await create_agent(sessions, tenant=tenant, rate_limit_rpm=60)
    await create_application(sessions, tenant=None)
    await create_application(sessions, tenant=world.tenant, deleted_at=datetime.now(UTC))
    gone = await create_tenant(sessions, partner=partner, deleted_at=datetime.now(UTC))
    await create_identity_provider(sessions, tenant=gone, protocol="saml")
    await create_agent(sessions, tenant=gone)
    await _audit_events(sessions, world)
    return world


async def _audit_events(sessions: async_sessionmaker[AsyncSession], world: World) -> None:
    """Audit events of every result, filed under each tenant and under none, a day apart."""
    spread = [
        ("auth.sign_in", "success", {"via": "password"}),
        ("auth.sign_in", "failure", {"reason": "bad_password", "tries": [1, 2]}),
        ("user.delete", "denied", {}),
    ]
    start = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    owners = (world.tenant, world.sibling, world.foreign, None)
    for i, (tenant, (action, result, metadata)) in enumerate(
        (tenant, item) for tenant in owners for item in spread
    ):
        await create_audit_event(
            sessions,
            tenant=tenant,
            action=action,
            result=result,
            created_at=start + timedelta(days=i % 5, minutes=i),
            actor_type="anonymous" if result == "failure" else "user",
            event_metadata=metadata,
        )
