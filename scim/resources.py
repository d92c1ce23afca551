"""What the SCIM endpoints share across resource types: the descriptor of a SCIM resource,
ETags, and list queries compiled through `resolvers.listing` (scope ANDed, never in Python).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from scim2_models import Meta
from sqlalchemy import func, select

from resolvers.context import RequestContext
from resolvers.errors import BadInput
from resolvers.listing import Listing, parse_order, select_listed
from resolvers.resources import Resource
from scim.audited_reads import Audit, read_audited
from scim.errors import ScimError
from scim.filters import Schema, to_listing_filter

MAX_RESULTS = 100  # ServiceProviderConfig filter.maxResults: the most one page holds


@dataclass(frozen=True)
class ScimResource:
    name: str  # `User`
    endpoint: str  # `/Users`
    schema: str  # its core schema URN
    model: Any  # the scim2-models class
    resource: Resource  # the descriptor its rows are read through
    filter_schema: Schema
    sort_fields: Mapping[str, str]  # lowercased SCIM path → the listing order's field

    def meta(self, row: Any, base: str) -> Meta:
        """A row's `meta`: its times, its location under `base`, its version (the ETag)."""
        return Meta(
            resource_type=self.name,
            created=row.created_at,
            last_modified=row.updated_at,
            location=f"{base}{self.endpoint}/{row.id}",
            version=etag(row.updated_at),
        )


def etag(updated_at: datetime) -> str:
    """A weak ETag that changes with every write of the row (`updated_at` to the µs)."""
    return f'W/"{int(updated_at.timestamp() * 1_000_000):x}"'


@dataclass(frozen=True)
class ListRequest:
    filter: str | None = None
    sort_by: str | None = None
    sort_order: str | None = None
    start_index: int = 1
    count: int = MAX_RESULTS


async def list_rows(
    context: RequestContext,
    tenant_id: str,
    scim: ScimResource,
    request: ListRequest,
    *,
    columns: Sequence[Any] = (),
    event: Audit | None = None,
) -> tuple[int, list[Any]]:
    """The total and one page (`startIndex` is 1-based) of the tenant's rows that match, with
    `columns` beside each row's own; `event` audits the read (`scim.audited_reads`)."""
    condition = to_listing_filter(request.filter, scim.filter_schema)
    order_by: list[str] = []
    if request.sort_by:
        field = scim.sort_fields.get(request.sort_by.lower())
        if field is None:
            raise ScimError(400, f"Cannot sort by '{request.sort_by}'", "invalidValue")
        direction = "DESC" if (request.sort_order or "").lower() == "descending" else "ASC"
        order_by.append(f"{field}_{direction}")
    resource = scim.resource
    try:
        order = parse_order(resource, order_by)
        listed = select_listed(
            resource,
            context.actor,
            Listing(filter=condition),
            resource.table.c.tenant_id == tenant_id,
        )
    except BadInput as exc:
        raise ScimError(400, exc.message, "invalidFilter") from exc
    start = max(request.start_index, 1)
    count = min(max(request.count, 0), MAX_RESULTS)
    page = listed.add_columns(*columns).offset(start - 1).limit(count)
    rows = await read_audited(context, page, order.clauses(), event)
    if 0 < len(rows) < count or (not rows and start == 1 and count):
        # The page ran past the last row, so the rows before it and on it are all there are:
        # the total is exact without counting (a look-up by userName is always this case).
        return start - 1 + len(rows), rows
    counted = select(func.count()).select_from(listed.subquery())
    async with context.read() as session:
        total = int((await session.execute(counted)).scalar_one())
    return total, rows


async def get_row(
    context: RequestContext,
    tenant_id: str,
    scim: ScimResource,
    row_id: str,
    *,
    columns: Sequence[Any] = (),
    event: Audit | None = None,
) -> Any:
    """The tenant's row `row_id` (404 if the caller cannot see it), with `columns`; `event`
    audits the read when it finds the row."""
    resource = scim.resource
    statement = select_listed(
        resource,
        context.actor,
        Listing(),
        resource.table.c.tenant_id == tenant_id,
        resource.table.c.id == row_id,
    ).add_columns(*columns)
    rows = await read_audited(context, statement, (), event)
    if not rows:
        raise ScimError(404, f"{scim.name} {row_id} not found")
    return rows[0]
