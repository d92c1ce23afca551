"""The access log line and the Prometheus request metrics of each HTTP request.

`AccessLogAndMetrics` opens a `core.observation.RequestObservation` for each HTTP request;
the GraphQL schema writes the operation it ran into it, and when the response is done the
middleware writes one access log line and updates the metrics from it. Label values stay
bounded: routes are templates (`/api/v1/admin/users/{id}`, never the id itself).
"""

from __future__ import annotations

import functools
import time
from typing import Any

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.observation import RequestObservation, observing
from db.engine import StatementCounter
from gateway import metrics

UNMATCHED_ROUTE = "unmatched"  # no route matched (404)
# The template of a request answered before routing (`gateway.lean_graphql`), set by its
# answerer, since no route matched it.
ROUTE_TEMPLATE = "scaigate.route_template"

access_logger = structlog.stdlib.get_logger("scaigate.access")


def route_template(scope: Scope) -> str:
    """The matched route's full path template (`/api/v1/admin/users/{id}`), or `unmatched`.

    FastAPI 0.130+ matches the routes of an included router in place, so `scope["route"]`
    holds the path without the include prefix and the full template is on FastAPI's
    effective route context; older versions copy the route with its full path.
    """
    answered = scope.get(ROUTE_TEMPLATE)
    if answered:
        return str(answered)
    effective = scope.get("fastapi", {}).get("effective_route_context")
    template = getattr(effective, "path_format", None)
    if not template:
        route = scope.get("route")
        template = getattr(route, "path_format", None) or getattr(route, "path", None)
    return str(template) if template else UNMATCHED_ROUTE


# The metrics' children per label values, looked up once: `labels()` validates and locks on
# every call, a fair part of what observing a small request costs. Label values are bounded
# (route templates, statuses; operation names as the metrics themselves keep them).
@functools.lru_cache(maxsize=4096)
def _http_metrics(method: str, route: str, status: int) -> tuple[Any, Any, Any]:
    return (
        metrics.HTTP_REQUESTS.labels(method, route, str(status)),
        metrics.HTTP_LATENCY.labels(method, route),
        metrics.SQL_STATEMENTS.labels(method, route),
    )


@functools.lru_cache(maxsize=4096)
def _graphql_metrics(operation_type: str, name: str, status: int) -> tuple[Any, Any]:
    return (
        metrics.GRAPHQL_REQUESTS.labels(operation_type, name, str(status)),
        metrics.GRAPHQL_LATENCY.labels(operation_type, name),
    )


class AccessLogAndMetrics:
    """Times each HTTP request, then writes its access log line and its metrics.

    Sits inside `RequestIdAndStatements`, whose request id is bound to the log context and
    whose SQL statement counter it reads (the statements are counted once, there).
    """

    def __init__(self, app: ASGIApp, *, access_log: bool = True, graphql_path: str) -> None:
        self.app = app
        self.access_log = access_log
        self.graphql_path = graphql_path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        observation = RequestObservation()
        status = 500
        started = time.perf_counter()

        async def send_and_watch(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            with observing(observation):
                await self.app(scope, receive, send_and_watch)
        finally:
            self._observe(scope, status, time.perf_counter() - started, observation)

    def _observe(
        self, scope: Scope, status: int, seconds: float, observation: RequestObservation
    ) -> None:
        method = str(scope.get("method", ""))
        route = route_template(scope)
        counter = scope.get("state", {}).get("sql_statements")
        statements = counter.count if isinstance(counter, StatementCounter) else None
        requests, latency, statements_seen = _http_metrics(method, route, status)
        requests.inc()
        latency.observe(seconds)
        if statements is not None:
            statements_seen.observe(statements)
        operation = observation.labels
        if operation is not None and route == self.graphql_path:
            graphql_requests, graphql_latency = _graphql_metrics(*operation, status)
            graphql_requests.inc()
            graphql_latency.observe(seconds)
        if self.access_log:
            fields: dict[str, object] = {
                "method": method,
                "path": scope.get("path", ""),
                "route": route,
                "status": status,
                "duration_ms": round(seconds * 1000, 2),
                "sql_statements": statements,
            }
            if operation is not None:
                fields["graphql_operation_type"], fields["graphql_operation"] = operation
            access_logger.info("request", **fields)
