"""What a REST route is: path, method, GraphQL operation, argument mapping, response shape."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from enum import Enum
from typing import Any

from resolvers.resources import Resource
from rest_compat.documents import camel


class Shape(Enum):
    ITEM = "item"  # the root field's object, as JSON
    PAGE = "page"  # a connection, as {"data": [...], "pagination": {...}}
    NO_CONTENT = "no_content"  # 204, nothing in the body
    # {"data": [...]} without pagination: the root field's list, or a connection's nodes.
    # A connection is read to its end, page after page (its document takes $first/$after and
    # selects pageInfo { hasNextPage endCursor }), unless the route's variables set `first`.
    DATA = "data"


@dataclass(frozen=True)
class Call:
    """The parts of one HTTP call that a route maps onto GraphQL variables."""

    path: dict[str, str]
    query: dict[str, str]
    body: dict[str, Any] | None
    headers: Mapping[str, str] = dataclass_field(default_factory=dict)  # case-insensitive


VariableMap = Callable[[Call], dict[str, Any]]

# ScaiWave routes act on one tenant, named by this header (`resolvers.tenant_context`).
TENANT_HEADER = "X-Scai-Tenant"
IN_TENANT = {TENANT_HEADER: "tenantId"}  # Route(headers=IN_TENANT): the header → $tenantId


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    document: str
    field: str
    variables: VariableMap
    shape: Shape = Shape.ITEM
    status: int = 200
    summary: str = ""
    body_input: str | None = None  # the GraphQL input type the JSON body maps onto
    filters: dict[str, str] = dataclass_field(default_factory=dict)  # query param → argument
    headers: dict[str, str] = dataclass_field(default_factory=dict)  # request header → argument
    # `?limit=N` as the connection's `first`: (default, maximum); a list without pagination.
    limit: tuple[int, int] | None = None
    tags: tuple[str, ...] = ()
    # A payload that holds the resource under this key besides fields of its own (a create
    # that shows a secret once): the answer is the resource, with those fields beside its own.
    resource_key: str | None = None
    # A list of a described resource: `?search=` (where it has searchable fields) and
    # `?sort=-field,field` (its sortable fields), as the document's `$search` and `$orderBy`.
    listing: Resource | None = None

    @property
    def success_status(self) -> int:
        return 204 if self.shape is Shape.NO_CONTENT else self.status

    @property
    def path_parameters(self) -> tuple[str, ...]:
        """The path's `{name}` and `{name:path}` parameters, in order."""
        return tuple(re.findall(r"{(\w+)(?::\w+)?}", self.path))

    def known_query_parameters(self) -> frozenset[str]:
        """The query parameters the route reads; any other one is refused."""
        names = set(self.filters)
        if self.shape is Shape.PAGE:
            names |= {"page", "per_page"}
        if self.limit is not None:
            names.add("limit")
        if self.listing is not None:
            names.add("sort")
            if self.listing.searchable:
                names.add("search")
        return frozenset(names)

    def reshape(self, value: Any) -> Any:
        """The root field's value as the route answers it (`resource_key`)."""
        if self.resource_key is None or value is None:
            return value
        payload = dict(value)
        resource = payload.pop(self.resource_key)
        return {**resource, **payload}


def path_ids(**names: str) -> VariableMap:
    """Path parameters to variables: `path_ids(id="id", user_id="userId")`."""

    def build(call: Call) -> dict[str, Any]:
        return {variable: call.path[param] for param, variable in names.items()}

    return build


def body_input(*, path: dict[str, str] | None = None) -> VariableMap:
    """The JSON body, top-level keys camelCased, as `$input` (plus any path ids)."""

    def build(call: Call) -> dict[str, Any]:
        variables: dict[str, Any] = {var: call.path[param] for param, var in (path or {}).items()}
        variables["input"] = {camel(key): value for key, value in (call.body or {}).items()}
        return variables

    return build


def no_variables(call: Call) -> dict[str, Any]:
    return {}
