"""The lean path of the REST list routes: a planned route answered before routing.

A `GET` of a route whose operation the planner plans (the users, tenants, groups, partners,
applications, identity providers and agents lists: `rest_compat.planned.planned_routes`) is
matched here by its path in a table built at start-up, and answered without FastAPI's
routing and dependencies and without Starlette's Request and Response objects: the bearer
token verified (`gateway.auth`, cached), the query parameters checked and mapped onto the
operation's variables exactly as the route does it (`rest_compat.runner.prepare`, the same
functions, so the same refusals in the same order), the plan run (or, for a caller without
one, the operation executed, as the route would) and the documented JSON written by orjson.
A refusal, a database outage or an unexpected error is answered with the route's own error
response. Status, body bytes, headers, access log labels, metrics and audit events are those
of the route.

Anything else goes on to the normal routes untouched: another method or path (a trailing
slash, a path with an id), a request without a token, a `root_path` (a server mounted under
a prefix), and a token check that fails for any reason other than the token (an outage while
reading its session: the route answers that). A token that is refused is answered here, as
the route answers it (401 and one `auth.token_rejected` event).
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.datastructures import Headers, QueryParams
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from core.errors import AuthenticationFailed
from core.json_bytes import json_bytes
from gateway.auth import authentication_failed_response, context_of_scope
from gateway.observability import ROUTE_TEMPLATE
from rest_compat.planned import planned_routes
from rest_compat.runner import answer, check_text, failure_response, prepare
from rest_compat.table import Route

_CONTENT_TYPE = (b"content-type", b"application/json")


@dataclass
class LeanRestFigures:
    """How many REST requests of this process the lean path answered."""

    answered: int = 0


LEAN_REST_FIGURES = LeanRestFigures()


class LeanRest:
    """ASGI middleware in front of the app's routes (inside the request id, access log and
    body size middleware, whose work every request still gets)."""

    def __init__(self, app: ASGIApp, *, routes: dict[str, Route]) -> None:
        self.app = app
        self.routes = routes  # full path → route (`lean_routes`)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        route = None
        if scope["type"] == "http" and scope["method"] == "GET":
            route = self.routes.get(scope["path"])
        if route is None or scope.get("root_path") or not _has_authorization(scope):
            await self.app(scope, receive, send)
            return
        template = scope["path"]
        try:
            context = await context_of_scope(scope)
        except AuthenticationFailed as refused:
            scope[ROUTE_TEMPLATE] = template  # the route it would have matched
            refusal = authentication_failed_response(Request(scope, receive), refused)
            await refusal(scope, receive, send)
            return
        except Exception:
            await self.app(scope, receive, send)  # the route meets the same condition
            return
        scope[ROUTE_TEMPLATE] = template
        LEAN_REST_FIGURES.answered += 1
        query, headers = QueryParams(scope["query_string"]), Headers(scope=scope)
        try:
            check_text(route, {}, query, headers)
            answered = await answer(route, prepare(route, {}, query, headers, None), context)
        except Exception as exc:  # as the route answers it: a refusal, an outage, a fault
            failure = failure_response(route, exc, context.meta.request_id)
            await failure(scope, receive, send)
            return
        body = json_bytes(answered.content)  # as `RestJSONResponse` writes it
        await send(
            {
                "type": "http.response.start",
                "status": answered.status,
                # Starlette's JSONResponse writes these two, in this order.
                "headers": [(b"content-length", str(len(body)).encode()), _CONTENT_TYPE],
            }
        )
        await send({"type": "http.response.body", "body": body})


def lean_routes(tables: list[tuple[str, list[Route]]]) -> dict[str, Route]:
    """The routes of these tables (prefix, routes) the lean path answers, by full path; their
    documents are parsed and validated now, when the app is built."""
    routes: dict[str, Route] = {}
    for prefix, table in tables:
        routes.update(planned_routes(prefix, table))
    return routes


def _has_authorization(scope: Scope) -> bool:
    return any(key == b"authorization" for key, _ in scope["headers"])
