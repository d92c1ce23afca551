"""Matrix operations: the audit log and the dashboard."""

from __future__ import annotations

from tests.security.operations import Operation

OPERATIONS: list[Operation] = []
