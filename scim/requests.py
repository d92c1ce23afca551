"""Reading a SCIM request: its body, query parameters, `If-Match`, and the answer's shape
(`attributes` / `excludedAttributes`)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from fastapi import Request
from pydantic import ValidationError
from scim2_models import Context, ResponseParameters, SCIMException

from resolvers import control_characters
from scim.errors import ScimError
from scim.resources import MAX_RESULTS, ListRequest, etag

ACCEPTED_TYPES = ("application/scim+json", "application/json")


def base_url(request: Request, tenant_id: str) -> str:
    return f"{str(request.base_url).rstrip('/')}/scim/v2/{tenant_id}"


async def body_of(request: Request) -> Any:
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media not in ACCEPTED_TYPES:
        raise ScimError(415, "Content-Type must be application/scim+json or application/json")
    try:
        body = json.loads(await request.body())
    except ValueError as exc:
        raise ScimError(400, f"The body is not JSON: {exc}", "invalidSyntax") from exc
    refuse_control_characters(body, "")
    return body


def refuse_control_characters(value: Any, path: str) -> None:
    """The gateway's one rule for client text (`resolvers.control_characters`), on every key
    and string of the body: SCIM attributes are names and identifiers, never free text."""
    if isinstance(value, str):
        reason = control_characters.refusal(value)
        if reason is not None:
            raise ScimError(400, f"{path or 'body'}: {reason}", "invalidValue")
    elif isinstance(value, dict):
        for key, item in value.items():
            here = f"{path}.{key}" if path else str(key)
            refuse_control_characters(str(key), here)
            refuse_control_characters(item, here)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            refuse_control_characters(item, f"{path}[{index}]")


def validate(model: Any, body: Any, scim_ctx: Context) -> Any:
    try:
        return model.model_validate(body, scim_ctx=scim_ctx)
    except SCIMException:
        raise
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first.get("loc", ()))
        detail = f"{where}: {first.get('msg')}" if where else str(first.get("msg"))
        raise ScimError(400, detail, "invalidValue") from exc


def if_match(request: Request) -> Callable[[Any], None] | None:
    """The check of `If-Match` against a row: run inside the write's transaction, on the
    locked row, so two writers holding the same version cannot both pass."""
    wanted = request.headers.get("if-match")
    if wanted is None or wanted.strip() == "*":
        return None
    versions = {version.strip() for version in wanted.split(",")}

    def check(row: Any) -> None:
        if etag(row.updated_at) not in versions:
            raise ScimError(412, "The resource has changed since that version (If-Match)")

    return check


def check_version(request: Request, row: Any) -> None:
    check = if_match(request)
    if check is not None:
        check(row)


def int_param(request: Request, name: str, default: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ScimError(400, f"{name} must be an integer", "invalidValue") from None


def list_request(request: Request) -> ListRequest:
    for name, value in request.query_params.items():
        refuse_control_characters(value, name)
    return ListRequest(
        filter=request.query_params.get("filter"),
        sort_by=request.query_params.get("sortBy"),
        sort_order=request.query_params.get("sortOrder"),
        start_index=int_param(request, "startIndex", 1),
        count=int_param(request, "count", MAX_RESULTS),
    )


def response_parameters(model: Any, request: Request) -> Any:
    """`attributes` / `excludedAttributes`, checked against the resource's model."""
    try:
        return ResponseParameters[model].model_validate(
            {
                "attributes": request.query_params.get("attributes") or None,
                "excluded_attributes": request.query_params.get("excludedAttributes") or None,
            }
        )
    except SCIMException:
        raise
    except ValidationError as exc:
        raise ScimError(400, str(exc.errors()[0].get("msg")), "invalidPath") from exc


def dump(resource: Any, request: Request) -> dict[str, Any]:
    return dict(
        resource.model_dump(
            scim_ctx=Context.RESOURCE_QUERY_RESPONSE,
            response_parameters=response_parameters(type(resource), request),
        )
    )


def wants(request: Request, attribute: str) -> bool:
    """Whether the answer holds `attribute` (a costly one, such as a group's members)."""
    name = attribute.lower()

    def names(parameter: str) -> set[str]:
        raw = request.query_params.get(parameter) or ""
        return {part.strip().lower().rsplit(":", 1)[-1] for part in raw.split(",") if part}

    attributes = names("attributes")
    if attributes and not any(a == name or a.startswith(f"{name}.") for a in attributes):
        return False
    return name not in names("excludedAttributes")
