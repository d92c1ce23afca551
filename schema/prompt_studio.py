"""Prompt studio of the tenant in context: read it, switch it, set its allowlist."""

from __future__ import annotations

from typing import Any

import strawberry

from resolvers import prompt_studio
from schema.context import request_context
from schema.directives import reads, writes
from schema.inputs import provided_fields
from schema.types.prompt_studio import PromptStudio
from schema.types.tenant_context import TenantArgument


@strawberry.input(description="Only the fields given are changed; `allowlist` replaces the list.")
class UpdatePromptStudioInput:
    enabled: bool | None = strawberry.UNSET
    allowlist: list[strawberry.ID] | None = strawberry.field(
        default=strawberry.UNSET,
        description=f"IDs of live users of the tenant, at most {prompt_studio.MAX_ALLOWLIST} "
        "(repeats are dropped); anyone else is refused, named.",
    )


@strawberry.type
class PromptStudioQuery:
    @strawberry.field(extensions=reads(), description="The tenant's prompt-studio state.")
    async def prompt_studio(
        self, info: strawberry.Info, tenant_id: TenantArgument = None
    ) -> PromptStudio:
        state: Any = await prompt_studio.get(request_context(info), tenant_id)
        return state


@strawberry.type
class PromptStudioMutation:
    @strawberry.mutation(extensions=writes(audit=prompt_studio.ACTION))
    async def update_prompt_studio(
        self,
        info: strawberry.Info,
        input: UpdatePromptStudioInput,
        tenant_id: TenantArgument = None,
    ) -> PromptStudio:
        state: Any = await prompt_studio.update(
            request_context(info), tenant_id, provided_fields(input)
        )
        return state
