"""Selections for REST documents: snake_case aliases over the camelCase schema fields."""

from __future__ import annotations

import re


def snake(name: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def selection(fields: str) -> str:
    """`"id contact_email"` → `"id contact_email: contactEmail"` (REST keys stay snake_case)."""
    parts = []
    for name in fields.split():
        parts.append(name if camel(name) == name else f"{name}: {camel(name)}")
    return " ".join(parts)
