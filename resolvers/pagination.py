"""Offset windows behind both Relay connections (`first`/`after`) and REST pages."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from resolvers.errors import BadInput
from resolvers.rows import lean

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
# The furthest a window may start. Far below the databases' 64-bit OFFSET, and past any
# table this gateway serves: a larger page or cursor is a client's mistake, refused by name.
MAX_OFFSET = 1_000_000_000
MAX_PAGE = MAX_OFFSET // MAX_PAGE_SIZE  # REST `?page=`: its window starts by MAX_OFFSET
_CURSOR_PREFIX = "offset:"
_DIGITS = re.compile(r"[0-9]+")
_PAST_ANY_MAXIMUM = 10**19


def parse_count(text: str) -> int | None:
    """A non-negative integer written in ASCII digits, or None (`str.isdigit` also takes
    '٣' and '²'). A number longer than 19 digits reads as one past every maximum here, so
    that no client-sized string of digits is ever converted."""
    if _DIGITS.fullmatch(text) is None:
        return None
    digits = text.lstrip("0") or "0"
    return int(digits) if len(digits) < 20 else _PAST_ANY_MAXIMUM


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"{_CURSOR_PREFIX}{offset}".encode()).decode()


def is_offset_cursor(cursor: str) -> bool:
    """Whether `cursor` is written as an offset cursor (well-formed or not)."""
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (binascii.Error, UnicodeError, ValueError):
        return False
    return text.startswith(_CURSOR_PREFIX)


def decode_cursor(cursor: str, argument: str = "after") -> int:
    not_a_cursor = BadInput(argument, "is not a cursor returned by this API")
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (binascii.Error, UnicodeError, ValueError) as exc:
        raise not_a_cursor from exc
    offset = parse_count(text[len(_CURSOR_PREFIX) :])
    if not text.startswith(_CURSOR_PREFIX) or offset is None:
        raise not_a_cursor
    if offset >= MAX_OFFSET:
        raise BadInput(argument, f"is past the furthest row this API pages to ({MAX_OFFSET:,})")
    return offset


@dataclass(frozen=True, slots=True)
class Window:
    """`limit` rows starting after `offset` rows."""

    offset: int
    limit: int

    @classmethod
    def from_relay(cls, first: int | None, after: str | None) -> Window:
        size = DEFAULT_PAGE_SIZE if first is None else first
        if not 0 <= size <= MAX_PAGE_SIZE:
            raise BadInput("first", f"must be between 0 and {MAX_PAGE_SIZE}")
        offset = decode_cursor(after) + 1 if after is not None else 0
        return cls(offset=offset, limit=size)


@dataclass
class Slice:
    """One window of rows, with the total counted only when someone asks for it."""

    rows: Sequence[Any]
    window: Window
    has_next: bool
    count: Callable[[], Awaitable[int]]

    @property
    def has_previous(self) -> bool:
        return self.window.offset > 0


async def fetch_slice(
    read: Callable[[], Any], statement: Select[Any], order_by: Any, window: Window
) -> Slice:
    """Runs `statement` for one window (one extra row tells whether more follow)."""
    async with read() as session:
        session_: AsyncSession = session
        result = await session_.execute(
            statement.order_by(order_by).offset(window.offset).limit(window.limit + 1)
        )
        rows = lean(result)

    async def count() -> int:
        async with read() as session:
            counted = select(func.count()).select_from(statement.order_by(None).subquery())
            return int((await session.execute(counted)).scalar_one())

    return Slice(
        rows=rows[: window.limit],
        window=window,
        has_next=len(rows) > window.limit,
        count=count,
    )
