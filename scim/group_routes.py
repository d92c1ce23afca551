"""`/Groups`: list, POST, GET, PUT, PATCH, DELETE over `resolvers.groups`; every write, members
included, is one transaction of the group resolvers (validation, scoping, audit events)."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response
from scim2_models import Context, Group, ListResponse

from resolvers import groups as group_resolvers
from resolvers.context import RequestContext
from scim import groups
from scim.errors import document
from scim.group_patch import read_patch
from scim.handlers import Route, used
from scim.requests import (
    base_url,
    body_of,
    check_version,
    dump,
    if_match,
    list_request,
    validate,
    wants,
)
from scim.resources import etag, get_row, list_rows


async def list_groups(request: Request, tenant_id: str, context: RequestContext) -> Response:
    query = list_request(request)
    total, rows = await list_rows(context, tenant_id, groups.GROUPS, query)
    with_members = wants(request, "members")
    members = await groups.members_of(context, [row.id for row in rows]) if with_members else {}
    base = base_url(request, tenant_id)
    resources = [
        dump(groups.to_scim(row, base, members.get(row.id, []) if with_members else None), request)
        for row in rows
    ]
    await used(
        context,
        tenant_id,
        "scim.group.list",
        resource_type="group",
        metadata={"filter": query.filter, "results": len(rows)},
    )
    body = ListResponse[Group](
        total_results=total,
        start_index=max(query.start_index, 1),
        items_per_page=len(rows),
    ).model_dump(scim_ctx=Context.SEARCH_RESPONSE)
    body["Resources"] = resources
    return document(body)


async def group_answer(
    request: Request, tenant_id: str, context: RequestContext, group_id: str, status: int = 200
) -> Response:
    row = await get_row(context, tenant_id, groups.GROUPS, group_id)
    members = None
    if wants(request, "members"):
        members = (await groups.members_of(context, [row.id])).get(row.id, [])
    base = base_url(request, tenant_id)
    headers = {"ETag": etag(row.updated_at)}
    if status == 201:
        headers["Location"] = f"{base}/Groups/{row.id}"
    return document(dump(groups.to_scim(row, base, members), request), status, **headers)


async def get_group(request: Request, tenant_id: str, context: RequestContext) -> Response:
    group_id = request.path_params["id"]
    answer = await group_answer(request, tenant_id, context, group_id)
    await used(context, tenant_id, "scim.group.read", resource_type="group", resource_id=group_id)
    return answer


async def create_group(request: Request, tenant_id: str, context: RequestContext) -> Response:
    group = validate(groups.GROUPS.model, await body_of(request), Context.RESOURCE_CREATION_REQUEST)
    fields = {**groups.fields_of(group), "tenant_id": tenant_id}
    members = groups.member_ids(group.members)
    row = await group_resolvers.create(context, fields, members=members)
    return await group_answer(request, tenant_id, context, row.id, status=201)


async def replace_group(request: Request, tenant_id: str, context: RequestContext) -> Response:
    current = await get_row(context, tenant_id, groups.GROUPS, request.path_params["id"])
    check_version(request, current)
    group = validate(
        groups.GROUPS.model, await body_of(request), Context.RESOURCE_REPLACEMENT_REQUEST
    )
    await group_resolvers.update(
        context,
        current.id,
        groups.changed(groups.fields_of(group), current),
        members=groups.replacement(group),
        precondition=if_match(request),
    )
    return await group_answer(request, tenant_id, context, current.id)


async def patch_group(request: Request, tenant_id: str, context: RequestContext) -> Response:
    current = await get_row(context, tenant_id, groups.GROUPS, request.path_params["id"])
    check_version(request, current)
    patch = read_patch(await body_of(request), current.id)
    await group_resolvers.update(
        context,
        current.id,
        groups.changed(patch.fields, current),
        members=patch.members(),
        precondition=if_match(request),
    )
    return await group_answer(request, tenant_id, context, current.id)


async def delete_group(request: Request, tenant_id: str, context: RequestContext) -> Response:
    current = await get_row(context, tenant_id, groups.GROUPS, request.path_params["id"])
    check_version(request, current)
    await group_resolvers.delete(context, current.id, precondition=if_match(request))
    return Response(status_code=204)


def add_group_routes(route: Route) -> None:
    route("GET", "/Groups", list_groups)
    route("POST", "/Groups", create_group, status=201)
    route("GET", "/Groups/{id}", get_group)
    route("PUT", "/Groups/{id}", replace_group)
    route("PATCH", "/Groups/{id}", patch_group)
    route("DELETE", "/Groups/{id}", delete_group, status=204)
