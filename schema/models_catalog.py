"""The model catalog with the tenant's state; enabling, disabling, the model's participant."""

from __future__ import annotations

from typing import Any

import strawberry

from db.models.participants import ResponseMode
from resolvers import model_catalog, participants
from resolvers.pagination import Window
from schema.connection import Connection, connection_from_slice
from schema.context import request_context
from schema.directives import reads, writes
from schema.inputs import provided_fields
from schema.types.catalog_model import CatalogModel
from schema.types.participant import ModelParticipant
from schema.types.tenant_context import TenantArgument

SLUG = "A catalog slug: `mistralai/voxtral-small-latest`."


@strawberry.input(description="A model participant; absent optional fields take defaults.")
class ModelParticipantInput:
    local_id: str = strawberry.field(
        description="Lowercase letters, digits and hyphens; unique in the tenant."
    )
    display_name: str
    system_prompt: str | None = strawberry.field(default=None, description="≤ 8,000.")
    default_response_mode: ResponseMode | None = ResponseMode.CONVERSATIONAL
    enabled: bool | None = True


@strawberry.type
class ModelCatalogQuery:
    @strawberry.field(
        extensions=reads(), description="Every model of the catalog, with the tenant's state."
    )
    async def model_catalog(
        self,
        info: strawberry.Info,
        tenant_id: TenantArgument = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[CatalogModel]:
        window = Window.from_relay(first, after)
        page = await model_catalog.list_(request_context(info), tenant_id, window)
        return connection_from_slice(page)


@strawberry.type
class ModelCatalogMutation:
    @strawberry.mutation(extensions=writes(audit="model.enable"), description="Idempotent. " + SLUG)
    async def enable_model(
        self, info: strawberry.Info, slug: str, tenant_id: TenantArgument = None
    ) -> CatalogModel:
        model: Any = await model_catalog.enable(request_context(info), tenant_id, slug)
        return model

    @strawberry.mutation(
        extensions=writes(audit="model.disable"),
        description="Idempotent; refused (CONFLICT) for the tenant's default model.",
    )
    async def disable_model(
        self, info: strawberry.Info, slug: str, tenant_id: TenantArgument = None
    ) -> CatalogModel:
        model: Any = await model_catalog.disable(request_context(info), tenant_id, slug)
        return model

    @strawberry.mutation(
        extensions=writes(audit="model_participant.configure"),
        description="Creates the model's participant, or re-configures it.",
    )
    async def configure_model_participant(
        self,
        info: strawberry.Info,
        slug: str,
        input: ModelParticipantInput,
        tenant_id: TenantArgument = None,
    ) -> ModelParticipant:
        row: Any = await participants.configure(
            request_context(info), tenant_id, slug, provided_fields(input)
        )
        return row
