"""The root list fields the planner runs itself, and the filters each one's arguments set.

Each entry restates what the field's resolver (`resolvers.<resource>.list_`) filters on, in
the same terms: rows of the descriptor's table, not soft-deleted, within the descriptor's row
scope, with `column = argument` for each filter argument given a non-null value, ordered by
id. A root field whose arguments are not exactly `first`, `after` and these filters is not
planned, so that an argument added to the schema but not here falls back rather than being
ignored.
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
    # Whether the list takes `LISTING_ARGUMENTS` and answers keyset cursors
    # (`resolvers.listing.cursors`), rather than offset cursors.
    listing: bool = False

    @property
    def arguments(self) -> frozenset[str]:
        extra = LISTING_ARGUMENTS if self.listing else frozenset()
        return PAGE_ARGUMENTS | frozenset(self.filters) | extra


ROOT_LISTS: Mapping[str, RootList] = MappingProxyType(
    {
        "partners": RootList(resources.PARTNER, {"status": "status"}, listing=True),
        "tenants": RootList(
            resources.TENANT, {"partnerId": "partner_id", "status": "status"}, listing=True
        ),
        "users": RootList(
            resources.USER, {"tenantId": "tenant_id", "status": "status"}, listing=True
        ),
        "groups": RootList(resources.GROUP, {"tenantId": "tenant_id"}, listing=True),
        "applications": RootList(
            resources.APPLICATION, {"tenantId": "tenant_id", "level": "level"}, listing=True
        ),
        "identityProviders": RootList(
            resources.IDENTITY_PROVIDER,
            {"tenantId": "tenant_id", "protocol": "protocol"},
            listing=True,
        ),
        "agents": RootList(resources.AGENT, {"tenantId": "tenant_id"}, listing=True),
    }
)
