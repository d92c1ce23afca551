"""Prefetched pages, kept on their parent rows until the relation resolvers read them.

Completing a prefetched tree synchronously runs deep: about 4 KiB of interpreter stack per
level of rows. CPython 3.11 grows that stack in 16 KiB chunks and frees a chunk as soon as
it is unwound, so leaf calls that keep crossing a chunk boundary map and unmap memory each
time (python/cpython#142183; on the nested dashboard query that cost more system time than
the synchronous resolvers saved). So the pages of every third level are marked `resume`:
their resolver hands them over through an awaitable, and the completion below them restarts
from a shallow stack, for one task per parent row of that level only.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any, NamedTuple

from schema.connection import Connection

PREFETCHED = "_prefetched"
"""The row attribute holding its pages: {(relation name, arguments): StoredPage}, the
arguments a `RelationListing` (a described relation) or `(first, after)` (a closure)."""

RESUME_EVERY = 3
"""Levels of rows completed in one synchronous run, at most."""

PageKey = tuple[str, Hashable]


class StoredPage(NamedTuple):
    connection: Connection[Any]
    resume: bool


def resumes_below(depth: int) -> bool:
    """Whether pages of rows `depth` levels below a prefetch's first rows are resumed."""
    return depth % RESUME_EVERY == 1


def store_page(row: Any, key: PageKey, page: StoredPage) -> None:
    pages: dict[PageKey, StoredPage] | None = getattr(row, PREFETCHED, None)
    if pages is None:
        pages = {}
        setattr(row, PREFETCHED, pages)
    pages[key] = page


def stored_page(row: Any, relation: str, arguments: Hashable) -> StoredPage | None:
    pages: dict[PageKey, StoredPage] | None = getattr(row, PREFETCHED, None)
    return None if pages is None else pages.get((relation, arguments))
