"""Value sets stored in text columns; the schema exposes them as GraphQL enums."""

from __future__ import annotations

from enum import StrEnum


class PartnerStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"


class TenantStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"


class UserStatus(StrEnum):
    ACTIVE = "active"
    DISABLED = "disabled"
    LOCKED = "locked"


class AdminRole(StrEnum):
    """A user's admin role; a user without one cannot sign in to the admin API."""

    SUPER_ADMIN = "super_admin"
    PARTNER_ADMIN = "partner_admin"
    TENANT_ADMIN = "tenant_admin"


class ApplicationLevel(StrEnum):
    GLOBAL = "global"
    TENANT = "tenant"


class ApplicationType(StrEnum):
    SERVICE = "service"
    WEB = "web"
    SPA = "spa"
    NATIVE = "native"


CONFIDENTIAL_APPLICATION_TYPES = frozenset({ApplicationType.SERVICE, ApplicationType.WEB})


class ActorType(StrEnum):
    """Who an audit event's actor was."""

    USER = "user"  # an admin user (JWT with an admin role)
    SERVICE = "service"  # a platform client_credentials token
    ANONYMOUS = "anonymous"  # no accepted token
    SCIM = "scim"  # a tenant's SCIM provisioning token (`stk_…`)


class AuditResult(StrEnum):
    SUCCESS = "success"
    FAILURE = "failure"
    DENIED = "denied"
