"""Turning Strawberry inputs into the plain field dicts resolvers take."""

from __future__ import annotations

import dataclasses
from enum import Enum
from typing import Any

import strawberry


def provided_fields(value: Any) -> dict[str, Any]:
    """The fields a client actually sent (UNSET ones left out), by snake_case name."""
    fields: dict[str, Any] = {}
    for field in dataclasses.fields(value):
        item = getattr(value, field.name)
        if item is strawberry.UNSET:
            continue
        fields[field.name] = item.value if isinstance(item, Enum) else item
    return fields
