"""`/Users` over `resolvers.users` (`scim.resource_routes` serves them)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import Request
from scim2_models import Context, PatchOp

from resolvers import users as user_resolvers
from resolvers.context import RequestContext
from scim import users
from scim.errors import ScimError
from scim.handlers import Route
from scim.requests import validate, wants
from scim.resource_routes import Endpoint, Precondition, add_resource_routes

MAX_PATCH_OPERATIONS = 1000


async def documents(
    request: Request, context: RequestContext, base: str, rows: Sequence[Any]
) -> list[users.ScimUser]:
    return [users.to_scim(row, base) for row in rows]


def columns(request: Request, context: RequestContext) -> Sequence[Any]:
    """The user's groups, read in the user's own statement unless the answer leaves them out
    (`attributes` without `groups`, or `excludedAttributes=groups`)."""
    return [users.groups_column(context)] if wants(request, "groups") else []


async def patch(
    context: RequestContext, current: Any, body: Any, base: str, precondition: Precondition
) -> Any:
    """Applies the operations to the user's document, then writes it as a replacement."""
    operations = validate(PatchOp[users.ScimUser], body, Context.RESOURCE_PATCH_REQUEST)
    if len(operations.operations or ()) > MAX_PATCH_OPERATIONS:
        raise ScimError(400, f"More than {MAX_PATCH_OPERATIONS} operations", "tooMany")
    user = users.to_scim(current, base)  # `groups` is read-only: the write never needs it
    operations.patch(user)
    if user.active is None:
        # a user is always active or not: its status cannot be made unknown
        raise ScimError(
            400, "active cannot be removed: replace it with true or false", "mutability"
        )
    return await users.update(context, current, user, precondition)


ENDPOINT = Endpoint(
    scim=users.USERS,
    documents=documents,
    create=users.create,
    replace=users.update,
    patch=patch,
    delete=user_resolvers.delete,
    columns=columns,
)


def add_user_routes(route: Route) -> None:
    add_resource_routes(route, ENDPOINT)
