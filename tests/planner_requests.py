"""A request of the planner's corpus (`tests.planner_corpus`): a document, the variables it
sends in the planner's world, and the cursors its variables name."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from resolvers.listing import cursors, parse_order
from resolvers.resources import Resource
from tests.security.principals import World


def keyset(resource: Resource, order: list[str], **position: Any) -> str:
    """The cursor of a position (a row, or values named by column) in an order."""
    return cursors.encode(parse_order(resource, order), SimpleNamespace(**position))


ADA = "Ada \u00dc. Lovelace"


@dataclass(frozen=True)
class Request:
    name: str
    document: str
    variables: Callable[[World], dict[str, Any]] = field(default=lambda world: {})
    operation_name: str | None = None
    several_roots: bool = False  # root fields that a caller may be refused concurrently
