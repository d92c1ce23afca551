"""The expected decision for every (policy, caller): written out, not derived from the code.

Outcomes: "ok" (allowed, the target is in the answer), "hidden" (a list answers but without
the target), 401, 403, 404.
"""

from __future__ import annotations

from enum import Enum

from tests.security.principals import Caller

Outcome = str | int

_UNAUTHENTICATED: dict[Caller, Outcome] = {
    Caller.NO_TOKEN: 401,
    Caller.EXPIRED: 401,
    Caller.BAD_SIGNATURE: 401,
}


class Policy(Enum):
    SUPER_ADMIN_ONLY = "partners: super_admin only"
    READ_ONE = "read one object of tenant T"
    READ_LIST = "list that should include an object of tenant T"
    PLATFORM_TIER_WRITE = "tenant writes: super_admin and platform admin:write"
    TENANT_WRITE = "write an object of tenant T"
    GLOBAL_READ_ONE = "read a GLOBAL application"
    GLOBAL_WRITE = "write a GLOBAL application"
    ANY_PRINCIPAL = "viewer: any authenticated caller"
    PARTNER_FLEET_ONE = "ScaiWave partners: super admin any, partner admin its own partner P"
    PARTNER_FLEET_LIST = "ScaiWave partners: a list that should include partner P"
    SCOPED_READ = "a read every admin may make, answered within the caller's own scope"
    PARTNER_BY_NODE = "partner P by node(id:): its row scope, platform-wide callers and P's admin"
    PARTNER_OF_T = "tenant T's partner, read through T: hidden from T's own admin"


EXPECTED: dict[Policy, dict[Caller, Outcome]] = {
    Policy.SUPER_ADMIN_ONLY: {
        Caller.SUPER_ADMIN: "ok",
        Caller.PARTNER_ADMIN_OWNING: 403,
        Caller.PARTNER_ADMIN_OTHER: 403,
        Caller.TENANT_ADMIN_OWNING: 403,
        Caller.TENANT_ADMIN_SIBLING: 403,
        Caller.PLATFORM_READ: 403,
        Caller.PLATFORM_READ_WRITE: 403,
        Caller.PLATFORM_NO_SCOPE: 403,
        **_UNAUTHENTICATED,
    },
    Policy.READ_ONE: {
        Caller.SUPER_ADMIN: "ok",
        Caller.PARTNER_ADMIN_OWNING: "ok",
        Caller.PARTNER_ADMIN_OTHER: 404,
        Caller.TENANT_ADMIN_OWNING: "ok",
        Caller.TENANT_ADMIN_SIBLING: 404,
        Caller.PLATFORM_READ: "ok",
        Caller.PLATFORM_READ_WRITE: "ok",
        Caller.PLATFORM_NO_SCOPE: 403,
        **_UNAUTHENTICATED,
    },
    Policy.READ_LIST: {
        Caller.SUPER_ADMIN: "ok",
        Caller.PARTNER_ADMIN_OWNING: "ok",
        Caller.PARTNER_ADMIN_OTHER: "hidden",
        Caller.TENANT_ADMIN_OWNING: "ok",
        Caller.TENANT_ADMIN_SIBLING: "hidden",
        Caller.PLATFORM_READ: "ok",
        Caller.PLATFORM_READ_WRITE: "ok",
        Caller.PLATFORM_NO_SCOPE: 403,
        **_UNAUTHENTICATED,
    },
    Policy.PLATFORM_TIER_WRITE: {
        Caller.SUPER_ADMIN: "ok",
        Caller.PARTNER_ADMIN_OWNING: 403,
        Caller.PARTNER_ADMIN_OTHER: 403,
        Caller.TENANT_ADMIN_OWNING: 403,
        Caller.TENANT_ADMIN_SIBLING: 403,
        Caller.PLATFORM_READ: 403,
        Caller.PLATFORM_READ_WRITE: "ok",
        Caller.PLATFORM_NO_SCOPE: 403,
        **_UNAUTHENTICATED,
    },
    Policy.TENANT_WRITE: {
        Caller.SUPER_ADMIN: "ok",
        Caller.PARTNER_ADMIN_OWNING: "ok",
        Caller.PARTNER_ADMIN_OTHER: 404,
        Caller.TENANT_ADMIN_OWNING: "ok",
        Caller.TENANT_ADMIN_SIBLING: 404,
        Caller.PLATFORM_READ: 403,
        Caller.PLATFORM_READ_WRITE: "ok",
        Caller.PLATFORM_NO_SCOPE: 403,
        **_UNAUTHENTICATED,
    },
    Policy.GLOBAL_READ_ONE: {
        Caller.SUPER_ADMIN: "ok",
        Caller.PARTNER_ADMIN_OWNING: "ok",
        Caller.PARTNER_ADMIN_OTHER: "ok",
        Caller.TENANT_ADMIN_OWNING: "ok",
        Caller.TENANT_ADMIN_SIBLING: "ok",
        Caller.PLATFORM_READ: "ok",
        Caller.PLATFORM_READ_WRITE: "ok",
        Caller.PLATFORM_NO_SCOPE: 403,
        **_UNAUTHENTICATED,
    },
    Policy.GLOBAL_WRITE: {
        Caller.SUPER_ADMIN: "ok",
        Caller.PARTNER_ADMIN_OWNING: 403,
        Caller.PARTNER_ADMIN_OTHER: 403,
        Caller.TENANT_ADMIN_OWNING: 403,
        Caller.TENANT_ADMIN_SIBLING: 403,
        Caller.PLATFORM_READ: 403,
        Caller.PLATFORM_READ_WRITE: "ok",
        Caller.PLATFORM_NO_SCOPE: 403,
        **_UNAUTHENTICATED,
    },
    Policy.ANY_PRINCIPAL: {
        **{caller: "ok" for caller in Caller},
        **_UNAUTHENTICATED,
    },
    Policy.PARTNER_FLEET_ONE: {
        Caller.SUPER_ADMIN: "ok",
        Caller.PARTNER_ADMIN_OWNING: "ok",
        Caller.PARTNER_ADMIN_OTHER: 404,
        Caller.TENANT_ADMIN_OWNING: 403,
        Caller.TENANT_ADMIN_SIBLING: 403,
        Caller.PLATFORM_READ: 403,
        Caller.PLATFORM_READ_WRITE: 403,
        Caller.PLATFORM_NO_SCOPE: 403,
        **_UNAUTHENTICATED,
    },
    Policy.PARTNER_FLEET_LIST: {
        Caller.SUPER_ADMIN: "ok",
        Caller.PARTNER_ADMIN_OWNING: "ok",
        Caller.PARTNER_ADMIN_OTHER: "hidden",
        Caller.TENANT_ADMIN_OWNING: 403,
        Caller.TENANT_ADMIN_SIBLING: 403,
        Caller.PLATFORM_READ: 403,
        Caller.PLATFORM_READ_WRITE: 403,
        Caller.PLATFORM_NO_SCOPE: 403,
        **_UNAUTHENTICATED,
    },
    # node(id:) answers within the partner's row scope (`access.visible_partners`): unlike
    # `partner(id:)` (super admin only), platform tokens that may read see partners, and a
    # partner admin its own; to anyone else the partner does not exist.
    Policy.PARTNER_BY_NODE: {
        Caller.SUPER_ADMIN: "ok",
        Caller.PARTNER_ADMIN_OWNING: "ok",
        Caller.PARTNER_ADMIN_OTHER: 404,
        Caller.TENANT_ADMIN_OWNING: 404,
        Caller.TENANT_ADMIN_SIBLING: 404,
        Caller.PLATFORM_READ: "ok",
        Caller.PLATFORM_READ_WRITE: "ok",
        Caller.PLATFORM_NO_SCOPE: 403,
        **_UNAUTHENTICATED,
    },
    Policy.PARTNER_OF_T: {
        Caller.SUPER_ADMIN: "ok",
        Caller.PARTNER_ADMIN_OWNING: "ok",
        Caller.PARTNER_ADMIN_OTHER: 404,
        Caller.TENANT_ADMIN_OWNING: "hidden",
        Caller.TENANT_ADMIN_SIBLING: 404,
        Caller.PLATFORM_READ: "ok",
        Caller.PLATFORM_READ_WRITE: "ok",
        Caller.PLATFORM_NO_SCOPE: 403,
        **_UNAUTHENTICATED,
    },
    Policy.SCOPED_READ: {
        **{caller: "ok" for caller in Caller},
        Caller.PLATFORM_NO_SCOPE: 403,
        **_UNAUTHENTICATED,
    },
}

# Policies whose fields admit no platform token at all: refused by role, "Access denied".
PLATFORM_REFUSED_BY_ROLE = {
    Policy.SUPER_ADMIN_ONLY,
    Policy.PARTNER_FLEET_ONE,
    Policy.PARTNER_FLEET_LIST,
}
# Reads that are not about one target object: a scope-less platform token gets the read message.
SCOPED_READS = {Policy.SCOPED_READ}

# The exact 403 messages a platform token without the scope gets.
SCOPE_MESSAGES = {
    "read": "Platform token requires admin:read or admin:write scope",
    "write": "Platform token requires admin:write scope",
}
