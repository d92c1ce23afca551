"""`SharedLoader`: a DataLoader whose callers each await their own view of a key's future."""

from __future__ import annotations

import asyncio
from typing import TypeVar

from aiodataloader import DataLoader

K = TypeVar("K")
V = TypeVar("V")


class SharedLoader(DataLoader[K, V]):
    """A loader whose callers each await their own view of a key's shared future.

    graphql-core cancels the sibling fields of a non-null field that fails, and a task
    cancelled while it awaits a future cancels that future: without the shield, every other
    field waiting for the same key (another root field, say) would be cancelled with it and
    the request would end in `CancelledError` instead of an answer.
    """

    def load(self, key: K) -> asyncio.Future[V]:
        return asyncio.shield(super().load(key))
