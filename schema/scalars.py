"""Scalars the schema uses beyond the built-ins."""

from __future__ import annotations

from collections.abc import Mapping
from typing import NewType

import strawberry
from strawberry.scalars import JSON
from strawberry.types.scalar import ScalarDefinition

# GraphQL's Int is 32-bit: byte counts, token sums and costs outgrow it.
BigInt = NewType("BigInt", int)

SCALAR_MAP: Mapping[object, ScalarDefinition] = {
    BigInt: strawberry.scalar(
        name="BigInt",
        description="An integer that may exceed 32 bits (byte counts, token sums, costs); "
        "a JSON number, exact up to 2^53.",
        serialize=int,
        parse_value=int,
    ),
}

__all__ = ["JSON", "SCALAR_MAP", "BigInt"]
