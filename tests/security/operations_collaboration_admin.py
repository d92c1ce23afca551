"""Matrix operations: prompt studio, note processing, stats, audit, tenants, partners."""

from __future__ import annotations

from tests.security.operations import Operation

OPERATIONS: list[Operation] = []
