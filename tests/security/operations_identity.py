"""Matrix operations: identity providers and MCP agents."""

from __future__ import annotations

from tests.security.operations import Operation

OPERATIONS: list[Operation] = []
