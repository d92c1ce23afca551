"""The operation limits a request runs under: the figures, with their defaults.

`core.settings.Settings` reads each from `SCAIGATE_LIMIT_…` (docs/graphql.md "Operation
limits" section); the schema enforces them (`schema.limits`). They travel with the request
in `RequestContext.operation_limits`, so GraphQL and REST executions obey the same ones.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.principals import Principal, Role

ANONYMOUS = "anonymous"


@dataclass(frozen=True, slots=True)
class OperationLimits:
    # Nesting below the root fields: `{ tenants { nodes { id } } }` has depth 2.
    max_depth: int = 12
    # Aliased fields in a whole document.
    max_aliases: int = 30
    # Distinct root fields (response keys) of the operation that runs.
    max_root_fields: int = 20
    # Lexical tokens of a document, comments included; parsing stops past it.
    max_tokens: int = 3_000
    # Estimated field executions, per role (see `schema.limits` for the estimate).
    cost_super_admin: int = 50_000
    cost_partner_admin: int = 25_000
    cost_tenant_admin: int = 10_000
    cost_platform: int = 10_000

    def budget(self, principal: Principal | None) -> tuple[str, int]:
        """The caller's role name and cost budget. A request without a token gets the
        smallest budget (it can reach no data anyway)."""
        if principal is None:
            return ANONYMOUS, min(self.cost_for(role) for role in Role)
        return principal.role.value, self.cost_for(principal.role)

    def cost_for(self, role: Role) -> int:
        budget: int = getattr(self, f"cost_{role.value}")
        return budget


DEFAULT_OPERATION_LIMITS = OperationLimits()
