"""`/scim/v2/{tenant_id}`: discovery, and the tenant's Users (list, POST, GET, PUT, PATCH,
DELETE), answered in `application/scim+json` (`application/json` accepted on input).

The router carries its own lifespan: the process's cache of SCIM tokens, started once the
app's sessions exist and closed before they go.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from pydantic import ValidationError
from scim2_models import (
    AuthenticationScheme,
    Bulk,
    ChangePassword,
    Context,
    EnterpriseUser,
    ETag,
    Filter,
    ListResponse,
    PatchOp,
    ResourceType,
    ResponseParameters,
    SCIMException,
    ServiceProviderConfig,
    Sort,
    User,
)
from scim2_models import Patch as PatchSupport

from resolvers import audit, control_characters
from resolvers import users as user_resolvers
from resolvers.context import RequestContext
from resolvers.errors import DomainError
from resolvers.notifications import asyncpg_dsn
from resolvers.scim_token_cache import ScimTokenCache
from scim import users
from scim.auth import AnonymousContextOf, ContextOf, scim_context
from scim.errors import ScimError, document, error_response, response_for
from scim.resources import MAX_RESULTS, ListRequest, etag, get_row, list_rows

PREFIX = "/scim/v2/{tenant_id}"
ACCEPTED_TYPES = ("application/scim+json", "application/json")
MAX_PATCH_OPERATIONS = 1000


def _base(request: Request, tenant_id: str) -> str:
    return f"{str(request.base_url).rstrip('/')}/scim/v2/{tenant_id}"


async def _body(request: Request) -> Any:
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media not in ACCEPTED_TYPES:
        raise ScimError(415, "Content-Type must be application/scim+json or application/json")
    try:
        body = json.loads(await request.body())
    except ValueError as exc:
        raise ScimError(400, f"The body is not JSON: {exc}", "invalidSyntax") from exc
    _refuse_control_characters(body, "")
    return body


def _refuse_control_characters(value: Any, path: str) -> None:
    """The gateway's one rule for client text (`resolvers.control_characters`), on every key
    and string of the body: SCIM attributes are names and identifiers, never free text."""
    if isinstance(value, str):
        reason = control_characters.refusal(value)
        if reason is not None:
            raise ScimError(400, f"{path or 'body'}: {reason}", "invalidValue")
    elif isinstance(value, dict):
        for key, item in value.items():
            here = f"{path}.{key}" if path else str(key)
            _refuse_control_characters(str(key), here)
            _refuse_control_characters(item, here)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _refuse_control_characters(item, f"{path}[{index}]")


def _validate(model: Any, body: Any, scim_ctx: Context) -> Any:
    try:
        return model.model_validate(body, scim_ctx=scim_ctx)
    except SCIMException:
        raise
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first.get("loc", ()))
        detail = f"{where}: {first.get('msg')}" if where else str(first.get("msg"))
        raise ScimError(400, detail, "invalidValue") from exc


def _check_version(request: Request, row: Any) -> None:
    wanted = request.headers.get("if-match")
    if wanted is None:
        return
    current = etag(row.updated_at)
    if wanted.strip() != "*" and current not in [v.strip() for v in wanted.split(",")]:
        raise ScimError(412, "The resource has changed since that version (If-Match)")


def _int(request: Request, name: str, default: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ScimError(400, f"{name} must be an integer", "invalidValue") from None


def _response_parameters(request: Request) -> Any:
    """`attributes` / `excludedAttributes`, checked against the User model."""
    try:
        return ResponseParameters[users.ScimUser].model_validate(
            {
                "attributes": request.query_params.get("attributes") or None,
                "excluded_attributes": request.query_params.get("excludedAttributes") or None,
            }
        )
    except SCIMException:
        raise
    except ValidationError as exc:
        raise ScimError(400, str(exc.errors()[0].get("msg")), "invalidPath") from exc


def _user_document(user: Any, request: Request) -> dict[str, Any]:
    return dict(
        user.model_dump(
            scim_ctx=Context.RESOURCE_QUERY_RESPONSE,
            response_parameters=_response_parameters(request),
        )
    )


def service_provider_config(base: str) -> dict[str, Any]:
    config = ServiceProviderConfig(
        documentation_uri=None,
        patch=PatchSupport(supported=True),
        bulk=Bulk(supported=False, max_operations=0, max_payload_size=0),
        filter=Filter(supported=True, max_results=MAX_RESULTS),
        change_password=ChangePassword(supported=False),
        sort=Sort(supported=True),
        etag=ETag(supported=True),
        authentication_schemes=[
            AuthenticationScheme.model_validate(
                {
                    "type": "oauthbearertoken",
                    "name": "OAuth Bearer Token",
                    "description": "A SCIM token of the tenant, or an admin token that may "
                    "manage its users, as `Authorization: Bearer …`.",
                    "primary": True,
                }
            )
        ],
    )
    body: dict[str, Any] = config.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE)
    body["meta"] = {
        "resourceType": "ServiceProviderConfig",
        "location": f"{base}/ServiceProviderConfig",
    }
    return body


def _resource_types(base: str) -> list[dict[str, Any]]:
    user_type = ResourceType.from_resource(users.ScimUser)
    body: dict[str, Any] = user_type.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE)
    body["meta"] = {"resourceType": "ResourceType", "location": f"{base}/ResourceTypes/User"}
    return [body]


def _schemas(base: str) -> list[dict[str, Any]]:
    found = []
    for schema in (User.to_schema(), EnterpriseUser.to_schema()):
        body: dict[str, Any] = schema.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE)
        body["meta"] = {"resourceType": "Schema", "location": f"{base}/Schemas/{schema.id}"}
        found.append(body)
    return found


Handler = Callable[[Request, str, RequestContext], Awaitable[Response]]


def scim_router(context_of: ContextOf, anonymous_context_of: AnonymousContextOf) -> APIRouter:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        settings = app.state.settings
        cache = ScimTokenCache(
            app.state.sessions,
            ttl_seconds=settings.client_state_ttl_seconds,
            postgres_dsn=asyncpg_dsn(settings.database_url),
            write_sessions=app.state.write_sessions,
        )
        cache.start((app.state.engine, app.state.write_sessions.kw["bind"]))
        app.state.scim_tokens = cache
        try:
            yield
        finally:
            await cache.close()

    router = APIRouter(prefix=PREFIX, tags=["SCIM 2.0"], lifespan=lifespan)

    def route(method: str, path: str, handler: Handler, *, status: int = 200) -> None:
        async def endpoint(request: Request, tenant_id: str) -> Response:
            try:
                context = await scim_context(request, tenant_id, context_of, anonymous_context_of)
                return await handler(request, tenant_id, context)
            except (ScimError, SCIMException, DomainError) as exc:
                return response_for(exc)

        router.add_api_route(
            path,
            endpoint,
            methods=[method],
            status_code=status,
            name=f"SCIM {method} {path or '/'}",
            include_in_schema=False,
        )

    async def used(context: RequestContext, tenant_id: str, action: str, **fields: Any) -> None:
        """A read by a SCIM token is audited too: every use of one is."""
        if context.actor.scim_token_id is not None:
            await audit.record_alone(context, action, tenant_id=tenant_id, **fields)

    async def get_config(request: Request, tenant_id: str, context: RequestContext) -> Response:
        return document(service_provider_config(_base(request, tenant_id)))

    async def get_resource_types(
        request: Request, tenant_id: str, context: RequestContext
    ) -> Response:
        return _list_document(_resource_types(_base(request, tenant_id)))

    async def get_schemas(request: Request, tenant_id: str, context: RequestContext) -> Response:
        return _list_document(_schemas(_base(request, tenant_id)))

    async def list_users(request: Request, tenant_id: str, context: RequestContext) -> Response:
        for name, value in request.query_params.items():
            _refuse_control_characters(value, name)
        query = ListRequest(
            filter=request.query_params.get("filter"),
            sort_by=request.query_params.get("sortBy"),
            sort_order=request.query_params.get("sortOrder"),
            start_index=_int(request, "startIndex", 1),
            count=_int(request, "count", MAX_RESULTS),
        )
        total, rows = await list_rows(context, tenant_id, users.USERS, query)
        groups = await users.groups_of(context, [row.id for row in rows])
        base = _base(request, tenant_id)
        resources = [
            _user_document(users.to_scim(row, base, groups.get(row.id, ())), request)
            for row in rows
        ]
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
        user = users.to_scim(row, _base(request, tenant_id), groups.get(row.id, ()))
        headers = {"ETag": etag(row.updated_at)}
        if status == 201:
            headers["Location"] = f"{_base(request, tenant_id)}/Users/{row.id}"
        return document(_user_document(user, request), status, **headers)

    async def get_user(request: Request, tenant_id: str, context: RequestContext) -> Response:
        user_id = request.path_params["id"]
        answer = await user_answer(request, tenant_id, context, user_id)
        await used(context, tenant_id, "scim.user.read", resource_type="user", resource_id=user_id)
        return answer

    async def create_user(request: Request, tenant_id: str, context: RequestContext) -> Response:
        user = _validate(users.ScimUser, await _body(request), Context.RESOURCE_CREATION_REQUEST)
        row = await users.create(context, tenant_id, user)
        return await user_answer(request, tenant_id, context, row.id, status=201)

    async def replace_user(request: Request, tenant_id: str, context: RequestContext) -> Response:
        current = await get_row(context, tenant_id, users.USERS, request.path_params["id"])
        _check_version(request, current)
        user = _validate(users.ScimUser, await _body(request), Context.RESOURCE_REPLACEMENT_REQUEST)
        await users.update(context, current, user)
        return await user_answer(request, tenant_id, context, current.id)

    async def patch_user(request: Request, tenant_id: str, context: RequestContext) -> Response:
        current = await get_row(context, tenant_id, users.USERS, request.path_params["id"])
        _check_version(request, current)
        patch = _validate(
            PatchOp[users.ScimUser], await _body(request), Context.RESOURCE_PATCH_REQUEST
        )
        if len(patch.operations or ()) > MAX_PATCH_OPERATIONS:
            raise ScimError(400, f"More than {MAX_PATCH_OPERATIONS} operations", "tooMany")
        groups = await users.groups_of(context, [current.id])
        user = users.to_scim(current, _base(request, tenant_id), groups.get(current.id, ()))
        patch.patch(user)
        await users.update(context, current, user)
        return await user_answer(request, tenant_id, context, current.id)

    async def delete_user(request: Request, tenant_id: str, context: RequestContext) -> Response:
        current = await get_row(context, tenant_id, users.USERS, request.path_params["id"])
        _check_version(request, current)
        await user_resolvers.delete(context, current.id)
        return Response(status_code=204)

    route("GET", "/ServiceProviderConfig", get_config)
    route("GET", "/ResourceTypes", get_resource_types)
    route("GET", "/Schemas", get_schemas)
    route("GET", "/Users", list_users)
    route("POST", "/Users", create_user, status=201)
    route("GET", "/Users/{id}", get_user)
    route("PUT", "/Users/{id}", replace_user)
    route("PATCH", "/Users/{id}", patch_user)
    route("DELETE", "/Users/{id}", delete_user, status=204)
    return router


def _list_document(resources: list[dict[str, Any]]) -> JSONResponse:
    return document(
        {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
            "totalResults": len(resources),
            "startIndex": 1,
            "itemsPerPage": len(resources),
            "Resources": resources,
        }
    )


__all__ = ["error_response", "scim_router"]
