"""Scalars the schema uses beyond the built-ins."""

from __future__ import annotations

from strawberry.scalars import JSON

__all__ = ["JSON"]
