"""Application queries and mutations."""

from __future__ import annotations

import strawberry


@strawberry.type
class ApplicationQuery:
    @strawberry.field(description="Placeholder until applications are exposed.")
    def applications_placeholder(self) -> bool:
        return False


@strawberry.type
class ApplicationMutation:
    @strawberry.mutation(description="Placeholder until applications are exposed.")
    def applications_placeholder(self) -> bool:
        return False
