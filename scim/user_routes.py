"""`/Users`: list, POST, GET, PUT, PATCH, DELETE over `resolvers.users`."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response
from scim2_models import Context, ListResponse, PatchOp

from resolvers import users as user_resolvers
from resolvers.context import RequestContext
from scim import users
from scim.errors import ScimError, document
from scim.handlers import Route, used
from scim.requests import (
    base_url,
    body_of,
    check_version,
    dump,
    if_match,
    list_request,
    validate,
)
from scim.resources import etag, get_row, list_rows

MAX_PATCH_OPERATIONS = 1000


async def list_users(request: Request, tenant_id: str, context: RequestContext) -> Response:
    query = list_request(request)
    total, rows = await list_rows(context, tenant_id, users.USERS, query)
    groups = await users.groups_of(context, [row.id for row in rows])
    base = base_url(request, tenant_id)
    resources = [dump(users.to_scim(row, base, groups.get(row.id, ())), request) for row in rows]
    await used(
        context,
        tenant_id,
        "scim.user.list",
        resource_type="user",
        metadata={"filter": query.filter, "results": len(rows)},
    )
    body = ListResponse[users.ScimUser](
        total_results=total,
        start_index=max(query.start_index, 1),
        items_per_page=len(rows),
    ).model_dump(scim_ctx=Context.SEARCH_RESPONSE)
    body["Resources"] = resources
    return document(body)


async def user_answer(
    request: Request, tenant_id: str, context: RequestContext, user_id: str, status: int = 200
) -> Response:
    row = await get_row(context, tenant_id, users.USERS, user_id)
    groups = await users.groups_of(context, [row.id])
    base = base_url(request, tenant_id)
    user = users.to_scim(row, base, groups.get(row.id, ()))
    headers = {"ETag": etag(row.updated_at)}
    if status == 201:
        headers["Location"] = f"{base}/Users/{row.id}"
    return document(dump(user, request), status, **headers)


async def get_user(request: Request, tenant_id: str, context: RequestContext) -> Response:
    user_id = request.path_params["id"]
    answer = await user_answer(request, tenant_id, context, user_id)
    await used(context, tenant_id, "scim.user.read", resource_type="user", resource_id=user_id)
    return answer


async def create_user(request: Request, tenant_id: str, context: RequestContext) -> Response:
    user = validate(users.ScimUser, await body_of(request), Context.RESOURCE_CREATION_REQUEST)
    row = await users.create(context, tenant_id, user)
    return await user_answer(request, tenant_id, context, row.id, status=201)


async def replace_user(request: Request, tenant_id: str, context: RequestContext) -> Response:
    current = await get_row(context, tenant_id, users.USERS, request.path_params["id"])
    check_version(request, current)
    user = validate(users.ScimUser, await body_of(request), Context.RESOURCE_REPLACEMENT_REQUEST)
    await users.update(context, current, user, if_match(request))
    return await user_answer(request, tenant_id, context, current.id)


async def patch_user(request: Request, tenant_id: str, context: RequestContext) -> Response:
    current = await get_row(context, tenant_id, users.USERS, request.path_params["id"])
    check_version(request, current)
    patch = validate(
        PatchOp[users.ScimUser], await body_of(request), Context.RESOURCE_PATCH_REQUEST
    )
    if len(patch.operations or ()) > MAX_PATCH_OPERATIONS:
        raise ScimError(400, f"More than {MAX_PATCH_OPERATIONS} operations", "tooMany")
    groups = await users.groups_of(context, [current.id])
    user = users.to_scim(current, base_url(request, tenant_id), groups.get(current.id, ()))
    patch.patch(user)
    await users.update(context, current, user, if_match(request))
    return await user_answer(request, tenant_id, context, current.id)


async def delete_user(request: Request, tenant_id: str, context: RequestContext) -> Response:
    current = await get_row(context, tenant_id, users.USERS, request.path_params["id"])
    check_version(request, current)
    await user_resolvers.delete(context, current.id, precondition=if_match(request))
    return Response(status_code=204)


def add_user_routes(route: Route) -> None:
    route("GET", "/Users", list_users)
    route("POST", "/Users", create_user, status=201)
    route("GET", "/Users/{id}", get_user)
    route("PUT", "/Users/{id}", replace_user)
    route("PATCH", "/Users/{id}", patch_user)
    route("DELETE", "/Users/{id}", delete_user, status=204)
