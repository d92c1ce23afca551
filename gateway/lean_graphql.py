"""The lean path of the GraphQL endpoint: a planned operation answered before routing.

A `POST /graphql` of one operation whose document this process has already answered from a
plan (so it parsed, validated and passed the document's own limits under the same limits)
is answered here, without FastAPI's routing and dependencies and without Strawberry's
request pipeline: the bearer token is verified (`gateway.auth`, cached), the body read with
orjson, what varies per request checked (the operation limits that read the variables and
the caller, `schema.limits.limit_refusal`; the input text rule, `schema.input_text`; the
variables' coercion, inside `run_plan`), the plan run and the body written in one go. Status,
body bytes, headers, access log labels, metrics and audit events are those of the normal path.

Anything else goes on to the normal path untouched, the request body replayed: another
method or path, a batch, `extensions` (persisted queries), the allow-list mode, parameters of
the wrong shape, a body that is not JSON, a `Content-Type` other than `application/json`
(with `; charset=utf-8` or without), an `Accept` the endpoint would refuse, no token, a
document not yet seen planned, an operation without a plan for the caller's tier (or the
planner turned off), a limit or an input check that would refuse the variables, and a plan
run that gives up (its statements stay counted, as when the planner's extension gives up).
A token that is refused is answered here, as the endpoint answers it
(401 and one `auth.token_rejected` event); a caller authenticated here is not authenticated
again by the normal path (`gateway.auth.request_context_of`).

The documents are learnt from the normal path: when it answered a candidate request from a
plan, the planner left the operation on the request context (`RequestContext.planned`).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import orjson
from graphql import DocumentNode, OperationDefinitionNode, get_operation_ast
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.errors import AuthenticationFailed
from core.json_bytes import json_bytes
from core.limits import OperationLimits
from core.observation import current_observation
from core.settings import Settings
from gateway.auth import STATE_CONTEXT, authentication_failed_response, context_of_scope
from gateway.body_limit import replay
from gateway.graphql_http import JSON, MEDIA_TYPES, content_type, negotiate
from gateway.observability import ROUTE_TEMPLATE
from gateway.persisted_operations import Mode
from resolvers.context import RequestContext
from schema.planner import PLANNER_FIGURES
from schema.planner.direct import data_from_plan
from schema.schema import schema
from schema.strawberry_private import graphql_core_schema

KNOWN_DOCUMENTS = 1024
_JSON_CONTENT_TYPES = (JSON.encode(), f"{JSON};charset=utf-8".encode())
# The response's Content-Type header for each media type `negotiate` may choose.
_CONTENT_TYPES = {media_type: content_type(media_type).encode() for media_type in MEDIA_TYPES}


@dataclass
class LeanFigures:
    """How many GraphQL requests of this process the lean path answered, and how many
    documents it learnt."""

    answered: int = 0
    learnt: int = 0


LEAN_FIGURES = LeanFigures()


@dataclass(frozen=True)
class _Candidate:
    """A request the lean path may answer: one operation, parameters of the right shape."""

    query: str
    operation_name: str | None
    variables: dict[str, Any] | None
    media_type: str


# (document text, operation name as the request gave it, the limits it passed under)
_Key = tuple[str, str | None, OperationLimits]


@dataclass(frozen=True)
class _Known:
    """A document answered from a plan once: parsed, its operation and labels found."""

    document: DocumentNode
    operation_name: str | None  # the one that runs (a lone operation's own name if not given)
    operation: OperationDefinitionNode
    label_name: str | None
    label_type: str


class LeanGraphQL:
    """ASGI middleware in front of the app's routes (inside the request id, access log and
    body size middleware, whose work every request still gets)."""

    def __init__(self, app: ASGIApp, *, graphql_path: str) -> None:
        self.app = app
        self.graphql_path = graphql_path
        self.known: OrderedDict[_Key, _Known] = OrderedDict()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] != "POST"
            or scope["path"] != self.graphql_path
        ):
            await self.app(scope, receive, send)
            return
        messages, body = await _read_body(receive)
        replayed = replay(messages, receive)
        settings: Settings = scope["app"].state.settings
        candidate = None if body is None else _candidate(scope, body, settings)
        if candidate is None:
            await self.app(scope, replayed, send)
            return
        key: _Key = (candidate.query, candidate.operation_name, settings.operation_limits)
        known = self.known.get(key)
        if known is None:
            await self.app(scope, replayed, send)
            self._learn(scope, key)
            return
        self.known.move_to_end(key)
        if await self._answer(scope, replayed, send, candidate, known):
            return
        await self.app(scope, replayed, send)

    async def _answer(
        self, scope: Scope, receive: Receive, send: Send, candidate: _Candidate, known: _Known
    ) -> bool:
        """Whether the request was answered here (from its plan, or refused its token)."""
        if not _has_header(scope, b"authorization"):
            return False  # no plan answers an anonymous caller
        try:
            context = await context_of_scope(scope)
        except AuthenticationFailed as refused:
            scope[ROUTE_TEMPLATE] = self.graphql_path  # the route it would have matched
            refusal = authentication_failed_response(Request(scope, receive), refused)
            await refusal(scope, receive, send)
            return True
        except Exception:
            return False  # the normal path meets the same condition and answers it
        scope.setdefault("state", {})[STATE_CONTEXT] = context  # not authenticated again
        data = await data_from_plan(
            graphql_core_schema(schema),
            context,
            known.document,
            candidate.query,
            known.operation_name,
            known.operation,
            candidate.variables,
        )
        if data is None:
            return False
        observation = current_observation()
        if observation is not None:
            observation.operation_started()
            observation.operation_validated(known.label_name, known.label_type)
        scope[ROUTE_TEMPLATE] = self.graphql_path
        PLANNER_FIGURES.planned += 1
        LEAN_FIGURES.answered += 1
        body = json_bytes({"data": data})
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                # What Starlette's Response writes for these bytes and media type.
                "headers": [
                    (b"content-length", str(len(body)).encode()),
                    (b"content-type", _CONTENT_TYPES[candidate.media_type]),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
        return True

    def _learn(self, scope: Scope, key: _Key) -> None:
        """Keeps the document the normal path just answered from a plan, if it did."""
        context = scope.get("state", {}).get(STATE_CONTEXT)
        planned = context.planned if isinstance(context, RequestContext) else None
        if planned is None or planned.query != key[0]:
            return
        document = planned.document
        assert isinstance(document, DocumentNode)
        operation = get_operation_ast(document, planned.operation_name)
        if operation is None:
            return
        self.known[key] = _Known(
            document=document,
            operation_name=planned.operation_name,
            operation=operation,
            label_name=operation.name.value if operation.name else None,
            label_type=operation.operation.value,
        )
        LEAN_FIGURES.learnt += 1
        if len(self.known) > KNOWN_DOCUMENTS:
            self.known.popitem(last=False)


def _candidate(scope: Scope, body: bytes, settings: Settings) -> _Candidate | None:
    """The request's parameters when the lean path may answer it, else None."""
    if Mode(settings.persisted_operations) is Mode.ALLOWLIST:
        return None
    headers = _headers(scope)
    # The two spellings clients send; any other goes to the endpoint's own parsing (which
    # reads headers with the email package, several times the cost of this comparison).
    header = headers.get(b"content-type", b"").lower().replace(b" ", b"")
    if header not in _JSON_CONTENT_TYPES:
        return None
    accept = headers.get(b"accept")
    media_type = negotiate(accept.decode("latin-1") if accept is not None else None)
    if media_type is None:
        return None
    try:
        params = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(params, dict):
        return None
    # As the endpoint reads them: absent, null and empty all mean "not given".
    query, operation_name, variables, extensions = (
        None if params.get(name) in (None, "") else params[name]
        for name in ("query", "operationName", "variables", "extensions")
    )
    if (
        not isinstance(query, str)
        or extensions is not None
        or (operation_name is not None and not isinstance(operation_name, str))
        or (variables is not None and not isinstance(variables, dict))
    ):
        return None
    return _Candidate(query, operation_name, variables, media_type)


def _headers(scope: Scope) -> Mapping[bytes, bytes]:
    return dict(scope["headers"])


def _has_header(scope: Scope, name: bytes) -> bool:
    return any(key == name for key, _ in scope["headers"])


async def _read_body(receive: Receive) -> tuple[list[Message], bytes | None]:
    """The request's messages as received, and its body (None when the client left)."""
    messages: list[Message] = []
    chunks: list[bytes] = []
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            return messages, None
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return messages, b"".join(chunks)
