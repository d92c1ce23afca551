"""Who may grant which admin role, and who may manage a user who holds one.

The one table of the rule: each caller may grant the roles listed for it, and may change
(update, delete, reset the password of, revoke the sessions of) only users whose current
role it could grant, or who have none. So a tenant admin cannot reset a super admin's
password just because that super admin's user row sits in its tenant.
"""

from __future__ import annotations

from core.principals import Principal, Role
from db.enums import AdminRole
from resolvers.errors import AccessDenied

GRANTABLE: dict[Role, frozenset[AdminRole]] = {
    Role.SUPER_ADMIN: frozenset(AdminRole),
    Role.PLATFORM: frozenset({AdminRole.PARTNER_ADMIN, AdminRole.TENANT_ADMIN}),
    Role.PARTNER_ADMIN: frozenset({AdminRole.PARTNER_ADMIN, AdminRole.TENANT_ADMIN}),
    Role.TENANT_ADMIN: frozenset({AdminRole.TENANT_ADMIN}),
}


def ensure_can_grant(principal: Principal, role: str | None) -> None:
    """Giving a user `role` (None takes a role away, which needs no grant of its own)."""
    if role is not None and AdminRole(role) not in GRANTABLE[principal.role]:
        raise AccessDenied(f"Access denied: a {principal.role.value} cannot grant {role}")


def ensure_can_manage(principal: Principal, current_role: str | None) -> None:
    """Changing a user (or ending its sessions): its current role must be grantable."""
    if current_role is not None and AdminRole(current_role) not in GRANTABLE[principal.role]:
        raise AccessDenied()
