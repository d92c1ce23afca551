"""SCIM tokens: list a tenant's, create one (its secret shown once), revoke one.

Who may is who may manage the tenant's users: its admins and platform tokens (`admin:write`
to create or revoke); another tenant's are not found.
"""

from __future__ import annotations

from typing import Any

import strawberry

from resolvers import scim_tokens
from resolvers.pagination import Window
from schema.connection import Connection, connection_from_slice
from schema.context import request_context
from schema.directives import reads, writes
from schema.inputs import provided_fields
from schema.types.scim_token import CreatedScimToken, ScimToken


@strawberry.input
class CreateScimTokenInput:
    name: str = strawberry.field(description="What the token is for, e.g. `Okta provisioning`.")


@strawberry.type
class ScimTokenQuery:
    @strawberry.field(
        extensions=reads(),
        description="SCIM tokens of the tenants the caller manages (or of `tenantId`), revoked "
        "ones too, oldest first.",
    )
    async def scim_tokens(
        self,
        info: strawberry.Info,
        first: int | None = None,
        after: str | None = None,
        tenant_id: strawberry.ID | None = None,
    ) -> Connection[ScimToken]:
        window = Window.from_relay(first, after)
        page = await scim_tokens.list_(request_context(info), window, tenant_id=tenant_id)
        return connection_from_slice(page)


@strawberry.type
class ScimTokenMutation:
    @strawberry.mutation(
        extensions=writes(audit="scim_token.create"),
        description="A new SCIM token for the tenant; the answer holds its secret, once.",
    )
    async def create_scim_token(
        self, info: strawberry.Info, tenant_id: strawberry.ID, input: CreateScimTokenInput
    ) -> CreatedScimToken:
        fields = provided_fields(input)
        created = await scim_tokens.create(request_context(info), tenant_id, fields.get("name"))
        token: Any = created.token
        return CreatedScimToken(scim_token=token, secret=created.secret)

    @strawberry.mutation(
        extensions=writes(audit="scim_token.revoke"),
        description="Revokes a SCIM token: refused from the next request on, in every process. "
        "Revoking a revoked token answers it unchanged.",
    )
    async def revoke_scim_token(self, info: strawberry.Info, id: strawberry.ID) -> ScimToken:
        row: Any = await scim_tokens.revoke(request_context(info), id)
        return row
