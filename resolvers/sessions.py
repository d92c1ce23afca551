"""SSO sessions: reading and revoking them, starting one at sign-in, and the per-request check.

A session is visible to the admins of its tenant (tenant admins, its partner's admins) and
platform-wide callers, like any tenant resource. Revocation takes effect on the next request
on every gateway process, because each request bearing a session's token reads the row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, not_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.principals import Principal
from db.base import utcnow
from db.enums import UserStatus
from db.ids import IdPrefix, new_id
from db.models import SsoSession, User
from resolvers import admin_roles, audit, resources
from resolvers.context import RequestContext, RequestMeta
from resolvers.declared_relations import declared
from resolvers.errors import BadInput, NotFound
from resolvers.listing import Listing, Page, Relay, list_page

KIND = "Session"
_TABLE = SsoSession.__table__

SESSIONS_BY_USER_ID = declared(resources.USER, "sessions")
SESSIONS_BY_TENANT_ID = declared(resources.TENANT, "sessions")
SESSIONS_BY_PARTNER_ID = declared(resources.PARTNER, "sessions")

REVOKED = "Session has been revoked"
EXPIRED = "Session has expired"


class RevokedReason:
    """What `revoked_reason` says (besides being read by people, nothing branches on it)."""

    BY_ADMIN = "revoked_by_admin"
    SIGNED_OUT = "signed_out"
    USER_DISABLED = "user_disabled"
    USER_LOCKED = "user_locked"
    USER_DELETED = "user_deleted"
    ADMIN_ROLE_CHANGED = "admin_role_changed"
    PASSWORD_RESET = "password_reset"
    TENANT_DELETED = "tenant_deleted"
    PARTNER_DELETED = "partner_deleted"


def _live(now: datetime) -> ColumnElement[bool]:
    return and_(_TABLE.c.revoked_at.is_(None), _TABLE.c.expires_at > now)


async def get(context: RequestContext, session_id: str) -> Any:
    row = await context.loaders.by_id(resources.SSO_SESSION).load(session_id)
    if row is None:
        raise NotFound.resource(KIND, session_id)
    return row


async def list_(
    context: RequestContext,
    relay: Relay,
    listing: Listing = Listing(),
    *,
    user_id: str | None = None,
    tenant_id: str | None = None,
    active: bool | None = None,
) -> Page:
    """In creation order unless `listing` orders otherwise; `active` keeps live (or only
    ended) sessions."""
    conditions = []
    if user_id is not None:
        conditions.append(_TABLE.c.user_id == user_id)
    if tenant_id is not None:
        conditions.append(_TABLE.c.tenant_id == tenant_id)
    if active is not None:
        live = _live(utcnow())
        conditions.append(live if active else not_(live))
    return await list_page(context, resources.SSO_SESSION, listing, relay, *conditions)


async def _load_for_update(session: AsyncSession, principal: Principal, session_id: str) -> Any:
    statement = (
        select(SsoSession)
        .where(SsoSession.id == session_id, resources.SSO_SESSION.visible(principal))
        .with_for_update()
    )
    row = (await session.execute(statement)).scalar_one_or_none()
    if row is None:
        raise NotFound.resource(KIND, session_id)
    return row


async def revoke(context: RequestContext, session_id: str) -> SsoSession:
    """Ends a session now. Revoking an ended one answers it unchanged (still one event)."""
    principal = context.actor
    async with context.transaction() as session:
        row: SsoSession = await _load_for_update(session, principal, session_id)
        admin_roles.ensure_can_manage(principal, row.admin_role)
        already = row.revoked_at is not None
        if not already:
            row.revoked_at = utcnow()
            row.revoked_reason = RevokedReason.BY_ADMIN
        await audit.record_row(
            session,
            context,
            "session.revoke",
            row,
            metadata={"user_id": row.user_id, "already_revoked": already},
        )
    return row


async def sign_out(context: RequestContext) -> SsoSession:
    """Ends the caller's own session (the one its token is bound to)."""
    principal = context.actor
    if principal.session_id is None:
        raise BadInput("token", "is not bound to a session: only sign-in tokens can sign out")
    async with context.transaction() as session:
        row = await session.get(SsoSession, principal.session_id, with_for_update=True)
        if row is None:
            raise NotFound.resource(KIND, principal.session_id)
        if row.revoked_at is None:
            row.revoked_at = utcnow()
            row.revoked_reason = RevokedReason.SIGNED_OUT
        await audit.record_row(session, context, "auth.sign_out", row)
    return row


async def start(
    session: AsyncSession,
    *,
    principal: Principal,
    tenant_id: str,
    partner_id: str,
    meta: RequestMeta,
    ttl_seconds: int,
) -> SsoSession:
    """A new live session for an admin who has just proven who it is (in the caller's write).

    `principal` is the signed-in user (its `subject` the user id, its role the admin role).
    """
    now = utcnow()
    row = SsoSession(
        id=new_id(IdPrefix.SESSION),
        user_id=principal.subject,
        tenant_id=tenant_id,
        partner_id=partner_id,
        admin_role=principal.role.value,
        ip=meta.ip,
        user_agent=meta.user_agent[:500] if meta.user_agent else None,
        created_at=now,
        expires_at=now + timedelta(seconds=ttl_seconds),
    )
    session.add(row)
    await session.flush()
    return row


async def revoke_live_for_user(session: AsyncSession, user_id: str, reason: str) -> int:
    """Ends every live session of a user, in the caller's transaction; returns how many."""
    return await revoke_live_where(session, SsoSession.user_id == user_id, reason)


async def revoke_live_where(
    session: AsyncSession, condition: ColumnElement[bool], reason: str
) -> int:
    """Ends the live sessions matching `condition` (a deleted tenant's, say); returns how many.

    The per-request check refuses a deleted user's token anyway; marking the rows keeps the
    sessions list and the dashboard's active count true.
    """
    now = utcnow()
    result = await session.execute(
        update(SsoSession)
        .where(condition, _live(now))
        .values(revoked_at=now, revoked_reason=reason)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a session-bound token is refused: the 401 message and a word for the audit."""

    message: str
    reason: str
    tenant_id: str | None = None


async def refusal(sessions: async_sessionmaker[AsyncSession], session_id: str) -> Refusal | None:
    """None while the session is live and its user active; one primary-key read.

    The user's own state is read in the same statement, so a user disabled or deleted by
    any path (a tenant deleted with its users, say) is refused even if its sessions were
    not marked revoked.
    """
    statement = (
        select(
            _TABLE.c.revoked_at,
            _TABLE.c.expires_at,
            _TABLE.c.tenant_id,
            User.status,
            User.deleted_at,
        )
        .join(User, User.id == _TABLE.c.user_id)
        .where(_TABLE.c.id == session_id)
    )
    async with sessions() as session:
        row = (await session.execute(statement)).first()
    if row is None:
        return Refusal(REVOKED, "session_unknown")
    if row.revoked_at is not None:
        return Refusal(REVOKED, "session_revoked", row.tenant_id)
    if row.deleted_at is not None or row.status != UserStatus.ACTIVE.value:
        return Refusal(REVOKED, "user_inactive", row.tenant_id)
    if row.expires_at <= utcnow():
        return Refusal(EXPIRED, "session_expired", row.tenant_id)
    return None


def is_active(row: Any) -> bool:
    return row.revoked_at is None and row.expires_at > utcnow()
