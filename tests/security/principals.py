"""The callers of the authorization matrix, and the world they are placed in.

World: partner P owns tenants T (the target's tenant) and S (T's sibling); partner Q owns
tenant U. Every target object of the matrix lives in T (or is GLOBAL).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from db.models import Partner, Tenant
from tests.tokens import Tokens


class Caller(Enum):
    SUPER_ADMIN = "super_admin"
    PARTNER_ADMIN_OWNING = "partner_admin(P)"
    PARTNER_ADMIN_OTHER = "partner_admin(Q)"
    TENANT_ADMIN_OWNING = "tenant_admin(T)"
    TENANT_ADMIN_SIBLING = "tenant_admin(S)"
    PLATFORM_READ = "platform[admin:read]"
    PLATFORM_READ_WRITE = "platform[admin:read admin:write]"
    PLATFORM_NO_SCOPE = "platform[]"
    NO_TOKEN = "no token"
    EXPIRED = "expired token"
    BAD_SIGNATURE = "badly signed token"


@dataclass(frozen=True)
class World:
    partner: Partner  # P
    other_partner: Partner  # Q
    tenant: Tenant  # T, under P
    sibling: Tenant  # S, under P
    foreign: Tenant  # U, under Q


def token_for(caller: Caller, world: World, tokens: Tokens) -> str | None:
    issue: dict[Caller, Callable[[], str | None]] = {
        Caller.SUPER_ADMIN: tokens.super_admin,
        Caller.PARTNER_ADMIN_OWNING: lambda: tokens.partner_admin(world.partner.id),
        Caller.PARTNER_ADMIN_OTHER: lambda: tokens.partner_admin(world.other_partner.id),
        Caller.TENANT_ADMIN_OWNING: lambda: tokens.tenant_admin(world.tenant.id),
        Caller.TENANT_ADMIN_SIBLING: lambda: tokens.tenant_admin(world.sibling.id),
        Caller.PLATFORM_READ: lambda: tokens.platform("admin:read"),
        Caller.PLATFORM_READ_WRITE: lambda: tokens.platform("admin:read", "admin:write"),
        Caller.PLATFORM_NO_SCOPE: lambda: tokens.platform(),
        Caller.NO_TOKEN: lambda: None,
        Caller.EXPIRED: tokens.expired,
        Caller.BAD_SIGNATURE: tokens.badly_signed,
    }
    return issue[caller]()
