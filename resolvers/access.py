"""Row scoping: which partners, tenants and tenant resources a principal may see or change.

Every rule is a SQL expression that composes into any statement (lists, loader batches,
counts), so paging and totals never see rows the caller may not.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, false, or_, select, true
from sqlalchemy.orm import QueryableAttribute

from core.principals import Principal, Role
from db.enums import ApplicationLevel
from db.models import Application, AuditEvent, Partner, Tenant
from resolvers.errors import AccessDenied


def _platform_wide(principal: Principal) -> bool:
    return principal.role in (Role.SUPER_ADMIN, Role.PLATFORM)


def visible_partners(principal: Principal) -> ColumnElement[bool]:
    if _platform_wide(principal):
        return true()
    if principal.role is Role.PARTNER_ADMIN:
        return Partner.id == principal.partner_id
    return false()


def visible_tenants(principal: Principal) -> ColumnElement[bool]:
    if _platform_wide(principal):
        return true()
    if principal.role is Role.PARTNER_ADMIN:
        return Tenant.partner_id == principal.partner_id
    if principal.role is Role.TENANT_ADMIN:
        return Tenant.id == principal.tenant_id
    return false()


def visible_tenant_ids(
    principal: Principal, tenant_id: ColumnElement[Any] | QueryableAttribute[Any]
) -> ColumnElement[bool]:
    """For a resource owned by a tenant: the owner is one of the principal's tenants."""
    if _platform_wide(principal):
        return true()
    if principal.role is Role.PARTNER_ADMIN:
        return tenant_id.in_(
            select(Tenant.id).where(
                Tenant.partner_id == principal.partner_id, Tenant.deleted_at.is_(None)
            )
        )
    if principal.role is Role.TENANT_ADMIN:
        return tenant_id == principal.tenant_id
    return false()


def visible_applications(principal: Principal) -> ColumnElement[bool]:
    """Global applications are visible to every admin; tenant ones follow their tenant."""
    return or_(
        Application.level == ApplicationLevel.GLOBAL.value,
        and_(
            Application.level == ApplicationLevel.TENANT.value,
            visible_tenant_ids(principal, Application.tenant_id),
        ),
    )


def visible_audit_events(principal: Principal) -> ColumnElement[bool]:
    """Events are filed under the partner and tenant they concerned when written (not a
    join to today's tenants): a tenant moved to another partner keeps its history where
    it was, and events naming deleted objects stay readable."""
    if _platform_wide(principal):
        return true()
    # Never compare with None: that would read as IS NULL and match the unscoped events.
    if principal.role is Role.PARTNER_ADMIN and principal.partner_id is not None:
        return AuditEvent.partner_id == principal.partner_id
    if principal.role is Role.TENANT_ADMIN and principal.tenant_id is not None:
        return AuditEvent.tenant_id == principal.tenant_id
    return false()


def ensure_can_write_global(principal: Principal) -> None:
    """Platform-wide objects (global applications) are changed only at platform tier."""
    if not _platform_wide(principal):
        raise AccessDenied()
