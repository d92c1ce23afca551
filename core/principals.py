"""Who is calling: the typed principal a verified token becomes."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    SUPER_ADMIN = "super_admin"
    PARTNER_ADMIN = "partner_admin"
    TENANT_ADMIN = "tenant_admin"
    PLATFORM = "platform"  # a client_credentials token of a GLOBAL SERVICE application


class Scope(StrEnum):
    ADMIN_READ = "admin:read"
    ADMIN_WRITE = "admin:write"


@dataclass(frozen=True, slots=True)
class Principal:
    role: Role
    subject: str
    partner_id: str | None = None
    tenant_id: str | None = None
    scopes: frozenset[str] = field(default_factory=frozenset)
    token_id: str | None = None
    session_id: str | None = None  # `sid`: a signed-in admin's SSO session (ses_…)
    client_id: str | None = None  # a client credentials token's application (its client id)
    # A SCIM token (stk_…): a tenant admin of its one tenant, on the SCIM endpoint only.
    scim_token_id: str | None = None

    @property
    def is_platform(self) -> bool:
        return self.role is Role.PLATFORM

    def holds(self, scope: Scope) -> bool:
        """Admin users hold every admin scope; platform tokens hold what they were issued."""
        if not self.is_platform:
            return True
        if scope is Scope.ADMIN_READ:
            return bool({Scope.ADMIN_READ.value, Scope.ADMIN_WRITE.value} & self.scopes)
        return scope.value in self.scopes
