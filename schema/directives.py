"""Role and scope rules as schema directives: printed in the SDL and enforced at execution.

`@requiresRole(roles: [...])` names the principal kinds that may use a field (`PLATFORM`
is a client_credentials token); `@requiresScope(scope: ...)` is what a platform token must
hold on top (admin users hold every admin scope). Both depend only on the principal and
the field, never on row data, so they are decided before any resolver runs.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

import strawberry
from strawberry.extensions import FieldExtension
from strawberry.permission import BasePermission, PermissionExtension
from strawberry.schema_directive import Location

from core.principals import Role, Scope
from resolvers.errors import AccessDenied
from schema.audited import Audited
from schema.context import request_context
from schema.strawberry_private import print_directive_with


@strawberry.enum(name="AdminRole")
class AdminRole(Enum):
    SUPER_ADMIN = Role.SUPER_ADMIN.value
    PARTNER_ADMIN = Role.PARTNER_ADMIN.value
    TENANT_ADMIN = Role.TENANT_ADMIN.value
    PLATFORM = Role.PLATFORM.value


@strawberry.enum(name="AdminScope")
class AdminScope(Enum):
    ADMIN_READ = Scope.ADMIN_READ.value
    ADMIN_WRITE = Scope.ADMIN_WRITE.value


@strawberry.schema_directive(
    locations=[Location.FIELD_DEFINITION], name="requiresRole", print_definition=True
)
class RequiresRoleDirective:
    roles: list[AdminRole]


@strawberry.schema_directive(
    locations=[Location.FIELD_DEFINITION], name="requiresScope", print_definition=True
)
class RequiresScopeDirective:
    scope: AdminScope


class RequiresRole(BasePermission):
    def __init__(self, *roles: Role) -> None:
        self.roles = frozenset(roles)
        print_directive_with(
            self, RequiresRoleDirective(roles=[AdminRole(role.value) for role in roles])
        )

    def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
        principal = request_context(info).actor
        if principal.role not in self.roles:
            raise AccessDenied()
        return True


class RequiresScope(BasePermission):
    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        print_directive_with(self, RequiresScopeDirective(scope=AdminScope(scope.value)))

    def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
        principal = request_context(info).actor
        if not principal.holds(self.scope):
            if self.scope is Scope.ADMIN_READ:
                raise AccessDenied("Platform token requires admin:read or admin:write scope")
            raise AccessDenied(f"Platform token requires {self.scope.value} scope")
        return True


ANY_ADMIN = (Role.SUPER_ADMIN, Role.PARTNER_ADMIN, Role.TENANT_ADMIN, Role.PLATFORM)
PLATFORM_TIER = (Role.SUPER_ADMIN, Role.PLATFORM)


def guarded(*roles: Role, scope: Scope, audit: str | None = None) -> list[FieldExtension]:
    """The field extension list for a field callable by `roles`, platform tokens with `scope`.

    `Audited` comes last, so it wraps the permission check and sees its refusals too.
    """
    return [
        PermissionExtension(permissions=[RequiresRole(*roles), RequiresScope(scope)]),
        Audited(audit),
    ]


def reads(*roles: Role) -> list[FieldExtension]:
    return guarded(*(roles or ANY_ADMIN), scope=Scope.ADMIN_READ)


def writes(*roles: Role, audit: str) -> list[FieldExtension]:
    """A write: `audit` is the action its events carry (`user.create`)."""
    return guarded(*(roles or ANY_ADMIN), scope=Scope.ADMIN_WRITE, audit=audit)


def super_admin_only(audit: str | None = None) -> list[FieldExtension]:
    """Partners: super admins only; `audit` names the action of a write."""
    return [PermissionExtension(permissions=[RequiresRole(Role.SUPER_ADMIN)]), Audited(audit)]
