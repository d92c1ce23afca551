"""Matrix operations: tenant AI settings, model catalog, plugins, participants (ScaiWave)."""

from __future__ import annotations

from tests.security.operations import Operation

OPERATIONS: list[Operation] = []
