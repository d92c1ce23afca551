"""The DashboardStats type: the admin home page's counters."""

from __future__ import annotations

from datetime import datetime

import strawberry


@strawberry.type(
    description="Counts within the caller's scope; each equals the `totalCount` of the "
    "matching list."
)
class DashboardStats:
    partners: int | None = strawberry.field(
        description="Live partners: all for super admins and platform tokens, 1 (its own) "
        "for a partner admin, null for a tenant admin."
    )
    tenants: int
    users: int
    groups: int
    applications: int = strawberry.field(
        description="Global applications and those of the caller's tenants."
    )
    agents: int
    active_sessions: int = strawberry.field(description="Sessions neither revoked nor expired.")
    sign_ins_last_24h: int = strawberry.field(
        name="signInsLast24h", description="Successful sign-ins in the last 24 hours."
    )
    sign_in_failures_last_24h: int = strawberry.field(
        name="signInFailuresLast24h",
        description="Failed or refused sign-ins in the last 24 hours.",
    )
    as_of: datetime = strawberry.field(description="The time the counts were taken.")
