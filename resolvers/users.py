"""Users: reads, relations and writes within the caller's tenants."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from core.principals import Principal
from db.base import utcnow
from db.enums import AdminRole, UserStatus
from db.ids import IdPrefix, new_id
from db.models import GroupMember, Partner, User
from resolvers import admin_roles, audit, passwords, resources, validation
from resolvers.context import RequestContext
from resolvers.declared_relations import declared
from resolvers.errors import BadInput, NotFound
from resolvers.listing import Listing, Page, Relay, list_page
from resolvers.sessions import RevokedReason, revoke_live_for_user
from resolvers.tenant_limits import lock_tenant_with_room, owning_tenant_id
from resolvers.uniqueness import LiveUnique
from resolvers.writes import apply_patch, load_for_update

KIND = "User"
_TABLE = User.__table__
_MEMBERS = GroupMember.__table__


USERS_BY_TENANT_ID = declared(resources.TENANT, "users")
MEMBERS_BY_GROUP_ID = declared(resources.GROUP, "members")
USERS_BY_PARTNER_ID = declared(resources.PARTNER, "users")


async def get(context: RequestContext, user_id: str) -> Any:
    row = await context.loaders.by_id(resources.USER).load(user_id)
    if row is None:
        raise NotFound.resource(KIND, user_id)
    return row


async def list_(
    context: RequestContext,
    relay: Relay,
    listing: Listing = Listing(),
    *,
    tenant_id: str | None = None,
    status: UserStatus | None = None,
) -> Page:
    """A page of the users the caller may see; `tenant_id` and `status` are the list's
    original filters, ANDed with `listing`'s."""
    conditions = []
    if tenant_id is not None:
        conditions.append(_TABLE.c.tenant_id == tenant_id)
    if status is not None:
        conditions.append(_TABLE.c.status == status.value)
    return await list_page(context, resources.USER, listing, relay, *conditions)


_VALIDATORS = {
    "email": lambda v: validation.email("email", v),
    "display_name": lambda v: validation.text("display_name", v, max_length=200, required=False),
    "first_name": lambda v: validation.text("first_name", v, max_length=100, required=False),
    "last_name": lambda v: validation.text("last_name", v, max_length=100, required=False),
    "status": lambda v: validation.choice("status", v, UserStatus),
    "email_verified": lambda v: validation.flag("email_verified", v),
    "custom_attributes": lambda v: validation.json_object("custom_attributes", v),
    "admin_role": lambda v: None if v is None else validation.choice("admin_role", v, AdminRole),
    "external_id": lambda v: validation.text("external_id", v, max_length=200, required=False),
    "user_name": lambda v: validation.text("user_name", v, max_length=320, required=False),
}


EMAIL = LiveUnique(
    User,
    "email",
    lambda email: f"A user with email '{email}' already exists in this tenant",
    within="tenant_id",
)
EXTERNAL_ID = LiveUnique(
    User,
    "external_id",
    lambda value: f"A user with externalId '{value}' already exists in this tenant",
    within="tenant_id",
)
USER_NAME = LiveUnique(
    User,
    "user_name",
    lambda value: f"A user with userName '{value}' already exists in this tenant",
    within="tenant_id",
)


async def _load(session: AsyncSession, principal: Principal, user_id: str) -> User:
    """A user to change: visible, and not holding a role above what the caller may grant."""
    user = await load_for_update(
        session, User, user_id, resources.USER.visible(principal), kind=KIND
    )
    admin_roles.ensure_can_manage(principal, user.admin_role)
    return user


async def _end_sessions_on_change(
    session: AsyncSession, user: User, role_before: str | None
) -> int:
    """Disabling or locking a user, or changing its admin role, ends its live sessions."""
    if user.status == UserStatus.DISABLED.value:
        reason = RevokedReason.USER_DISABLED
    elif user.status == UserStatus.LOCKED.value:
        reason = RevokedReason.USER_LOCKED
    elif user.admin_role != role_before:
        reason = RevokedReason.ADMIN_ROLE_CHANGED
    else:
        return 0
    return await revoke_live_for_user(session, user.id, reason)


async def create(context: RequestContext, fields: dict[str, Any]) -> User:
    principal = context.actor
    tenant_id = owning_tenant_id(principal, fields.pop("tenant_id", None))
    password = fields.pop("password", None)
    admin_roles.ensure_can_grant(principal, fields.get("admin_role"))
    user = User(
        id=new_id(IdPrefix.USER),
        status=UserStatus.ACTIVE.value,
        email_verified=False,
        mfa_enabled=False,
        must_change_password=False,
        custom_attributes={},
    )
    apply_patch(user, fields, _VALIDATORS)
    if not user.email:
        raise BadInput("email", "is required")
    if password is not None:
        user.password_hash = await passwords.hash_password(
            validation.password("password", password)
        )
        user.password_changed_at = utcnow()
    with (
        EMAIL.violations(user.email),
        EXTERNAL_ID.violations(user.external_id),
        USER_NAME.violations(user.user_name),
    ):
        async with context.transaction() as session:
            tenant = await lock_tenant_with_room(
                session, principal, tenant_id, model=User, limit=Partner.max_users_per_tenant
            )
            await EMAIL.ensure_free(session, user.email, within=tenant.id)
            if user.external_id is not None:
                await EXTERNAL_ID.ensure_free(session, user.external_id, within=tenant.id)
            if user.user_name is not None:
                await USER_NAME.ensure_free(session, user.user_name, within=tenant.id)
            user.tenant_id = tenant.id
            session.add(user)
            await audit.record_row(session, context, "user.create", user, metadata=fields)
    return user


async def update(
    context: RequestContext,
    user_id: str,
    changes: dict[str, Any],
    *,
    precondition: Callable[[User], None] | None = None,
) -> User:
    """`precondition` checks the locked row before the change (a SCIM `If-Match`)."""
    principal = context.actor
    email = validation.email("email", changes.get("email"), required=False)
    if "admin_role" in changes:
        admin_roles.ensure_can_grant(principal, changes["admin_role"])
    external_id = changes.get("external_id")
    user_name = changes.get("user_name")
    with (
        EMAIL.violations(email),
        EXTERNAL_ID.violations(external_id),
        USER_NAME.violations(user_name),
    ):
        async with context.transaction() as session:
            user = await _load(session, principal, user_id)
            if precondition is not None:
                precondition(user)
            role_before = user.admin_role
            apply_patch(user, changes, _VALIDATORS)
            if "email" in changes:
                await EMAIL.ensure_free(
                    session, user.email, within=user.tenant_id, except_id=user.id
                )
            if user.external_id is not None and "external_id" in changes:
                await EXTERNAL_ID.ensure_free(
                    session, user.external_id, within=user.tenant_id, except_id=user.id
                )
            if user.user_name is not None and "user_name" in changes:
                await USER_NAME.ensure_free(
                    session, user.user_name, within=user.tenant_id, except_id=user.id
                )
            user.updated_at = utcnow()
            ended = await _end_sessions_on_change(session, user, role_before)
            metadata = {**changes, "sessions_revoked": ended} if ended else changes
            await audit.record_row(session, context, "user.update", user, metadata=metadata)
    return user


async def delete(
    context: RequestContext,
    user_id: str,
    *,
    precondition: Callable[[User], None] | None = None,
) -> User:
    """Soft delete; membership rows stay, and every relation skips deleted users."""
    async with context.transaction() as session:
        user = await _load(session, context.actor, user_id)
        if precondition is not None:
            precondition(user)
        user.deleted_at = utcnow()
        ended = await revoke_live_for_user(session, user.id, RevokedReason.USER_DELETED)
        metadata = {"sessions_revoked": ended} if ended else None
        await audit.record_row(session, context, "user.delete", user, metadata=metadata)
    return user


async def reset_password(
    context: RequestContext, user_id: str, password: str | None
) -> tuple[User, str | None]:
    """Sets the caller's password, or a generated one that must be changed at next sign-in.

    Returns the user and the generated password, which is shown this once and never again.
    """
    temporary = passwords.temporary_password() if password is None else None
    chosen = temporary if temporary is not None else validation.password("password", password)
    password_hash = await passwords.hash_password(chosen)
    async with context.transaction() as session:
        user = await _load(session, context.actor, user_id)
        user.password_hash = password_hash
        user.must_change_password = temporary is not None
        user.password_changed_at = user.updated_at = utcnow()
        ended = await revoke_live_for_user(session, user.id, RevokedReason.PASSWORD_RESET)
        await audit.record_row(
            session,
            context,
            "user.reset_password",
            user,
            metadata={"generated": bool(temporary), "sessions_revoked": ended},
        )
    return user, temporary


async def disable_mfa(context: RequestContext, user_id: str) -> User:
    async with context.transaction() as session:
        user = await _load(session, context.actor, user_id)
        user.mfa_enabled = False
        user.mfa_secret = None
        user.updated_at = utcnow()
        await audit.record_row(session, context, "user.disable_mfa", user)
    return user
