"""The root list fields the planner runs itself, and the filters each one's arguments set.

Each entry restates the plain filter arguments the field's resolver (`resolvers.<resource>.list_`)
takes, `column = argument` for each one given a non-null value, beside the arguments every list
compiles through `resolvers.listing` (filter, order, search, keyset pages both ways). A root
field whose arguments are not exactly these is not planned, so that an argument added to the
schema but not here falls back rather than being ignored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from resolvers import resources
from resolvers.resources import Resource

PAGE_ARGUMENTS = frozenset({"first", "after"})
# The arguments of lists compiled by `resolvers.listing`, which the plan compiles through the
# same functions (`root_pages.py`).
LISTING_ARGUMENTS = frozenset({"filter", "orderBy", "search", "last", "before"})


@dataclass(frozen=True)
class RootList:
    resource: Resource
    filters: Mapping[str, str]  # GraphQL argument name -> column

    @property
    def arguments(self) -> frozenset[str]:
        # `search` is offered only where the resource has fields it matches.
        listing = LISTING_ARGUMENTS if self.resource.searchable else LISTING_ARGUMENTS - {"search"}
        return PAGE_ARGUMENTS | listing | frozenset(self.filters)


ROOT_LISTS: Mapping[str, RootList] = MappingProxyType(
    {
        "partners": RootList(resources.PARTNER, {"status": "status"}),
        "tenants": RootList(resources.TENANT, {"partnerId": "partner_id", "status": "status"}),
        "users": RootList(resources.USER, {"tenantId": "tenant_id", "status": "status"}),
        "groups": RootList(resources.GROUP, {"tenantId": "tenant_id"}),
        "applications": RootList(
            resources.APPLICATION, {"tenantId": "tenant_id", "level": "level"}
        ),
        "identityProviders": RootList(
            resources.IDENTITY_PROVIDER, {"tenantId": "tenant_id", "protocol": "protocol"}
        ),
        "agents": RootList(resources.AGENT, {"tenantId": "tenant_id"}),
        "auditEvents": RootList(resources.AUDIT_EVENT, {}),
    }
)
