"""A tenant's participants (people and models); creating a model participant."""

from __future__ import annotations

from typing import Any

import strawberry

from db.models.participants import ResponseMode
from db.models.rooms import ParticipantKind
from resolvers import participants
from resolvers.pagination import Window
from schema.connection import Connection, connection_from_slice
from schema.context import request_context
from schema.directives import reads, writes
from schema.inputs import provided_fields
from schema.types.participant import ModelParticipant, Participant
from schema.types.tenant_context import TenantArgument


@strawberry.input(description="A manual model participant of a catalog model.")
class CreateModelParticipantInput:
    model_slug: str = strawberry.field(description="A catalog slug.")
    local_id: str = strawberry.field(
        description="Lowercase letters, digits and hyphens; unique in the tenant."
    )
    display_name: str
    system_prompt: str | None = strawberry.field(default=None, description="≤ 8,000.")
    default_response_mode: ResponseMode | None = ResponseMode.CONVERSATIONAL
    enabled: bool | None = True


@strawberry.type
class ParticipantQuery:
    @strawberry.field(
        extensions=reads(),
        description="The tenant's people (its live users), then its model participants.",
    )
    async def participants(
        self,
        info: strawberry.Info,
        tenant_id: TenantArgument = None,
        kind: ParticipantKind | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[Participant]:
        window = Window.from_relay(first, after)
        page = await participants.list_(request_context(info), tenant_id, window, kind=kind)
        return connection_from_slice(page)


@strawberry.type
class ParticipantMutation:
    @strawberry.mutation(extensions=writes(audit="participant.create"))
    async def create_model_participant(
        self,
        info: strawberry.Info,
        input: CreateModelParticipantInput,
        tenant_id: TenantArgument = None,
    ) -> ModelParticipant:
        row: Any = await participants.create(
            request_context(info), tenant_id, provided_fields(input)
        )
        return row
