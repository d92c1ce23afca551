"""What a read needs of its request: whose rows it may read, and a session of its own.

`RequestContext` provides it. It sits below both the loaders and the listing compiler, which
the loaders use to page relations, so neither imports the other for it.
"""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from core.principals import Principal


class Reader(Protocol):
    """What a loader needs of its request (a `RequestContext`): whose rows it may read, and a
    session of its own for each batch, since loaders dispatch concurrently."""

    @property
    def actor(self) -> Principal: ...

    def read(self) -> AbstractAsyncContextManager[AsyncSession]: ...
