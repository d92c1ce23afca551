"""All operations of the authorization matrix: the reads derived from the resource descriptors
(`operations_resources`) and one module per API area for the rest."""

from __future__ import annotations

from tests.security import (
    operations,
    operations_audit,
    operations_collaboration,
    operations_collaboration_admin,
    operations_identity,
    operations_resources,
    operations_scim_tokens,
    operations_sessions,
)
from tests.security.operations import Operation

OPERATIONS: list[Operation] = [
    *operations_resources.OPERATIONS,
    *operations.FOUNDATION,
    *operations_identity.OPERATIONS,
    *operations_sessions.OPERATIONS,
    *operations_scim_tokens.OPERATIONS,
    *operations_audit.OPERATIONS,
    *operations_collaboration.OPERATIONS,
    *operations_collaboration_admin.OPERATIONS,
]
