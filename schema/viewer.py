"""`viewer` (who am I) and `node(id:)` (any object by its prefixed ID)."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.permission import PermissionExtension

from db.ids import prefix_of
from resolvers import resources
from resolvers.errors import NotFound
from schema.context import request_context
from schema.directives import ANY_ADMIN, AdminRole, RequiresRole, reads
from schema.types.node import Node
from schema.types.partner import Partner
from schema.types.tenant import Tenant

# `node(id:)` answers for the resources that are Relay nodes, dispatched on the id prefix.
_NODES = {prefix: r for prefix, r in resources.BY_PREFIX.items() if r.node}


@strawberry.type(description="The authenticated caller.")
class Viewer:
    role: AdminRole
    subject: str
    partner_id: strawberry.ID | None
    tenant_id: strawberry.ID | None
    scopes: list[str]

    @strawberry.field
    async def partner(self, info: strawberry.Info) -> Partner | None:
        if self.partner_id is None:
            return None
        row: Any = (
            await request_context(info).loaders.by_id(resources.PARTNER).load(self.partner_id)
        )
        return row

    @strawberry.field
    async def tenant(self, info: strawberry.Info) -> Tenant | None:
        if self.tenant_id is None:
            return None
        row: Any = await request_context(info).loaders.by_id(resources.TENANT).load(self.tenant_id)
        return row


@strawberry.type
class ViewerQuery:
    @strawberry.field(
        extensions=[PermissionExtension(permissions=[RequiresRole(*ANY_ADMIN)])],
        description="Who the bearer token says the caller is.",
    )
    def viewer(self, info: strawberry.Info) -> Viewer:
        principal = request_context(info).actor
        return Viewer(
            role=AdminRole(principal.role.value),
            subject=principal.subject,
            partner_id=strawberry.ID(principal.partner_id) if principal.partner_id else None,
            tenant_id=strawberry.ID(principal.tenant_id) if principal.tenant_id else None,
            scopes=sorted(principal.scopes),
        )

    @strawberry.field(extensions=reads(), description="Any object by its prefixed ID.")
    async def node(self, info: strawberry.Info, id: strawberry.ID) -> Node | None:
        prefix = prefix_of(id)
        resource = _NODES.get(prefix) if prefix else None
        if resource is None:
            raise NotFound(f"No object has ID {id}", resource_id=id)
        row = await request_context(info).loaders.by_id(resource).load(id)
        if row is None:
            raise NotFound.resource("Object", id)
        node: Node = row
        return node
