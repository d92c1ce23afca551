"""Relation pages loaded ahead of the executor, level by level, for whole lists of rows."""

from schema.prefetch.levels import prefetch_below, prefetched
from schema.prefetch.pages import stored_page

__all__ = ["prefetch_below", "prefetched", "stored_page"]
