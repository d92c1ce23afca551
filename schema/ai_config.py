"""The tenant's AI configuration: read it, replace it (`PUT /v1/admin/ai-config`)."""

from __future__ import annotations

from typing import Any

import strawberry

from db.models.ai_config import ScaiGridAuthMode
from resolvers import ai_config
from schema.context import request_context
from schema.directives import reads, writes
from schema.inputs import provided_fields
from schema.types.ai_config import AiConfig
from schema.types.tenant_context import TenantArgument


@strawberry.input
class PromptTemplateInput:
    name: str = strawberry.field(description="Unique in the tenant (ignoring case), ≤ 100.")
    prompt: str = strawberry.field(description="At most 8,000 characters.")


@strawberry.input(
    description="The whole configuration: it replaces the stored one, except that the "
    "ScaiGrid API key is kept when scaigridApiKey is absent or null."
)
class AiConfigInput:
    enabled_models: list[str] = strawberry.field(description="Catalog slugs.")
    system_prompt_templates: list[PromptTemplateInput] = strawberry.field(description="At most 50.")
    scaigrid_auth_mode: ScaiGridAuthMode = strawberry.field(
        description="tenant_api_key needs a stored or given scaigridApiKey."
    )
    default_model: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="Required: one of enabledModels, or null for no default.",
    )
    scaigrid_api_key: str | None = strawberry.field(
        default=strawberry.UNSET,
        description='Write-only. Absent or null: keep the stored key; "": remove it; '
        "any other value: store it (sealed).",
    )


def _fields(value: AiConfigInput) -> dict[str, Any]:
    fields = provided_fields(value)
    fields["system_prompt_templates"] = [
        {"name": item.name, "prompt": item.prompt} for item in value.system_prompt_templates
    ]
    return fields


@strawberry.type
class AiConfigQuery:
    @strawberry.field(extensions=reads(), description="The tenant's AI settings.")
    async def ai_config(self, info: strawberry.Info, tenant_id: TenantArgument = None) -> AiConfig:
        state: Any = await ai_config.get(request_context(info), tenant_id)
        return state


@strawberry.type
class AiConfigMutation:
    @strawberry.mutation(extensions=writes(audit=ai_config.ACTION))
    async def update_ai_config(
        self, info: strawberry.Info, input: AiConfigInput, tenant_id: TenantArgument = None
    ) -> AiConfig:
        state: Any = await ai_config.update(request_context(info), tenant_id, _fields(input))
        return state
