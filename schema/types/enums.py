"""GraphQL enums over the stored value sets (registered on the db enums themselves)."""

from __future__ import annotations

import strawberry

from db.enums import (
    ActorType,
    AdminRole,
    ApplicationLevel,
    ApplicationType,
    AuditResult,
    PartnerStatus,
    TenantStatus,
    UserStatus,
)

for _enum in (PartnerStatus, TenantStatus, UserStatus, ApplicationLevel, ApplicationType):
    strawberry.enum(_enum)
# Audit events' `actorType` and `result` stay text on the event (as they were written); the
# enums type their filters (`result: {in: [FAILURE, DENIED]}`).
strawberry.enum(ActorType, description="Who an audit event's actor was.")
strawberry.enum(AuditResult, description="How an audited action ended.")
# `AdminRole` names the directives' roles (which include PLATFORM); a user's role is one of
# the three admin roles only.
strawberry.enum(AdminRole, name="UserAdminRole", description="An admin user's role.")

__all__ = [
    "ActorType",
    "AdminRole",
    "ApplicationLevel",
    "ApplicationType",
    "AuditResult",
    "PartnerStatus",
    "TenantStatus",
    "UserStatus",
]
