"""The CatalogModel type: a model of the catalog as one tenant sees it."""

from __future__ import annotations

import strawberry

from schema.types.participant import ModelParticipant


@strawberry.type(description="A model of the catalog (ScaiGrid's), with the tenant's state.")
class CatalogModel:
    slug: str = strawberry.field(description="ScaiGrid's slug: `mistralai/voxtral-small-latest`.")
    name: str
    provider: str
    context_window: int | None = strawberry.field(description="In tokens, when known.")
    capabilities: list[str]
    description: str | None
    enabled: bool = strawberry.field(description="Enabled for the tenant.")
    is_default: bool = strawberry.field(description="The tenant's default model.")
    participant: ModelParticipant | None = strawberry.field(
        description="The model's catalog participant in the tenant, once configured."
    )
