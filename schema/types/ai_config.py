"""The AiConfig type: a tenant's AI settings. The ScaiGrid API key is never readable."""

from __future__ import annotations

from datetime import datetime

import strawberry

from db.models.ai_config import ScaiGridAuthMode

# The spec's own spelling (`per_user_exchange`) is the GraphQL name, so REST bodies match it.
strawberry.enum(
    ScaiGridAuthMode,
    graphql_name_from="value",
    description="How the tenant's calls authenticate to ScaiGrid.",
)


@strawberry.type(description="A named system prompt that members can start a conversation with.")
class PromptTemplate:
    name: str
    prompt: str


@strawberry.type(description="AI settings of one tenant (the defaults until first changed).")
class AiConfig:
    tenant_id: strawberry.ID
    default_model: str | None = strawberry.field(
        description="The slug of the model used when none is chosen; one of enabledModels."
    )
    enabled_models: list[str] = strawberry.field(
        description="Catalog slugs the tenant's members may use, in the order enabled."
    )
    system_prompt_templates: list[PromptTemplate]
    scaigrid_auth_mode: ScaiGridAuthMode
    has_scaigrid_api_key: bool = strawberry.field(
        description="Whether a ScaiGrid API key is stored (the key itself is never shown)."
    )
    updated_at: datetime | None = strawberry.field(
        description="When it was last changed; null while the tenant has the defaults."
    )
