"""How a `scaigate serve` worker runs Python's garbage collector.

A nested GraphQL request allocates heavily, and under load CPython's default thresholds spent
a quarter to a half of a worker's CPU in the collector. So a worker

- freezes what is alive once start-up is done (modules, the schema, the engine), which no
  collection then looks at again;
- runs young collections less often (`THRESHOLDS`);
- and runs the full collections itself: with those thresholds CPython would seldom reach one,
  so objects that young collections moved to the oldest generation (for instance those of the
  requests in flight at the time) and that became cyclic garbage afterwards would be kept
  for good. Every `FULL_COLLECTION_INTERVAL` seconds, if a young collection has moved anything
  there since the last full collection, the worker collects fully. With start-up frozen, that
  looks only at what was allocated since; the pause is in `scaigate_gc_full_collection_seconds`.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from prometheus_client import Histogram

# A young-generation collection every 50,000 net allocations instead of every 700.
THRESHOLDS = (50_000, 20, 100)

FULL_COLLECTION_INTERVAL = 10.0
"""Seconds between full collections, at most one each (and none while nothing is promoted)."""

FULL_COLLECTION_SECONDS = Histogram(
    "scaigate_gc_full_collection_seconds",
    "Full garbage collections run by the worker, by duration (the event loop pauses that long).",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
)

Lifespan = Callable[[Any], AbstractAsyncContextManager[Any]]


def full_collection_due(promotions_since_full: int) -> bool:
    """Whether a full collection can find garbage that young ones cannot.

    `promotions_since_full` is how many collections of the middle generation have moved
    their survivors to the oldest one since the last full collection (CPython counts them:
    `gc.get_count()[2]`). Without any, the oldest generation holds nothing new: what it held
    after the last full collection was alive then, and frozen objects are not collected.
    """
    return promotions_since_full > 0


def collect_if_due() -> bool:
    """Runs a full collection if one is due; says whether it did."""
    if not full_collection_due(gc.get_count()[2]):
        return False
    started = time.perf_counter()
    gc.collect(2)
    FULL_COLLECTION_SECONDS.observe(time.perf_counter() - started)
    return True


async def collect_periodically(interval: float = FULL_COLLECTION_INTERVAL) -> None:
    """Runs `collect_if_due` every `interval` seconds until cancelled."""
    while True:
        await asyncio.sleep(interval)
        collect_if_due()


def tuned(lifespan: Lifespan) -> Lifespan:
    """`lifespan`, with the collector tuned for serving: `THRESHOLDS` from now on, what
    start-up left alive frozen, and the periodic full collections until the app stops."""
    gc.set_threshold(*THRESHOLDS)

    @asynccontextmanager
    async def serving(application: Any) -> AsyncIterator[Any]:
        async with lifespan(application) as state:
            gc.collect()
            gc.freeze()
            collector = asyncio.create_task(collect_periodically(), name="full-gc")
            application.state.full_collections = collector
            try:
                yield state
            finally:
                collector.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await collector

    return serving
