"""Keyset pages: `first`/`after` forwards and `last`/`before` backwards, in one statement.

The page statement is the listed rows (scope, filter, search), past the cursor's position,
in the order (reversed when paging backwards, then read back in order), one row more than
asked to tell whether more follow. Nothing is counted or sorted in Python. `totalCount` is
counted only when asked for: by the page statement itself when the caller says beforehand
that it will be (`counted`: the total as a last column, an uncorrelated subquery the
database evaluates once), else, or when the page has no rows to carry it, by a second
statement.

Sibling `countBy` fields of one list (`byDay: countBy(field: CREATED_DAY) byResult:
countBy(field: RESULT)`) are counted together, in one statement over one scan where the
database can (`grouping.count_by_fields_statement`).

`pageInfo` follows Relay: paging forwards, `hasNextPage` says whether rows follow and
`hasPreviousPage` whether the page started after a cursor; backwards, the other way round.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.selectable import ScalarSelect

from core.principals import Principal
from resolvers.errors import BadInput
from resolvers.listing import cursors
from resolvers.listing.grouping import (
    GroupCount,
    count_by_fields_statement,
    group_field_name,
    grouped_keys,
)
from resolvers.listing.ordering import Order
from resolvers.pagination import decode_cursor, is_offset_cursor
from resolvers.rows import lean, lean_counted
from resolvers.shared_loader import SharedLoader

GroupCounter = Callable[[str | Enum], Awaitable[list[GroupCount]]]
MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20


@dataclass(frozen=True, slots=True)
class PageRequest:
    """At most `size` rows of `order` past `after` and short of `before`; `backwards` takes
    the last ones of that range rather than the first."""

    order: Order
    size: int
    after: tuple[Any, ...] | None = None
    before: tuple[Any, ...] | None = None
    backwards: bool = False
    # Rows to skip: an offset cursor (`offset:<n>`, issued before keyset cursors and still
    # what REST `?page=` sends) resumes after that many rows of the order.
    skip: int = 0

    @classmethod
    def from_relay(
        cls,
        order: Order,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> PageRequest:
        if first is not None and last is not None:
            raise BadInput("last", "cannot be given with first")
        backwards = last is not None
        size = last if last is not None else first if first is not None else DEFAULT_PAGE_SIZE
        if not 0 <= size <= MAX_PAGE_SIZE:
            raise BadInput(
                "last" if backwards else "first", f"must be between 0 and {MAX_PAGE_SIZE}"
            )
        skip = _offset(after, backwards)
        if skip is not None:
            return cls(
                order=order,
                size=size,
                before=cursors.decode(order, before, "before") if before is not None else None,
                skip=skip,
            )
        return cls(
            order=order,
            size=size,
            after=cursors.decode(order, after, "after") if after is not None else None,
            before=cursors.decode(order, before, "before") if before is not None else None,
            backwards=backwards,
        )

    def statement(self, listed: Select[Any]) -> Select[Any]:
        """`listed` narrowed to this page, one row over, in the order it is fetched."""
        statement = listed
        if self.after is not None:
            statement = statement.where(self.order.after(self.after))
        if self.before is not None:
            statement = statement.where(self.order.before(self.before))
        ordered = statement.order_by(*self.order.clauses(self.backwards))
        return ordered.offset(self.skip or None).limit(self.size + 1)

    def counted_statement(self, listed: Select[Any]) -> Select[Any]:
        """`statement`, with how many rows `listed` selects (no cursor) as its last column:
        an uncorrelated subquery, which the database evaluates once."""
        return self.statement(listed.add_columns(total_of(listed).label(TOTAL)))

    def page(
        self,
        fetched: Sequence[Any],
        count: Callable[[], Awaitable[int]],
        group: GroupCounter | None = None,
    ) -> Page:
        """The page from the rows `statement` fetched (in fetch order)."""
        rows = list(fetched[: self.size])
        more = len(fetched) > self.size
        if self.backwards:
            rows.reverse()
            return Page(rows, self, self.before is not None, more, count, group)
        return Page(rows, self, more, self.after is not None or self.skip > 0, count, group)


# The label of the total's column in a counted page statement.
TOTAL = "listed_total"


def total_of(listed: Select[Any]) -> ScalarSelect[int]:
    """How many rows `listed` selects, as a scalar subquery."""
    return select(func.count()).select_from(listed.order_by(None).subquery()).scalar_subquery()


def _offset(after: str | None, backwards: bool) -> int | None:
    """The rows an offset cursor skips, or None for any other cursor. A cursor that is an
    offset cursor but out of range is refused as such (`after: is past the furthest row`)."""
    if after is None or backwards:
        return None
    if not is_offset_cursor(after):
        return None
    return decode_cursor(after) + 1


@dataclass
class Page:
    rows: list[Any]
    request: PageRequest
    has_next: bool
    has_previous: bool
    count: Callable[[], Awaitable[int]]
    # `countBy(field:)` over the same rows as `count`, or None where the list has none.
    group: GroupCounter | None = None

    def cursor(self, row: Any) -> str:
        return cursors.encode(self.request.order, row)


async def fetch_page(
    read: Callable[[], Any],
    listed: Select[Any],
    request: PageRequest,
    principal: Principal | None = None,
    *,
    counted: bool = False,
) -> Page:
    """One page of the rows `listed` selects; its total counted only when asked for, by the
    page's own statement where `counted`."""
    total: int | None = None
    async with read() as session:
        session_: AsyncSession = session
        if counted:
            statement = request.counted_statement(listed)
            fetched, total = lean_counted(await session_.execute(statement))
        else:
            fetched = lean(await session_.execute(request.statement(listed)))

    async def count() -> int:
        if total is not None:
            return total
        async with read() as session:
            return int((await session.execute(select(total_of(listed)))).scalar_one())

    resource = request.order.resource

    async def count_fields(names: Sequence[str]) -> list[list[GroupCount]]:
        async with read() as session:
            session_: AsyncSession = session
            dialect = session_.get_bind().dialect.name
            statement = count_by_fields_statement(resource, listed, names, dialect)
            counted = (await session_.execute(statement)).all()
        return grouped_keys(resource, names, counted)

    groups: _GroupCounts | None = None  # made by the first countBy: most pages have none

    async def group(value: str | Enum) -> list[GroupCount]:
        nonlocal groups
        # Checked per field, so a field the caller may not count by fails alone.
        name = group_field_name(resource, value, principal=principal)
        if groups is None:
            groups = _GroupCounts(count_fields)
        return await groups.load(name)

    return request.page(fetched, count, group)


class _GroupCounts(SharedLoader[str, list[GroupCount]]):
    """One page's `countBy` fields, by descriptor field name: the siblings asked in the same
    tick are counted by one statement."""

    def __init__(self, count: Callable[[Sequence[str]], Awaitable[list[list[GroupCount]]]]):
        super().__init__()
        self.count = count

    async def batch_load_fn(self, names: Sequence[str]) -> list[list[GroupCount]]:
        return await self.count(list(names))
