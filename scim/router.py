"""`/scim/v2/{tenant_id}`: discovery, and the tenant's Users and Groups (list, POST, GET, PUT,
PATCH, DELETE), answered in `application/scim+json` (`application/json` accepted on input).

The router carries its own lifespan: the process's cache of SCIM tokens, started once the
app's sessions exist and closed before they go.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import Response
from scim2_models import SCIMException

from resolvers.context import RequestContext
from resolvers.errors import DomainError
from resolvers.notifications import asyncpg_dsn
from resolvers.scim_token_cache import ScimTokenCache
from scim import discovery
from scim.auth import AnonymousContextOf, ContextOf, scim_context
from scim.errors import ScimError, document, error_response, response_for
from scim.group_routes import add_group_routes
from scim.handlers import Handler
from scim.requests import base_url
from scim.user_routes import add_user_routes

PREFIX = "/scim/v2/{tenant_id}"
SERVED = frozenset({"ServiceProviderConfig", "ResourceTypes", "Schemas", "Users", "Groups"})


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

    async def get_config(request: Request, tenant_id: str, context: RequestContext) -> Response:
        return document(discovery.service_provider_config(base_url(request, tenant_id)))

    async def get_resource_types(
        request: Request, tenant_id: str, context: RequestContext
    ) -> Response:
        return discovery.list_document(discovery.resource_types(base_url(request, tenant_id)))

    async def get_schemas(request: Request, tenant_id: str, context: RequestContext) -> Response:
        return discovery.list_document(discovery.schemas(base_url(request, tenant_id)))

    async def get_resource_type(
        request: Request, tenant_id: str, context: RequestContext
    ) -> Response:
        found = discovery.resource_types(base_url(request, tenant_id))
        return discovery.one_of(found, request.path_params["id"], "ResourceType")

    async def get_schema(request: Request, tenant_id: str, context: RequestContext) -> Response:
        found = discovery.schemas(base_url(request, tenant_id))
        return discovery.one_of(found, request.path_params["id"], "Schema")

    async def search_all(request: Request, tenant_id: str, context: RequestContext) -> Response:
        # RFC 7644 §3.4.3 and §3.12: one search over every resource type is not offered
        raise ScimError(
            501, "POST /.search over every resource type is not supported: list /Users or /Groups"
        )

    async def not_served(request: Request, tenant_id: str, context: RequestContext) -> Response:
        parts = request.path_params["rest"].strip("/").split("/")
        if parts[0] in SERVED and len(parts) <= 2:
            raise ScimError(405, f"{request.method} is not allowed on {request.url.path}")
        raise ScimError(404, f"Nothing is served at {request.url.path}")

    route("GET", "/ServiceProviderConfig", get_config)
    route("GET", "/ResourceTypes", get_resource_types)
    route("GET", "/ResourceTypes/{id}", get_resource_type)
    route("GET", "/Schemas", get_schemas)
    route("GET", "/Schemas/{id}", get_schema)
    add_user_routes(route)
    add_group_routes(route)
    route("POST", "/.search", search_all, status=501)
    for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
        route(method, "/{rest:path}", not_served, status=404)  # after every served path
    return router


__all__ = ["error_response", "scim_router"]
