"""Partner queries and mutations."""

from __future__ import annotations

import strawberry


@strawberry.type
class PartnerQuery:
    @strawberry.field(description="Placeholder until partners are exposed.")
    def partners_placeholder(self) -> bool:
        return False


@strawberry.type
class PartnerMutation:
    @strawberry.mutation(description="Placeholder until partners are exposed.")
    def partners_placeholder(self) -> bool:
        return False
