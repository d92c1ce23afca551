"""Note-processing settings of the tenant in context."""

from __future__ import annotations

from typing import Any

import strawberry

from db.models.note_processing import SummaryLength
from resolvers import note_processing
from schema.context import request_context
from schema.directives import reads, writes
from schema.inputs import provided_fields
from schema.types.note_processing import NoteProcessing
from schema.types.tenant_context import TenantArgument


@strawberry.input(description="Only the fields given are changed; the others keep their value.")
class UpdateNoteProcessingInput:
    enabled: bool | None = strawberry.UNSET
    model: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="A model enabled for the tenant; null for the tenant's default model.",
    )
    auto_tag: bool | None = strawberry.UNSET
    auto_summarize: bool | None = strawberry.UNSET
    summary_length: SummaryLength | None = strawberry.UNSET
    languages: list[str] | None = strawberry.field(
        default=strawberry.UNSET,
        description=f"1 to {note_processing.MAX_LANGUAGES} BCP-47 language tags.",
    )
    retention_days: int | None = strawberry.field(
        default=strawberry.UNSET,
        description=f"{note_processing.MIN_RETENTION_DAYS} to "
        f"{note_processing.MAX_RETENTION_DAYS} days.",
    )


@strawberry.type
class NoteProcessingQuery:
    @strawberry.field(extensions=reads(), description="The tenant's note-processing settings.")
    async def note_processing(
        self, info: strawberry.Info, tenant_id: TenantArgument = None
    ) -> NoteProcessing:
        state: Any = await note_processing.get(request_context(info), tenant_id)
        return state


@strawberry.type
class NoteProcessingMutation:
    @strawberry.mutation(extensions=writes(audit=note_processing.ACTION))
    async def update_note_processing(
        self,
        info: strawberry.Info,
        input: UpdateNoteProcessingInput,
        tenant_id: TenantArgument = None,
    ) -> NoteProcessing:
        state: Any = await note_processing.update(
            request_context(info), tenant_id, provided_fields(input)
        )
        return state
