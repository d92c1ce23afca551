"""GraphQL over HTTP (https://graphql.github.io/graphql-over-http/draft/): response media
types, `Accept` negotiation, request errors and the status codes that go with them.

- Two response media types: `application/graphql-response+json` and `application/json`,
  both UTF-8 (`; charset=utf-8` on every response). The `Accept` header is negotiated by
  quality (`q`): the more specific range decides a type's quality (`application/json;q=0`
  excludes it even beside `*/*`), a type the client names outranks one only a wildcard
  admits, and between two it names at the same quality `application/graphql-response+json`
  wins. A missing `Accept`, `*/*` or `application/*` get `application/json`: such a client
  never opted into the newer type and the status codes that come with it (the spec's legacy
  rule; the graphql-http audit asks the same). Nothing acceptable: 406.
- A *request error* (the document does not parse or validate, an operation limit, the
  operation cannot be chosen, a variable cannot be coerced, a persisted query is unknown)
  is answered without a `data` key. Under `application/graphql-response+json` it is a 400;
  under `application/json` a 200, as the spec's "should" says for that media type. An
  executed operation is a 200 with `data`, whatever its field errors.
- A request that is not well-formed GraphQL over HTTP (body not JSON, parameters of the
  wrong shape, no query) is a 400 under both; an unsupported request body type a 415; a
  mutation over GET a 405 with `Allow: POST`. These answer a GraphQL error document too.
- An operation whose every error is `SERVICE_UNAVAILABLE` (the database cannot be reached)
  is a 503 with `Retry-After` under both media types: the request was fine, the server could
  not answer it now, and retrying later is what a client (or a proxy) should do.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from email.message import Message
from typing import Any

from strawberry.types import ExecutionResult

from schema.strawberry_private import never_ran

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
JSON = "application/json"
MEDIA_TYPES = (GRAPHQL_RESPONSE_JSON, JSON)

# `extensions.code` of the errors answered before any GraphQL operation is looked at.
HTTP_ERROR_CODES = {
    400: "BAD_REQUEST",
    405: "METHOD_NOT_ALLOWED",
    406: "NOT_ACCEPTABLE",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
}


class GraphQLHTTPError(Exception):
    """A request refused before (or instead of) execution, with its HTTP status."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        code: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code or HTTP_ERROR_CODES.get(status, "BAD_REQUEST")
        self.headers = dict(headers or {})


def content_type(media_type: str) -> str:
    return f"{media_type}; charset=utf-8"


def parse_content_type(header: str) -> tuple[str, dict[str, str]]:
    """The media type of a Content-Type header (lower case) and its parameters."""
    message = Message()
    message["content-type"] = header
    parameters = message.get_params() or [("", "")]
    return message.get_content_type(), dict(parameters[1:])


def error_document(message: str, code: str) -> dict[str, Any]:
    return {"errors": [{"message": message, "extensions": {"code": code}}]}


def accept_ranges(accept: str) -> list[tuple[str, float]]:
    """(media range, quality) for each acceptable range of an Accept header."""
    ranges = []
    for part in accept.split(","):
        media_range, *parameters = (piece.strip() for piece in part.split(";"))
        if "/" not in media_range:
            continue
        quality = 1.0
        usable = True
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            name, value = name.strip().lower(), value.strip().strip('"')
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    usable = False
                if not 0 <= quality <= 1:
                    usable = False
            elif name == "charset" and value.lower() != "utf-8":
                usable = False  # only UTF-8 is served
        if usable:
            ranges.append((media_range.lower(), quality))
    return ranges


def accept_quality(ranges: list[tuple[str, float]], media_range: str) -> float | None:
    qualities = [quality for candidate, quality in ranges if candidate == media_range]
    return max(qualities) if qualities else None


# Clients send the same few `Accept` values again and again; reading one costs more than
# the lean path's other checks together.
@functools.lru_cache(maxsize=256)
def negotiate(accept: str | None) -> str | None:
    """The media type of the response to a request with this `Accept`; None: 406."""
    if accept is None or not accept.strip():
        return JSON
    ranges = accept_ranges(accept)
    best: tuple[float, bool, bool] | None = None
    chosen = None
    for media_type in MEDIA_TYPES:
        kind = media_type.split("/")[0]
        # The most specific range that matches decides this type's quality.
        match = next(
            (
                (quality, named)
                for media_range, named in ((media_type, True), (f"{kind}/*", False), ("*/*", False))
                if (quality := accept_quality(ranges, media_range)) is not None
            ),
            None,
        )
        if match is None or match[0] <= 0:
            continue
        quality, named = match
        # Ranked by quality, then named over wildcard, then: named → graphql-response+json,
        # both by wildcard → application/json.
        preferred = media_type == GRAPHQL_RESPONSE_JSON if named else media_type == JSON
        rank = (quality, named, preferred)
        if best is None or rank > best:
            best, chosen = rank, media_type
    return chosen


def is_request_error(result: ExecutionResult) -> bool:
    """Whether the operation never started executing: nothing parsed, validated or was
    coerced (a field error always has a path; a variable error has none)."""
    if never_ran(result):
        return True
    errors = result.errors or []
    return result.data is None and bool(errors) and all(error.path is None for error in errors)


def unavailable(result: ExecutionResult) -> bool:
    """Whether every error of the result is `SERVICE_UNAVAILABLE`: the operation could not be
    answered because the database (or an upstream service) cannot be reached."""
    codes = {(error.extensions or {}).get("code") for error in result.errors or ()}
    return codes == {"SERVICE_UNAVAILABLE"}


def status_of(result: ExecutionResult, media_type: str) -> int:
    if unavailable(result):
        return 503
    if media_type != GRAPHQL_RESPONSE_JSON or not is_request_error(result):
        return 200
    codes = {(error.extensions or {}).get("code") for error in result.errors or ()}
    return 500 if "INTERNAL_SERVER_ERROR" in codes else 400
