"""Keyword-only factories for audit events (stored as the writer stores them), and the
dashboard's scene of counted things."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from ulid import ULID

from db.base import utcnow
from db.ids import IdPrefix, new_id
from db.models import AuditEvent, Tenant
from tests.factories import (
    create_application,
    create_group,
    create_partner,
    create_tenant,
    create_user,
)
from tests.factories_identity import create_agent
from tests.factories_sessions import create_admin, create_session, sign_in
from tests.tokens import Tokens

# The REST event's fields (the GraphQL ones, snake_case).
EVENT_KEYS = {
    "id",
    "created_at",
    "actor_id",
    "actor_type",
    "actor_role",
    "partner_id",
    "tenant_id",
    "action",
    "resource_type",
    "resource_id",
    "result",
    "metadata",
    "ip",
    "user_agent",
    "request_id",
}


async def create_audit_event(
    sessions: async_sessionmaker[AsyncSession],
    *,
    tenant: Tenant | None = None,
    action: str = "user.update",
    result: str = "success",
    created_at: datetime | None = None,
    **fields: Any,
) -> AuditEvent:
    """An event filed under `tenant` (and its partner), or under no scope without one.

    Given `created_at`, the id is made from that time too, so that the order of events is
    the order of their times (as it is for events the gateway writes).
    """
    event = AuditEvent(
        id=f"{IdPrefix.AUDIT.value}_{str(ULID.from_datetime(created_at)).lower()}"
        if created_at
        else new_id(IdPrefix.AUDIT),
        created_at=created_at or utcnow(),
        tenant_id=tenant.id if tenant else None,
        partner_id=tenant.partner_id if tenant else None,
        action=action,
        result=result,
        **{
            "actor_id": "usr_actor",
            "actor_type": "user",
            "actor_role": "super_admin",
            "event_metadata": {},
            **fields,
        },
    )
    async with sessions() as session, session.begin():
        session.add(event)
    return event


async def stored_audit_event(
    sessions: async_sessionmaker[AsyncSession], *, event_id: str
) -> AuditEvent:
    async with sessions() as session:
        row = await session.get(AuditEvent, event_id)
    assert row is not None, f"no audit event {event_id} stored"
    return row


async def create_audit_events(
    sessions: async_sessionmaker[AsyncSession], *, count: int, tenant: Tenant | None = None
) -> list[str]:
    """`count` events in one transaction; their ids in the order written."""
    events = [
        AuditEvent(
            id=new_id(IdPrefix.AUDIT),
            created_at=utcnow(),
            tenant_id=tenant.id if tenant else None,
            partner_id=tenant.partner_id if tenant else None,
            action="user.update",
            result="success",
            actor_type="user",
            event_metadata={},
        )
        for _ in range(count)
    ]
    async with sessions() as session, session.begin():
        session.add_all(events)
    return [event.id for event in events]


@dataclass
class DashboardScene:
    """Partner P (tenants T, S and a deleted one), partner Q (tenant U), a deleted partner;
    live and deleted users, groups, applications and agents; sessions live, expired and
    revoked; sign-ins through the API. `expected` holds each tier's counts, written out."""

    tenants: dict[str, Tenant]
    expected: dict[str, dict[str, int | None]]


def _counts(
    partners: int | None,
    tenants: int,
    users: int,
    groups: int,
    applications: int,
    agents: int,
    active_sessions: int,
    sign_ins: int,
    failures: int,
) -> dict[str, int | None]:
    return {
        "partners": partners,
        "tenants": tenants,
        "users": users,
        "groups": groups,
        "applications": applications,
        "agents": agents,
        "active_sessions": active_sessions,
        "sign_ins_last_24h": sign_ins,
        "sign_in_failures_last_24h": failures,
    }


async def build_dashboard_scene(
    sessions: async_sessionmaker[AsyncSession], http: httpx.AsyncClient
) -> DashboardScene:
    gone: dict[str, Any] = {"deleted_at": utcnow()}
    p, q = await create_partner(sessions), await create_partner(sessions)
    await create_partner(sessions, **gone)
    t, s = await create_tenant(sessions, partner=p), await create_tenant(sessions, partner=p)
    u = await create_tenant(sessions, partner=q)
    await create_tenant(sessions, partner=p, **gone)
    # users: T 2 live (one an admin), S 1, U 2 (one an admin); a deleted one in T
    admin_t = await create_admin(sessions, tenant=t)
    admin_u = await create_admin(sessions, tenant=u)
    for tenant in (t, s, u):
        await create_user(sessions, tenant=tenant)
    await create_user(sessions, tenant=t, **gone)
    # groups: T 2, U 1; a deleted one in T
    for tenant in (t, t, u):
        await create_group(sessions, tenant=tenant)
    await create_group(sessions, tenant=t, **gone)
    # applications: 1 global, T 1, U 1; a deleted one in T
    for owner in (None, t, u):
        await create_application(sessions, tenant=owner)
    await create_application(sessions, tenant=t, **gone)
    # agents: T 1, U 2; a deleted one in T
    for tenant in (t, u, u):
        await create_agent(sessions, tenant=tenant)
    await create_agent(sessions, tenant=t, **gone)
    # sessions: T's admin signs in (live, T); U has a live one and an expired one; a
    # revoked one in T. Sign-ins: T 1 success 1 failure, U 1 failure; one 25 hours old.
    assert (await sign_in(http, admin_t.email)).status_code == 200
    assert (await sign_in(http, admin_t.email, "wrong password")).status_code == 401
    assert (await sign_in(http, admin_u.email, "wrong password")).status_code == 401
    await create_session(sessions, user=admin_u, partner_id=q.id)
    await create_session(sessions, user=admin_u, partner_id=q.id, expired=True)
    await create_session(sessions, user=admin_t, partner_id=p.id, revoked_at=utcnow())
    await create_audit_event(
        sessions, tenant=t, action="auth.sign_in", created_at=utcnow() - timedelta(hours=25)
    )
    everything = _counts(2, 3, 5, 3, 3, 3, 2, 1, 2)
    return DashboardScene(
        tenants={"T": t, "S": s, "U": u},
        expected={
            "super_admin": everything,
            "platform": everything,
            "partner_admin_P": _counts(1, 2, 3, 2, 2, 1, 1, 1, 1),
            "partner_admin_Q": _counts(1, 1, 2, 1, 2, 2, 1, 0, 1),
            "tenant_admin_T": _counts(None, 1, 2, 2, 2, 1, 1, 1, 1),
            "tenant_admin_S": _counts(None, 1, 1, 0, 1, 0, 0, 0, 0),
        },
    )


def scene_token(tokens: Tokens, scene: DashboardScene, caller: str) -> str:
    t, u, s = scene.tenants["T"], scene.tenants["U"], scene.tenants["S"]
    return {
        "super_admin": tokens.super_admin,
        "platform": lambda: tokens.platform("admin:read"),
        "partner_admin_P": lambda: tokens.partner_admin(t.partner_id),
        "partner_admin_Q": lambda: tokens.partner_admin(u.partner_id),
        "tenant_admin_T": lambda: tokens.tenant_admin(t.id),
        "tenant_admin_S": lambda: tokens.tenant_admin(s.id),
    }[caller]()
