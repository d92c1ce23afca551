"""Participants of a tenant: people (its users) and AI model participants."""

from __future__ import annotations

from datetime import datetime

import strawberry

from db.ids import IdPrefix
from db.models.participants import ParticipantOrigin, ResponseMode
from db.models.rooms import ParticipantKind
from schema.types.enums import UserStatus
from schema.types.node import is_row_of

# ScaiWave's own spelling (`conversational`, `person`) is the GraphQL name of each value.
strawberry.enum(ParticipantKind, graphql_name_from="value")
strawberry.enum(
    ResponseMode,
    graphql_name_from="value",
    description="When a model participant answers: every message, when mentioned, or never.",
)
strawberry.enum(
    ParticipantOrigin,
    graphql_name_from="value",
    description="catalog: the model's participant from the catalog; manual: created on its own.",
)


@strawberry.interface(description="Someone or something taking part in a tenant's rooms.")
class Participant:
    id: strawberry.ID
    display_name: str

    @strawberry.field
    def kind(self) -> ParticipantKind:  # each kind answers its own
        raise NotImplementedError


@strawberry.type(description="A person: one of the tenant's users (its id is the user's).")
class PersonParticipant(Participant):
    email: str
    status: UserStatus
    created_at: datetime
    updated_at: datetime

    is_type_of = is_row_of(IdPrefix.USER)

    @strawberry.field
    def kind(self) -> ParticipantKind:
        return ParticipantKind.PERSON


@strawberry.type(description="An AI model taking part under a name of its own.")
class ModelParticipant(Participant):
    local_id: str = strawberry.field(description="Unique in the tenant; how rooms mention it.")
    model_slug: str
    origin: ParticipantOrigin
    system_prompt: str | None
    default_response_mode: ResponseMode
    enabled: bool
    created_at: datetime
    updated_at: datetime

    is_type_of = is_row_of(IdPrefix.MODEL_PARTICIPANT)

    @strawberry.field
    def kind(self) -> ParticipantKind:
        return ParticipantKind.MODEL
