"""GraphQL enums over the stored value sets (registered on the db enums themselves)."""

from __future__ import annotations

import strawberry

from db.enums import ApplicationLevel, ApplicationType, PartnerStatus, TenantStatus, UserStatus

for _enum in (PartnerStatus, TenantStatus, UserStatus, ApplicationLevel, ApplicationType):
    strawberry.enum(_enum)

__all__ = ["ApplicationLevel", "ApplicationType", "PartnerStatus", "TenantStatus", "UserStatus"]
