"""The worker's full garbage collections: when one is due, and what it frees."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from contextlib import contextmanager

from prometheus_client import REGISTRY

from gateway.garbage_collection import collect_if_due, full_collection_due


class Node:
    """A cycle-forming object that can be watched through a weak reference."""

    def __init__(self) -> None:
        self.peer: Node | None = None


@contextmanager
def automatic_collection_paused() -> Iterator[None]:
    """Only the collections the test runs itself, so that none frees its garbage first."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def full_collections_observed() -> float:
    return REGISTRY.get_sample_value("scaigate_gc_full_collection_seconds_count") or 0.0


def promoted_cycle() -> weakref.ref[Node]:
    """A reference cycle that a young collection moved to the oldest generation while it was
    alive, and that is garbage now."""
    first, second = Node(), Node()
    first.peer, second.peer = second, first
    gc.collect(1)  # survivors of the middle generation move to the oldest
    return weakref.ref(first)


class TestFullCollectionDue:
    def test_not_due_while_nothing_was_promoted_since_the_last_one(self) -> None:
        assert full_collection_due(0) is False

    def test_due_once_a_young_collection_promoted_survivors(self) -> None:
        assert full_collection_due(1) is True
        assert full_collection_due(20) is True


class TestCollectIfDue:
    def test_frees_garbage_that_young_collections_promoted(self) -> None:
        with automatic_collection_paused():
            # given
            watched = promoted_cycle()
            gc.collect(1)
            assert watched() is not None, "young collections leave it to a full one"
            observed = full_collections_observed()

            # when
            collected = collect_if_due()

            # then
            assert collected is True
            assert watched() is None
            assert gc.get_count()[2] == 0
            assert full_collections_observed() == observed + 1

    def test_skips_when_nothing_was_promoted_since_the_last_full_collection(self) -> None:
        with automatic_collection_paused():
            # given
            gc.collect(2)
            observed = full_collections_observed()

            # when
            collected = collect_if_due()

            # then
            assert collected is False
            assert full_collections_observed() == observed
