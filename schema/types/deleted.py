"""What a delete mutation returns."""

from __future__ import annotations

from datetime import datetime

import strawberry


@strawberry.type(description="A soft-deleted object: it no longer appears in lists or reads.")
class DeletedNode:
    id: strawberry.ID
    deleted_at: datetime
