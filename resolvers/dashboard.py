"""The admin home page's counters, all in the caller's scope, read in one statement.

Each counter is a scalar subquery over its table with the same scope expression its list
uses (`resolvers.access`), so a counter always equals the `totalCount` of that list. The
recent activity feed is the audit list itself (`resolvers.audit_log.list_`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, func, null, select

from core.principals import Role
from db.base import utcnow
from db.models import Agent, Application, AuditEvent, Group, Partner, SsoSession, Tenant, User
from resolvers import access, resources
from resolvers.audit import AuditResult
from resolvers.context import RequestContext

SIGN_IN = "auth.sign_in"
SIGN_IN_WINDOW = timedelta(hours=24)
# A refused sign-in (a disabled user, say) is as much a failed sign-in as a wrong password.
_UNSUCCESSFUL = (AuditResult.FAILURE.value, AuditResult.DENIED.value)


@dataclass(frozen=True, slots=True)
class DashboardStats:
    partners: int | None  # None for a tenant admin: partners are not within its view
    tenants: int
    users: int
    groups: int
    applications: int
    agents: int
    active_sessions: int
    sign_ins_last_24h: int
    sign_in_failures_last_24h: int
    as_of: datetime


def _count(model: Any, *where: ColumnElement[bool]) -> Any:
    return select(func.count()).select_from(model).where(*where).scalar_subquery()


def _live(model: Any, scope: ColumnElement[bool]) -> Any:
    return _count(model, model.deleted_at.is_(None), scope)


async def stats(context: RequestContext) -> DashboardStats:
    principal = context.actor
    now = utcnow()
    sign_ins = (
        AuditEvent.action == SIGN_IN,
        AuditEvent.created_at >= now - SIGN_IN_WINDOW,
        access.visible_audit_events(principal),
    )
    partners: Any = (
        null()
        if principal.role is Role.TENANT_ADMIN
        else _live(Partner, access.visible_partners(principal))
    )
    statement = select(
        partners.label("partners"),
        _live(Tenant, access.visible_tenants(principal)).label("tenants"),
        _live(User, resources.USER.visible(principal)).label("users"),
        _live(Group, resources.GROUP.visible(principal)).label("groups"),
        _live(Application, access.visible_applications(principal)).label("applications"),
        _live(Agent, resources.AGENT.visible(principal)).label("agents"),
        # As the sessions list's `active: true`: neither revoked nor expired.
        _count(
            SsoSession,
            SsoSession.revoked_at.is_(None),
            SsoSession.expires_at > now,
            resources.SSO_SESSION.visible(principal),
        ).label("active_sessions"),
        _count(AuditEvent, *sign_ins, AuditEvent.result == AuditResult.SUCCESS.value).label(
            "sign_ins"
        ),
        _count(AuditEvent, *sign_ins, AuditEvent.result.in_(_UNSUCCESSFUL)).label(
            "sign_in_failures"
        ),
    )
    async with context.read() as session:
        row = (await session.execute(statement)).one()
    return DashboardStats(
        partners=row.partners,
        tenants=row.tenants,
        users=row.users,
        groups=row.groups,
        applications=row.applications,
        agents=row.agents,
        active_sessions=row.active_sessions,
        sign_ins_last_24h=row.sign_ins,
        sign_in_failures_last_24h=row.sign_in_failures,
        as_of=now,
    )
