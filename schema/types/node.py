"""The Node interface for prefixed IDs (`usr_…`), dispatched on the prefix."""

from __future__ import annotations

from typing import Any

import strawberry

from db.ids import IdPrefix


@strawberry.interface(description="An object with a prefixed, globally unique ID.")
class Node:
    id: strawberry.ID


def is_row_of(prefix: IdPrefix) -> Any:
    """`is_type_of` for a type whose resolvers return plain rows: the ID prefix tells."""
    marker = f"{prefix.value}_"

    def is_type_of(cls: Any, obj: Any, _info: Any) -> bool:
        value = getattr(obj, "id", None)
        return isinstance(value, str) and value.startswith(marker)

    return classmethod(is_type_of)
