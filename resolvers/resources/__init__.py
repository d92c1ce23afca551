"""Resource descriptors: each resource declared once, and the lookups derived from them.

`RESOURCES` holds every descriptor; `NON_RESOURCES` names every other table in `db.models`
and why it has none, so that a new model is either described or explained
(tests/resolvers/test_resources.py holds the line).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from db.ids import IdPrefix
from resolvers.resources.collaboration import MODEL_PARTICIPANT
from resolvers.resources.identity import (
    AGENT,
    APPLICATION,
    AUDIT_EVENT,
    GROUP,
    IDENTITY_PROVIDER,
    PARTNER,
    SSO_SESSION,
    TENANT,
    USER,
)
from resolvers.resources.resource import OwnerKind, Resource

__all__ = [
    "AGENT",
    "APPLICATION",
    "AUDIT_EVENT",
    "BY_GRAPHQL_TYPE",
    "BY_NAME",
    "BY_PREFIX",
    "GROUP",
    "IDENTITY_PROVIDER",
    "MODEL_PARTICIPANT",
    "NON_RESOURCES",
    "NON_RESOURCE_PREFIXES",
    "PARTNER",
    "PARTNER_CASCADE",
    "RESOURCES",
    "SSO_SESSION",
    "TENANT",
    "TENANT_CASCADE",
    "USER",
    "Resource",
]

RESOURCES: tuple[Resource, ...] = (
    PARTNER,
    TENANT,
    USER,
    GROUP,
    APPLICATION,
    IDENTITY_PROVIDER,
    AGENT,
    SSO_SESSION,
    AUDIT_EVENT,
    MODEL_PARTICIPANT,
)

BY_NAME: Mapping[str, Resource] = MappingProxyType({r.name: r for r in RESOURCES})
BY_PREFIX: Mapping[IdPrefix, Resource] = MappingProxyType({r.prefix: r for r in RESOURCES})
BY_GRAPHQL_TYPE: Mapping[str, Resource] = MappingProxyType({r.graphql_type: r for r in RESOURCES})


def _cascade(kind: OwnerKind) -> tuple[Resource, ...]:
    return tuple(
        r for r in RESOURCES if r.soft_delete and r.owner is not None and r.owner.kind is kind
    )


# What a tenant's deletion soft-deletes with it, in the same transaction.
TENANT_CASCADE: tuple[Resource, ...] = _cascade(OwnerKind.TENANT)
# What a partner's deletion soft-deletes with it (its tenants), in the same transaction; each
# of its tenants' own cascade runs too.
PARTNER_CASCADE: tuple[Resource, ...] = _cascade(OwnerKind.PARTNER)

NON_RESOURCES: Mapping[str, str] = MappingProxyType(
    {
        "group_members": "link table of groups.members and users.groups",
        "group_nesting": "link table of groups.children and groups.parents",
        "tenant_ai_configs": "one row of settings per tenant, read and written through it",
        "note_processing_settings": "one row of settings per tenant, read and written through it",
        "prompt_studio_settings": "one row of settings per tenant, read and written through it",
        "prompt_studio_allowlist": "entries of a tenant's prompt studio settings",
        "tenant_plugins": "a tenant's plugin switches, keyed by tenant and plugin slug",
        "plugins": "the platform's plugin catalog, keyed by slug; no id prefix",
        "model_catalog": "the platform's model catalog, keyed by slug; no id prefix",
        "rooms": "counted by collaboration statistics; no API reads a room",
        "room_participants": "who takes part in a room; counted by statistics only",
        "ai_usage_records": "append-only usage figures, aggregated by statistics only",
        "storage_objects": "stored bytes, aggregated by statistics only",
        "persisted_operations": "the gateway's registered GraphQL documents, not admin data",
        "scim_tokens": "a tenant's provisioning credentials: created, listed and revoked "
        "through their tenant (resolvers.scim_tokens), never a node or a list of the graph",
    }
)

# Id prefixes whose rows are not (yet) served as resources; see NON_RESOURCES.
NON_RESOURCE_PREFIXES: frozenset[IdPrefix] = frozenset(
    {IdPrefix.ROOM, IdPrefix.AI_USAGE, IdPrefix.STORAGE_OBJECT, IdPrefix.SCIM_TOKEN}
)
