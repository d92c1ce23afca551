"""Per-request observation: the access log line and the Prometheus request metrics.

The middleware opens a `RequestObservation` for each HTTP request; the GraphQL schema's
`OperationLabels` extension writes the operation it ran into it, and when the response is
done the middleware writes one access log line and updates the metrics from it. Label values
stay bounded: routes are templates (`/api/v1/admin/users/{id}`, never the id itself), and
operation names are the document's own names, capped per process.
"""

from __future__ import annotations

import re
import time
from contextvars import ContextVar
from dataclasses import dataclass

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from db.engine import StatementCounter
from gateway import metrics

ANONYMOUS = "anonymous"  # an operation without a name
INVALID = "invalid"  # a document that did not parse or validate: no operation ran
OTHER = "other"  # a valid name past the per-process cap of distinct names
BATCH = "batch"  # several operations in one HTTP request
UNKNOWN_TYPE = "unknown"
UNMATCHED_ROUTE = "unmatched"  # no route matched (404)

MAX_OPERATION_NAMES = 200
_OPERATION_NAME = re.compile(r"^[_A-Za-z][_0-9A-Za-z]{0,63}$")
_known_names: set[str] = set()

access_logger = structlog.stdlib.get_logger("scaigate.access")


def operation_name_label(name: str | None) -> str:
    """The label of an operation name: itself while fewer than `MAX_OPERATION_NAMES` distinct
    names have been seen by this process, `other` after that, `anonymous` without one."""
    if not name:
        return ANONYMOUS
    if not _OPERATION_NAME.match(name):
        return OTHER
    if name not in _known_names:
        if len(_known_names) >= MAX_OPERATION_NAMES:
            return OTHER
        _known_names.add(name)
    return name


@dataclass
class RequestObservation:
    """What one HTTP request did, filled in while it runs."""

    operations: int = 0
    operation_name: str = INVALID
    operation_type: str = UNKNOWN_TYPE

    def operation_started(self) -> None:
        self.operations += 1
        self.operation_name, self.operation_type = INVALID, UNKNOWN_TYPE

    def operation_validated(self, name: str | None, operation_type: str) -> None:
        self.operation_name = operation_name_label(name)
        self.operation_type = operation_type

    @property
    def labels(self) -> tuple[str, str] | None:
        """(operation type, operation name), or None when no GraphQL operation ran."""
        if self.operations == 0:
            return None
        if self.operations > 1:
            return BATCH, BATCH
        return self.operation_type, self.operation_name


_current: ContextVar[RequestObservation | None] = ContextVar(
    "scaigate_request_observation", default=None
)


def current_observation() -> RequestObservation | None:
    return _current.get()


def route_template(scope: Scope) -> str:
    """The matched route's full path template (`/api/v1/admin/users/{id}`), or `unmatched`.

    FastAPI 0.130+ matches the routes of an included router in place, so `scope["route"]`
    holds the path without the include prefix and the full template is on FastAPI's
    effective route context; older versions copy the route with its full path.
    """
    effective = scope.get("fastapi", {}).get("effective_route_context")
    template = getattr(effective, "path_format", None)
    if not template:
        route = scope.get("route")
        template = getattr(route, "path_format", None) or getattr(route, "path", None)
    return str(template) if template else UNMATCHED_ROUTE


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
        token = _current.set(observation)
        status = 500
        started = time.perf_counter()

        async def send_and_watch(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_and_watch)
        finally:
            _current.reset(token)
            self._observe(scope, status, time.perf_counter() - started, observation)

    def _observe(
        self, scope: Scope, status: int, seconds: float, observation: RequestObservation
    ) -> None:
        method = str(scope.get("method", ""))
        route = route_template(scope)
        counter = scope.get("state", {}).get("sql_statements")
        statements = counter.count if isinstance(counter, StatementCounter) else None
        metrics.HTTP_REQUESTS.labels(method, route, str(status)).inc()
        metrics.HTTP_LATENCY.labels(method, route).observe(seconds)
        if statements is not None:
            metrics.SQL_STATEMENTS.labels(method, route).observe(statements)
        operation = observation.labels
        if operation is not None and route == self.graphql_path:
            metrics.GRAPHQL_REQUESTS.labels(*operation, str(status)).inc()
            metrics.GRAPHQL_LATENCY.labels(*operation).observe(seconds)
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
