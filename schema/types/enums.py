"""GraphQL enums over the stored value sets (registered on the db enums themselves)."""

from __future__ import annotations

import strawberry

from db.enums import (
    AdminRole,
    ApplicationLevel,
    ApplicationType,
    PartnerStatus,
    TenantStatus,
    UserStatus,
)

for _enum in (PartnerStatus, TenantStatus, UserStatus, ApplicationLevel, ApplicationType):
    strawberry.enum(_enum)
# `AdminRole` names the directives' roles (which include PLATFORM); a user's role is one of
# the three admin roles only.
strawberry.enum(AdminRole, name="UserAdminRole", description="An admin user's role.")

__all__ = [
    "AdminRole",
    "ApplicationLevel",
    "ApplicationType",
    "PartnerStatus",
    "TenantStatus",
    "UserStatus",
]
