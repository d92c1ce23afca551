"""Mounts every route table under its documented prefix."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from fastapi.security import HTTPBearer

from rest_compat import (
    agents,
    applications,
    audit,
    dashboard,
    groups,
    identity_providers,
    partners,
    scim_tokens,
    sessions,
    tenants,
    users,
)
from rest_compat.openapi import openapi_extra
from rest_compat.runner import ContextOf, execute
from rest_compat.table import Route

SCAIKEY_PREFIX = "/api/v1/admin"
SCAIKEY_ROUTES: list[Route] = [
    *partners.ROUTES,
    *tenants.ROUTES,
    *users.ROUTES,
    *groups.ROUTES,
    *applications.ROUTES,
    *identity_providers.ROUTES,
    *agents.ROUTES,
    *audit.ROUTES,
    *dashboard.ROUTES,
    *sessions.ROUTES,
    *scim_tokens.ROUTES,
]


def _endpoint(route: Route, context_of: ContextOf) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        return await execute(route, request, context_of)

    return endpoint


def build_router(prefix: str, routes: list[Route], tag: str, context_of: ContextOf) -> APIRouter:
    # The bearer scheme is declared for the OpenAPI document (Swagger UI's "Authorize");
    # the token itself is verified once, with the GraphQL context, by the runner.
    router = APIRouter(
        prefix=prefix,
        tags=[tag],
        dependencies=[Depends(HTTPBearer(auto_error=False, bearerFormat="JWT"))],
    )
    for route in routes:
        router.add_api_route(
            route.path,
            _endpoint(route, context_of),
            methods=[route.method],
            status_code=route.success_status,
            summary=route.summary,
            name=f"{route.method} {prefix}{route.path}",
            openapi_extra=openapi_extra(route),
        )
    return router


def scaikey_router(context_of: ContextOf) -> APIRouter:
    return build_router(SCAIKEY_PREFIX, SCAIKEY_ROUTES, "ScaiKey admin", context_of)
