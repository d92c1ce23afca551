"""Matrix operations: SSO sessions."""

from __future__ import annotations

from tests.security.operations import Operation

OPERATIONS: list[Operation] = []
