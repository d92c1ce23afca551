"""Which scopes a caller may grant (an agent's or an application's `allowed_scopes`): only
scopes it holds itself.

What a caller holds, in one table:

- a super admin holds every scope: it owns the platform (and defines every application's
  scopes), so no grant raises its reach;
- a partner or tenant admin holds the standard OpenID Connect scopes of a signed-in user
  (`openid`, `profile`, `email`, `offline_access`), not the admin scopes: an admin's own
  `admin:read`/`admin:write` power stops at its partner or tenant, while a client holding
  `admin:*` reaches the admin API as a platform caller, so granting them would raise the
  caller's reach;
- a platform token holds exactly the scopes it was issued, plus `admin:read` when it carries
  `admin:write` (as `Principal.holds` reads them).

Granting anything else is 403 `Access denied`, naming the scopes: the caller is refused a
power, the input itself is well formed.
"""

from __future__ import annotations

from collections.abc import Iterable

from core.principals import Principal, Role, Scope
from resolvers.errors import AccessDenied

ADMIN_SCOPES = frozenset(scope.value for scope in Scope)
OPENID_SCOPES = frozenset({"openid", "profile", "email", "offline_access"})
EVERY_SCOPE = None  # the super admin's grant: no bound

TIER_SCOPES: dict[Role, frozenset[str] | None] = {
    Role.SUPER_ADMIN: EVERY_SCOPE,
    Role.PARTNER_ADMIN: OPENID_SCOPES,
    Role.TENANT_ADMIN: OPENID_SCOPES,
}


def held_scopes(principal: Principal) -> frozenset[str] | None:
    """The scopes `principal` holds; None when it holds every scope."""
    if principal.role is Role.PLATFORM:
        implied = {Scope.ADMIN_READ.value} if Scope.ADMIN_WRITE.value in principal.scopes else set()
        return principal.scopes | implied
    return TIER_SCOPES[principal.role]


def ensure_can_grant(principal: Principal, scopes: Iterable[str]) -> None:
    held = held_scopes(principal)
    if held is EVERY_SCOPE:
        return
    missing = [scope for scope in scopes if scope not in held]
    if missing:
        named = ", ".join(f"'{scope}'" for scope in missing)
        noun = "scope" if len(missing) == 1 else "scopes"
        raise AccessDenied(
            f"Access denied: cannot grant {noun} {named}, which the caller does not hold",
            field="allowed_scopes",
            scopes=missing,
        )
