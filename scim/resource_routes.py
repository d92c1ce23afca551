"""The routes every SCIM resource type serves, written once: list, POST, GET, PUT, PATCH and
DELETE of `/<Type>s`, with `ETag`/`If-Match`, `Location` on creation, and the audit of reads
by a SCIM token (written with the read: `scim.audited_reads`). A resource type
(`scim.user_routes`, `scim.group_routes`) brings its `Endpoint`: how rows become documents,
what they need read beside their own columns, and how a document is written."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from scim2_models import Context, ListResponse

from resolvers.context import RequestContext
from scim.audited_reads import Audit
from scim.errors import document
from scim.handlers import Route
from scim.requests import base_url, body_of, check_version, dump, if_match, list_request, validate
from scim.resources import ScimResource, etag, get_row, list_rows

Precondition = Callable[[Any], None] | None
# rows → their documents, for `request` (which attributes it wants), under the base URL
Documents = Callable[[Request, RequestContext, str, Sequence[Any]], Awaitable[list[Any]]]
# (context, tenant id, validated document) → the new row
Create = Callable[[RequestContext, str, Any], Awaitable[Any]]
# (context, current row, validated document, If-Match check)
Replace = Callable[[RequestContext, Any, Any, Precondition], Awaitable[Any]]
# (context, current row, PatchOp body, base URL, If-Match check)
Patch = Callable[[RequestContext, Any, Any, str, Precondition], Awaitable[Any]]
# the resolvers' delete(context, id, precondition=…)
Delete = Callable[..., Awaitable[Any]]
# what the answer to `request` needs read beside each row's own columns, in the same statement
Columns = Callable[[Request, RequestContext], Sequence[Any]]


def no_columns(request: Request, context: RequestContext) -> Sequence[Any]:
    return ()


@dataclass(frozen=True)
class Endpoint:
    scim: ScimResource
    documents: Documents
    create: Create
    replace: Replace
    patch: Patch
    delete: Delete
    columns: Columns = no_columns

    @property
    def kind(self) -> str:
        """`user`, `group`: the audit events' resource type and action word."""
        return self.scim.name.lower()


def add_resource_routes(route: Route, endpoint: Endpoint) -> None:
    scim = endpoint.scim

    async def list_all(request: Request, tenant_id: str, context: RequestContext) -> Response:
        query = list_request(request)
        event = Audit(
            f"scim.{endpoint.kind}.list",
            tenant_id,
            endpoint.kind,
            metadata={"filter": query.filter},
            results_key="results",
        )
        columns = endpoint.columns(request, context)
        total, rows = await list_rows(context, tenant_id, scim, query, columns=columns, event=event)
        base = base_url(request, tenant_id)
        found = await endpoint.documents(request, context, base, rows)
        body = ListResponse[scim.model](  # type: ignore[name-defined]
            total_results=total,
            start_index=max(query.start_index, 1),
            items_per_page=len(rows),
        ).model_dump(scim_ctx=Context.SEARCH_RESPONSE)
        body["Resources"] = [dump(resource, request) for resource in found]
        return document(body)

    async def answer(
        request: Request,
        tenant_id: str,
        context: RequestContext,
        row_id: str,
        status: int = 200,
        event: Audit | None = None,
    ) -> Response:
        columns = endpoint.columns(request, context)
        row = await get_row(context, tenant_id, scim, row_id, columns=columns, event=event)
        base = base_url(request, tenant_id)
        [resource] = await endpoint.documents(request, context, base, [row])
        headers = {"ETag": etag(row.updated_at)}
        if status == 201:
            headers["Location"] = f"{base}{scim.endpoint}/{row.id}"
        return document(dump(resource, request), status, **headers)

    async def current(request: Request, tenant_id: str, context: RequestContext) -> Any:
        """The row the path names, once `If-Match` (if any) names its version."""
        row = await get_row(context, tenant_id, scim, request.path_params["id"])
        check_version(request, row)
        return row

    async def get(request: Request, tenant_id: str, context: RequestContext) -> Response:
        row_id = request.path_params["id"]
        kind = endpoint.kind
        event = Audit(f"scim.{kind}.read", tenant_id, kind, row_id, only_if_found=True)
        return await answer(request, tenant_id, context, row_id, event=event)

    async def create(request: Request, tenant_id: str, context: RequestContext) -> Response:
        created = validate(scim.model, await body_of(request), Context.RESOURCE_CREATION_REQUEST)
        row = await endpoint.create(context, tenant_id, created)
        return await answer(request, tenant_id, context, row.id, status=201)

    async def replace(request: Request, tenant_id: str, context: RequestContext) -> Response:
        row = await current(request, tenant_id, context)
        new = validate(scim.model, await body_of(request), Context.RESOURCE_REPLACEMENT_REQUEST)
        await endpoint.replace(context, row, new, if_match(request))
        return await answer(request, tenant_id, context, row.id)

    async def patch(request: Request, tenant_id: str, context: RequestContext) -> Response:
        row = await current(request, tenant_id, context)
        body = await body_of(request)
        base = base_url(request, tenant_id)
        await endpoint.patch(context, row, body, base, if_match(request))
        return await answer(request, tenant_id, context, row.id)

    async def delete(request: Request, tenant_id: str, context: RequestContext) -> Response:
        row = await current(request, tenant_id, context)
        await endpoint.delete(context, row.id, precondition=if_match(request))
        return Response(status_code=204)

    path = scim.endpoint
    route("GET", path, list_all)
    route("POST", path, create, status=201)
    route("GET", f"{path}/{{id}}", get)
    route("PUT", f"{path}/{{id}}", replace)
    route("PATCH", f"{path}/{{id}}", patch)
    route("DELETE", f"{path}/{{id}}", delete, status=204)
