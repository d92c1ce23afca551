"""Applications: global ones (platform tier) and tenant ones (within the caller's tenants).

Global applications are visible to every admin but changed only at platform tier. A
confidential client (SERVICE, WEB) gets a secret at creation: the caller sees it in that
one response, the database keeps only its Argon2 hash. An application's `allowed_scopes`
may only gain scopes the caller itself holds (`resolvers.scope_grants`, as for agents).

Every write of an application is announced to each gateway process (`platform_clients`),
so that a token issued to it follows its state from the next request on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from core.principals import Principal
from core.token_lifetimes import (
    APPLICATION_TOKEN_LIFETIME_DEFAULT,
    APPLICATION_TOKEN_LIFETIME_MAX,
    APPLICATION_TOKEN_LIFETIME_MIN,
)
from db.base import utcnow
from db.enums import CONFIDENTIAL_APPLICATION_TYPES, ApplicationLevel, ApplicationType
from db.ids import IdPrefix, new_id
from db.models import Application, Partner
from resolvers import access, audit, platform_clients, resources, scope_grants, validation
from resolvers import secrets as client_secrets
from resolvers.context import RequestContext
from resolvers.declared_relations import declared
from resolvers.errors import BadInput, NotFound
from resolvers.listing import Listing, Page, Relay, list_page
from resolvers.tenant_limits import lock_tenant_with_room, owning_tenant_id
from resolvers.writes import apply_patch, load_for_update

KIND = "Application"
_TABLE = Application.__table__
DEFAULT_TOKEN_LIFETIME = APPLICATION_TOKEN_LIFETIME_DEFAULT
MIN_TOKEN_LIFETIME = APPLICATION_TOKEN_LIFETIME_MIN
MAX_TOKEN_LIFETIME = APPLICATION_TOKEN_LIFETIME_MAX
_FIXED_AT_CREATION = ("level", "app_type", "tenant_id")


APPLICATIONS_BY_TENANT_ID = declared(resources.TENANT, "applications")


@dataclass(frozen=True, slots=True)
class CreatedApplication:
    """A new application and, for confidential clients, its secret (never available again)."""

    application: Application
    client_secret: str | None


async def get(context: RequestContext, application_id: str) -> Any:
    row = await context.loaders.by_id(resources.APPLICATION).load(application_id)
    if row is None:
        raise NotFound.resource(KIND, application_id)
    return row


async def list_(
    context: RequestContext,
    relay: Relay,
    listing: Listing = Listing(),
    *,
    tenant_id: str | None = None,
    level: ApplicationLevel | None = None,
) -> Page:
    conditions = []
    if tenant_id is not None:
        conditions.append(_TABLE.c.tenant_id == tenant_id)
    if level is not None:
        conditions.append(_TABLE.c.level == level.value)
    return await list_page(context, resources.APPLICATION, listing, relay, *conditions)


def _token_lifetime(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise BadInput("token_lifetime", "must be an integer number of seconds")
    if not MIN_TOKEN_LIFETIME <= value <= MAX_TOKEN_LIFETIME:
        raise BadInput(
            "token_lifetime",
            f"must be between {MIN_TOKEN_LIFETIME} and {MAX_TOKEN_LIFETIME} seconds",
        )
    return value


_VALIDATORS: dict[str, Callable[[Any], Any]] = {
    "name": lambda v: validation.required_text("name", v, max_length=200),
    "description": lambda v: validation.text("description", v, max_length=1000, required=False),
    "enabled": lambda v: validation.flag("enabled", v),
    "allowed_scopes": lambda v: validation.scopes("allowed_scopes", v),
    "redirect_uris": lambda v: validation.uris("redirect_uris", v),
    "allowed_origins": lambda v: validation.origins("allowed_origins", v),
    "token_lifetime": _token_lifetime,
    "token_exchange_allowed": lambda v: validation.flag("token_exchange_allowed", v),
}


def _level(value: Any) -> ApplicationLevel:
    if value is None:
        raise BadInput("level", "is required")
    return ApplicationLevel(value)


def _app_type(value: Any) -> ApplicationType:
    if value is None:
        raise BadInput("app_type", "is required")
    return ApplicationType(value)


def _owning_tenant(principal: Principal, level: ApplicationLevel, requested: Any) -> str | None:
    """The tenant a new application belongs to; a tenant admin's defaults to its own."""
    if level is ApplicationLevel.GLOBAL:
        access.ensure_can_write_global(principal)
        if requested is not None:
            raise BadInput("tenant_id", "must be absent for GLOBAL applications")
        return None
    return owning_tenant_id(principal, requested, missing="is required for TENANT applications")


async def create(context: RequestContext, fields: dict[str, Any]) -> CreatedApplication:
    principal = context.actor
    fields = dict(fields)
    level = _level(fields.pop("level", None))
    app_type = _app_type(fields.pop("app_type", None))
    tenant_id = _owning_tenant(principal, level, fields.pop("tenant_id", None))
    application = Application(
        id=new_id(IdPrefix.APPLICATION),
        tenant_id=tenant_id,
        level=level.value,
        app_type=app_type.value,
        client_id=client_secrets.new_client_id(),
        enabled=True,
        allowed_scopes=[],
        redirect_uris=[],
        allowed_origins=[],
        token_lifetime=DEFAULT_TOKEN_LIFETIME,
        token_exchange_allowed=False,
    )
    apply_patch(application, fields, _VALIDATORS)
    if not application.name:
        raise BadInput("name", "is required")
    scope_grants.ensure_can_grant(principal, application.allowed_scopes)
    # Hashing is slow on purpose: do it before taking the tenant lock.
    issued = (
        await client_secrets.issue_client_secret()
        if app_type in CONFIDENTIAL_APPLICATION_TYPES
        else None
    )
    application.client_secret_hash = issued.hash if issued else None
    async with context.transaction() as session:
        if tenant_id is not None:
            await lock_tenant_with_room(
                session,
                principal,
                tenant_id,
                model=Application,
                limit=Partner.max_applications_per_tenant,
            )
        session.add(application)
        await audit.record_row(
            session,
            context,
            "application.create",
            application,
            metadata={**fields, "level": level.value, "app_type": app_type.value},
        )
    return CreatedApplication(application, issued.plain if issued else None)


async def _load_writable(
    session: AsyncSession, principal: Principal, application_id: str
) -> Application:
    """Invisible → not found; a visible global application → 403 below platform tier."""
    application = await load_for_update(
        session, Application, application_id, access.visible_applications(principal), kind=KIND
    )
    if application.level == ApplicationLevel.GLOBAL.value:
        access.ensure_can_write_global(principal)
    return application


async def update(
    context: RequestContext, application_id: str, changes: dict[str, Any]
) -> Application:
    """Changes only the given fields; level, type and owning tenant are fixed at creation."""
    principal = context.actor
    for field in _FIXED_AT_CREATION:
        if field in changes:
            raise BadInput(field, "cannot be changed after creation")
    async with context.transaction() as session:
        application = await _load_writable(session, principal, application_id)
        granted_before = set(application.allowed_scopes)
        apply_patch(application, changes, _VALIDATORS)
        scope_grants.ensure_can_grant(
            principal,
            [scope for scope in application.allowed_scopes if scope not in granted_before],
        )
        application.updated_at = utcnow()
        await audit.record_row(
            session, context, "application.update", application, metadata=changes
        )
        await platform_clients.announce_change(session, application)
    return application


async def delete(context: RequestContext, application_id: str) -> Application:
    principal = context.actor
    async with context.transaction() as session:
        application = await _load_writable(session, principal, application_id)
        application.deleted_at = utcnow()
        await audit.record_row(session, context, "application.delete", application)
        await platform_clients.announce_change(session, application)
    return application
