"""What one HTTP request did, as the access log line and the request metrics report it.

The gateway's middleware (`gateway.observability`) opens a `RequestObservation` for each
HTTP request; the GraphQL schema's `OperationLabels` extension writes the operation it ran
into it. Label values stay bounded: operation names are the document's own names, capped
per process. The request id the middleware gives each request is read here too.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from starlette.requests import Request

ANONYMOUS = "anonymous"  # an operation without a name
INVALID = "invalid"  # a document that did not parse or validate: no operation ran
OTHER = "other"  # a valid name past the per-process cap of distinct names
BATCH = "batch"  # several operations in one HTTP request
UNKNOWN_TYPE = "unknown"

MAX_OPERATION_NAMES = 200
_OPERATION_NAME = re.compile(r"^[_A-Za-z][_0-9A-Za-z]{0,63}$")
_known_names: set[str] = set()


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


@contextmanager
def observing(observation: RequestObservation) -> Iterator[None]:
    """`observation` is the current request's while the block runs."""
    token = _current.set(observation)
    try:
        yield
    finally:
        _current.reset(token)


def request_id_of(request: Request) -> str:
    """The id the gateway gave the request (its log lines carry it), or a fresh one."""
    return str(getattr(request.state, "request_id", "") or uuid.uuid4().hex)
