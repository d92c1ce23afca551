"""Signing in an admin user: e-mail and password (and, when needed, the tenant) → a session.

Every refusal looks the same to the caller (401 `Invalid email or password`), whether the
address is unknown, the password wrong, the user disabled, locked or not an admin, or its
tenant suspended: nothing tells which accounts exist. The reason goes to the audit event.
Each attempt checks exactly one Argon2 hash per admin account it could be (a made-up one
when there is none), so the time taken does not tell either.

E-mail addresses are unique within a tenant only. Without `tenant`, every admin account
with that address is tried; when the password opens more than one of them, the answer is
409 asking for the tenant (which the caller, knowing the password, may learn).
"""

from __future__ import annotations

import asyncio
import dataclasses
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select, update

from core.principals import Principal, Role
from db.enums import PartnerStatus, TenantStatus, UserStatus
from db.models import Partner, SsoSession, Tenant, User
from resolvers import audit, passwords, sessions
from resolvers.audit import AuditResult
from resolvers.context import RequestContext
from resolvers.errors import Conflict, DomainError, ErrorCode, Unauthenticated
from resolvers.throttle import SignInThrottle, account_key

ACTION = "auth.sign_in"
GENERIC_FAILURE = "Invalid email or password"
MAX_ACCOUNTS = 10  # admin accounts tried for one address when no tenant is named
_UNKNOWN = "*"


class SignInFailed(Unauthenticated):
    def __init__(self) -> None:
        super().__init__(GENERIC_FAILURE)


class TooManyAttempts(DomainError):
    code = ErrorCode.RATE_LIMITED

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            "Too many failed sign-in attempts: try again later", retry_after=retry_after
        )
        self.retry_after = retry_after


@dataclass(frozen=True, slots=True)
class Credentials:
    email: str
    password: str
    tenant: str | None = None  # a tenant id or slug


@dataclass(frozen=True, slots=True)
class SignedIn:
    principal: Principal  # what the token says: the user, its role and scope, the session
    session: SsoSession


_DUMMY_HASH: str | None = None


async def _dummy_hash() -> str:
    """A hash to check when there is no account, so that the refusal takes as long."""
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = await passwords.hash_password("no account has this password")
    return _DUMMY_HASH


async def _verify(password_hash: str, password: str) -> bool:
    return await asyncio.to_thread(passwords.verify_password, password_hash, password)


async def _accounts(context: RequestContext, email: str, tenant: str | None) -> list[Any]:
    """Live users with this address (in the named tenant, if any), with their tenant's state."""
    statement = (
        select(
            User.id,
            User.tenant_id,
            User.status,
            User.admin_role,
            User.password_hash,
            Tenant.status.label("tenant_status"),
            Tenant.partner_id,
            Partner.status.label("partner_status"),
        )
        .join(Tenant, Tenant.id == User.tenant_id)
        .join(Partner, Partner.id == Tenant.partner_id)
        .where(
            User.email == email,
            User.deleted_at.is_(None),
            Tenant.deleted_at.is_(None),
            Partner.deleted_at.is_(None),
        )
        .order_by(User.id)
    )
    if tenant is not None:
        statement = statement.where(or_(Tenant.id == tenant, Tenant.slug == tenant))
    async with context.read() as session:
        return list((await session.execute(statement)).all())


def _refusal_reason(account: Any) -> str | None:
    """Why an account whose password matched still may not sign in, if it may not."""
    if account.status != UserStatus.ACTIVE.value:
        return f"user_{account.status}"
    if account.tenant_status != TenantStatus.ACTIVE.value:
        return "tenant_suspended"
    if account.partner_status != PartnerStatus.ACTIVE.value:
        return "partner_suspended"
    return None


def _principal(account: Any) -> Principal:
    role = Role(account.admin_role)
    return Principal(
        role=role,
        subject=account.id,
        partner_id=account.partner_id if role is Role.PARTNER_ADMIN else None,
        tenant_id=account.tenant_id if role is Role.TENANT_ADMIN else None,
    )


async def _refuse(context: RequestContext, reason: str, email: str, accounts: list[Any]) -> None:
    """The failure event: filed under the account when there is exactly one candidate."""
    only = accounts[0] if len(accounts) == 1 else None
    await audit.record_alone(
        context,
        ACTION,
        resource_type="user" if only else None,
        resource_id=only.id if only else None,
        tenant_id=only.tenant_id if only else None,
        partner_id=only.partner_id if only else None,
        result=AuditResult.FAILURE,
        metadata={"reason": reason, "email": email},
        actor=None,
    )


async def sign_in(
    context: RequestContext,
    throttle: SignInThrottle,
    credentials: Credentials,
    *,
    ttl_seconds: int,
) -> SignedIn:
    email = credentials.email.strip().lower()
    tenant = (credentials.tenant or "").strip() or None
    accounts = await _accounts(context, email, tenant)
    keys = [account_key(a.tenant_id, email) for a in accounts] or [
        account_key(tenant or _UNKNOWN, email)
    ]
    wait = await throttle.reserve(accounts=keys, address=context.meta.ip)
    if wait is not None:
        await _refuse(context, "throttled", email, accounts)
        raise TooManyAttempts(wait)

    admins = [a for a in accounts if a.admin_role is not None and a.password_hash][:MAX_ACCOUNTS]
    matched = [a for a in admins if await _verify(a.password_hash, credentials.password)]
    if not admins:
        await _verify(await _dummy_hash(), credentials.password)

    if len(matched) > 1:
        await _refuse(context, "ambiguous", email, matched)
        raise Conflict(
            "More than one account has this email address and password: "
            "name the tenant (its id or slug) in `tenant`"
        )
    reason: str | None
    if matched:
        reason = _refusal_reason(matched[0])
    elif not accounts:
        reason = "unknown_account"
    elif not any(a.admin_role is not None for a in accounts):
        reason = "not_admin"
    else:
        reason = "wrong_password" if admins else "no_password"
    if reason is not None:
        await throttle.failed(address=context.meta.ip)
        await _refuse(context, reason, email, matched or accounts)
        raise SignInFailed()

    account = matched[0]
    await throttle.succeeded(accounts=[account_key(account.tenant_id, email)])
    principal = _principal(account)
    async with context.transaction() as session:
        row = await sessions.start(
            session,
            principal=principal,
            tenant_id=account.tenant_id,
            partner_id=account.partner_id,
            meta=context.meta,
            ttl_seconds=ttl_seconds,
        )
        principal = dataclasses.replace(principal, session_id=row.id)
        # In the audit event's transaction: both land or neither. Not an edit of the user,
        # so `updated_at` stays.
        await session.execute(
            update(User).where(User.id == account.id).values(last_sign_in_at=row.created_at)
        )
        await audit.record(
            session,
            context,
            ACTION,
            resource_type="user",
            resource_id=account.id,
            tenant_id=account.tenant_id,
            partner_id=account.partner_id,
            metadata={"email": email, "session_id": row.id},
            actor=principal,
        )
    return SignedIn(principal=principal, session=row)
