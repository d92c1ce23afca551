"""Prometheus metrics (prometheus-client) and the `/metrics` endpoint.

With several workers (`scaigate serve --workers N`) each process writes its samples to
`PROMETHEUS_MULTIPROC_DIR` (the CLI sets it to a fresh directory) and `/metrics` answers the
sum over all of them, whichever worker the scrape reaches. That variable must be set before
this module is imported, which is why the CLI sets it before the workers are spawned.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import APIRouter
from fastapi.responses import Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

MULTIPROC_DIR_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
_STATEMENT_BUCKETS = (0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233)

HTTP_REQUESTS = Counter(
    "scaigate_http_requests",
    "HTTP requests by method, route template and status.",
    ("method", "route", "status"),
)
HTTP_LATENCY = Histogram(
    "scaigate_http_request_duration_seconds",
    "HTTP request latency by method and route template.",
    ("method", "route"),
    buckets=_LATENCY_BUCKETS,
)
GRAPHQL_REQUESTS = Counter(
    "scaigate_graphql_requests",
    "Requests to the GraphQL endpoint by operation type, operation name and HTTP status.",
    ("operation_type", "operation_name", "status"),
)
GRAPHQL_LATENCY = Histogram(
    "scaigate_graphql_request_duration_seconds",
    "GraphQL endpoint latency by operation type and operation name.",
    ("operation_type", "operation_name"),
    buckets=_LATENCY_BUCKETS,
)
SQL_STATEMENTS = Histogram(
    "scaigate_sql_statements_per_request",
    "SQL statements run by one HTTP request, by method and route template.",
    ("method", "route"),
    buckets=_STATEMENT_BUCKETS,
)
ACTIVE_SUBSCRIPTIONS = Gauge(
    "scaigate_active_subscriptions",
    "GraphQL subscriptions currently open.",
    multiprocess_mode="livesum",
)

AUDIT_SPOOL_EVENTS = Gauge(
    "scaigate_audit_spool_events",
    "Audit events waiting in the local spool for the database.",
    multiprocess_mode="livesum",
)
AUDIT_SPOOL_OLDEST_AGE = Gauge(
    "scaigate_audit_spool_oldest_age_seconds",
    "Age of the oldest audit event waiting in the local spool (0 when it is empty).",
    multiprocess_mode="livemax",
)
AUDIT_SPOOLED = Counter(
    "scaigate_audit_spooled_events",
    "Audit events that went to the local spool because the database could not take them.",
)
AUDIT_SPOOL_DRAINED = Counter(
    "scaigate_audit_spool_drained_events",
    "Spooled audit events written to the database (or found there already).",
)


class AuditSpoolMetrics:
    """What the audit spool (`resolvers.audit_spool`) reports, as the metrics above."""

    def spooled(self) -> None:
        AUDIT_SPOOLED.inc()

    def drained(self, count: int) -> None:
        AUDIT_SPOOL_DRAINED.inc(count)

    def pending(self, events: int, oldest_age_seconds: float) -> None:
        AUDIT_SPOOL_EVENTS.set(events)
        AUDIT_SPOOL_OLDEST_AGE.set(oldest_age_seconds)


@contextmanager
def subscription_opened() -> Iterator[None]:
    """Counts one open subscription in `scaigate_active_subscriptions` while the block runs.

    The live audit feed (`resolvers.audit_feed`) wraps each subscription's lifetime in it,
    from the moment the subscription can receive events.
    """
    ACTIVE_SUBSCRIPTIONS.inc()
    try:
        yield
    finally:
        ACTIVE_SUBSCRIPTIONS.dec()


def multiprocess_mode() -> bool:
    return bool(os.environ.get(MULTIPROC_DIR_VARIABLE))


def exposition() -> bytes:
    """The text exposition of every metric: summed over all workers in multiprocess mode."""
    if multiprocess_mode():
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry)
    return generate_latest(REGISTRY)


def worker_stopped(pid: int | None = None) -> None:
    """Drops a stopped worker's live gauges (multiprocess mode); its counters stay summed."""
    if multiprocess_mode():
        multiprocess.mark_process_dead(pid or os.getpid())


def metrics_router() -> APIRouter:
    router = APIRouter()

    @router.get("/metrics", include_in_schema=False)
    def metrics() -> Response:
        """Prometheus text exposition (a plain function: FastAPI runs it in a thread, and in
        multiprocess mode it reads every worker's files)."""
        return Response(exposition(), media_type=CONTENT_TYPE_LATEST)

    return router
