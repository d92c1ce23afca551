"""The NoteProcessing type: how a tenant's notes are organised by AI."""

from __future__ import annotations

from datetime import datetime

import strawberry

from db.models.note_processing import SummaryLength

# The stored value set, as the GraphQL enum NoteSummaryLength (SHORT, MEDIUM, LONG).
strawberry.enum(SummaryLength, name="NoteSummaryLength")


@strawberry.type(description="Note-organisation AI settings of one tenant (defaults until set).")
class NoteProcessing:
    tenant_id: strawberry.ID
    enabled: bool
    model: str | None = strawberry.field(
        description="A model slug enabled for the tenant; null uses the tenant's default model."
    )
    auto_tag: bool
    auto_summarize: bool
    summary_length: SummaryLength
    languages: list[str] = strawberry.field(description="BCP-47 tags, in canonical form.")
    retention_days: int = strawberry.field(description="How long processed notes are kept.")
    updated_at: datetime | None = strawberry.field(
        description="When it was last changed; null while the tenant has the defaults."
    )
