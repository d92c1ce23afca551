"""Seed data: the small demo data set and generated data sets of any size for benchmarks.

Rows go in with bulk Core inserts, a batch of tenants at a time, all in one transaction: a
seed either lands completely or not at all. A database that already has partners is left as
it is, so seeding is safe to repeat.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from argon2 import PasswordHasher
from sqlalchemy import func, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from db.base import utcnow
from db.engine import create_engine
from db.enums import (
    AdminRole,
    ApplicationLevel,
    ApplicationType,
    TenantStatus,
    UserStatus,
)
from db.ids import IdPrefix, new_id
from db.models import Application, Group, GroupMember, GroupNesting, Partner, Tenant, User
from db.seed_collaboration import write_collaboration
from db.seed_collaboration_activity import write_collaboration_activity
from db.seed_identity import write_identity
from db.seed_rows import ProgressCallback, RowWriter, partner_row, tenant_row, user_row

# About this many rows per batch of tenants: large enough for fast inserts, small enough to
# keep memory flat and progress moving.
_ROWS_PER_BATCH = 20_000

_PARTNER_NAMES = (
    "Northwind Cloud", "Blue Harbor IT", "Alpine Systems", "Meridian Digital", "Lakeside Networks",
    "Cobalt Consulting", "Redwood Managed Services", "Summit Partners", "Harbor & Pine",
    "Silverline Solutions",
)  # fmt: skip
_TENANT_NAMES = (
    "Acme Corporation", "Globex", "Initech", "Umbrella Health", "Stark Logistics", "Wayne Foods",
    "Hooli", "Vandelay Industries", "Soylent Labs", "Wonka Confectionery", "Cyberdyne Robotics",
    "Tyrell Biotech", "Massive Dynamic", "Oceanic Airlines", "Pied Piper", "Dunder Mifflin",
    "Gringotts Finance", "Monarch Media", "Oscorp Energy", "Aperture Research",
)  # fmt: skip
_FIRST_NAMES = (
    "Ada", "Alan", "Grace", "Linus", "Margaret", "Dennis", "Barbara", "Ken", "Frances", "John",
    "Radia", "Tim", "Katherine", "Edsger", "Hedy", "Donald", "Annie", "Guido", "Sophie", "Niklaus",
    "Mary", "Bjarne", "Evelyn", "James", "Shafi", "Leslie", "Jean", "Vint", "Lynn", "Whitfield",
)  # fmt: skip
_LAST_NAMES = (
    "Lovelace", "Turing", "Hopper", "Torvalds", "Hamilton", "Ritchie", "Liskov", "Thompson",
    "Allen", "McCarthy", "Perlman", "Berners-Lee", "Johnson", "Dijkstra", "Lamarr", "Knuth",
    "Easley", "van Rossum", "Wilson", "Wirth", "Keller", "Stroustrup", "Boyd", "Gosling",
    "Goldwasser", "Lamport", "Sammet", "Cerf", "Conway", "Diffie",
)  # fmt: skip
# A department tree: group i > 0 is nested in group (i - 1) // 3, so "Everyone" holds the
# departments and each department holds its teams. Users are direct members of groups
# below "Everyone" and reach it through nesting.
_GROUP_NAMES = (
    "Everyone", "Engineering", "Sales", "Support", "Platform", "Security", "Data",
    "Field Sales", "Inside Sales", "Partnerships", "Customer Success", "Help Desk", "Escalations",
)  # fmt: skip
_BRAND_COLOURS = ("#1f6feb", "#8250df", "#1a7f37", "#bf3989", "#9a6700", "#cf222e")
_PLATFORM_CLIENTS = (
    ("Scai Directory Sync", ["admin:read"]),
    ("Scai Provisioning", ["admin:read", "admin:write"]),
)


@dataclass(frozen=True, slots=True)
class SeedPlan:
    """How much to seed: `tenant_counts` holds the number of tenants of each partner."""

    tenant_counts: tuple[int, ...]
    users_per_tenant: int
    groups_per_tenant: int
    groups_per_user: int = 2
    platform_clients: int = 1
    demo_admin: bool = False  # one super admin who can sign in (DEMO_ADMIN_PASSWORD)

    def __post_init__(self) -> None:
        counts = (*self.tenant_counts, self.users_per_tenant, self.groups_per_tenant)
        if any(n < 0 for n in counts) or self.groups_per_user < 0 or self.platform_clients < 0:
            raise ValueError("seed sizes cannot be negative")
        if self.platform_clients > len(_PLATFORM_CLIENTS):
            raise ValueError(f"at most {len(_PLATFORM_CLIENTS)} platform clients")

    @classmethod
    def uniform(
        cls,
        *,
        partners: int,
        tenants_per_partner: int,
        users_per_tenant: int,
        groups_per_tenant: int,
    ) -> SeedPlan:
        return cls(
            tenant_counts=(tenants_per_partner,) * partners,
            users_per_tenant=users_per_tenant,
            groups_per_tenant=groups_per_tenant,
        )

    @property
    def tenants(self) -> int:
        return sum(self.tenant_counts)

    @property
    def memberships_per_user(self) -> int:
        return min(self.groups_per_user, len(_membership_candidates(self.groups_per_tenant)))

    @property
    def total_rows(self) -> int:
        per_tenant = (
            1  # the tenant's own application
            + self.users_per_tenant * (1 + self.memberships_per_user)
            + self.groups_per_tenant
            + max(self.groups_per_tenant - 1, 0)  # nesting edges of the tree
        )
        return len(self.tenant_counts) + self.tenants * (1 + per_tenant) + self.platform_clients


DEMO_PLAN = SeedPlan(
    tenant_counts=(3, 3, 2),
    users_per_tenant=25,
    groups_per_tenant=7,
    platform_clients=2,
    demo_admin=True,
)
# Known on purpose: the demo's super admin signs in with it (`POST /auth/sign-in`).
DEMO_ADMIN_PASSWORD = "scaigate-demo-admin"


@dataclass(frozen=True, slots=True)
class DemoAdmin:
    email: str
    password: str
    tenant_slug: str


@dataclass(frozen=True, slots=True)
class PlatformClient:
    """A GLOBAL SERVICE application and its client secret, which exists in clear only here."""

    name: str
    client_id: str
    client_secret: str
    scopes: tuple[str, ...]


@dataclass(slots=True)
class SeedReport:
    existing_partners: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    platform_clients: list[PlatformClient] = field(default_factory=list)
    demo_admin: DemoAdmin | None = None

    @property
    def skipped(self) -> bool:
        return self.existing_partners > 0


async def seed(url: str, plan: SeedPlan, *, progress: ProgressCallback | None = None) -> SeedReport:
    """Seeds the (migrated) database at `url` unless it already has partners."""
    engine = create_engine(url)
    try:
        return await seed_engine(engine, plan, progress=progress)
    finally:
        await engine.dispose()


async def seed_engine(
    engine: AsyncEngine, plan: SeedPlan, *, progress: ProgressCallback | None = None
) -> SeedReport:
    async with engine.begin() as connection:
        existing = await connection.scalar(
            select(func.count()).select_from(Partner).where(Partner.deleted_at.is_(None))
        )
        if existing:
            return SeedReport(existing_partners=int(existing))
        writer = RowWriter(connection, progress)
        rows = _Rows(plan, utcnow())
        await writer.write(Partner, rows.partners())
        await writer.write(Tenant, rows.tenants())
        for batch in _batches(rows.tenant_rows, _tenants_per_batch(plan)):
            users, groups, nestings, members, applications = rows.tenant_contents(batch)
            await writer.write(User, users)
            await writer.write(Group, groups)
            await writer.write(GroupNesting, nestings)
            await writer.write(GroupMember, members)
            await writer.write(Application, applications)
        clients = rows.platform_clients()
        await writer.write(Application, [row for row, _ in clients])
        await write_collaboration(connection, writer.write, rows.tenant_rows, rows.now)
        await write_collaboration_activity(connection, writer.write, rows.tenant_rows, rows.now)
        await write_identity(writer.write, rows.tenant_rows, rows.now)
        admin = await _demo_super_admin(connection, rows) if plan.demo_admin else None
    if engine.dialect.name == "postgresql":
        # Statistics for the rows just loaded, as after any bulk load: without them the
        # planner takes every live row filter for a handful of rows until autovacuum runs,
        # and plans joins of a relation's pages (and their cached generic plans) around that.
        async with engine.begin() as connection:
            await connection.execute(text("ANALYZE"))
    return SeedReport(
        rows=writer.counts,
        platform_clients=[client for _, client in clients],
        demo_admin=admin,
    )


async def _demo_super_admin(connection: AsyncConnection, rows: _Rows) -> DemoAdmin | None:
    """The first tenant's alphabetically first active user becomes a super admin."""
    if not rows.tenant_rows:
        return None
    tenant = rows.tenant_rows[0]
    user = (
        await connection.execute(
            select(User.id, User.email)
            .where(User.tenant_id == tenant["id"], User.status == UserStatus.ACTIVE.value)
            .order_by(User.email)
            .limit(1)
        )
    ).first()
    if user is None:
        return None
    await connection.execute(
        update(User)
        .where(User.id == user.id)
        .values(
            admin_role=AdminRole.SUPER_ADMIN.value,
            password_hash=PasswordHasher().hash(DEMO_ADMIN_PASSWORD),
            password_changed_at=rows.now,
        )
    )
    return DemoAdmin(email=user.email, password=DEMO_ADMIN_PASSWORD, tenant_slug=tenant["slug"])


class _Rows:
    """Row dictionaries for a plan; names are realistic and unique where the schema says so."""

    def __init__(self, plan: SeedPlan, now: datetime) -> None:
        self.plan = plan
        self.now = now
        self.stamps = {"created_at": now, "updated_at": now, "deleted_at": None}
        self.partner_rows: list[dict[str, Any]] = []
        self.tenant_rows: list[dict[str, Any]] = []

    def platform_clients(self) -> list[tuple[dict[str, Any], PlatformClient]]:
        hasher = PasswordHasher()
        clients = []
        for name, scopes in _PLATFORM_CLIENTS[: self.plan.platform_clients]:
            client = PlatformClient(
                name=name,
                client_id=f"{_slug(name)}-{secrets.token_hex(4)}",
                client_secret=secrets.token_urlsafe(32),
                scopes=tuple(scopes),
            )
            row = self._application(
                tenant_id=None,
                level=ApplicationLevel.GLOBAL,
                app_type=ApplicationType.SERVICE,
                name=name,
                description="Platform service client (client_credentials).",
                client_id=client.client_id,
                client_secret_hash=hasher.hash(client.client_secret),
                allowed_scopes=list(scopes),
                redirect_uris=[],
                allowed_origins=[],
            )
            clients.append((row, client))
        return clients

    def partners(self) -> list[dict[str, Any]]:
        most_tenants = max(self.plan.tenant_counts, default=0)
        for index in range(len(self.plan.tenant_counts)):
            name = _nth(_PARTNER_NAMES, index)
            slug = _slug(name)
            self.partner_rows.append(
                partner_row(
                    new_id(IdPrefix.PARTNER),
                    name,
                    slug,
                    max_tenants=max(10, most_tenants),
                    max_users_per_tenant=max(1000, self.plan.users_per_tenant),
                    stamps=self.stamps,
                )
            )
        return self.partner_rows

    def tenants(self) -> list[dict[str, Any]]:
        index = 0
        for partner, count in zip(self.partner_rows, self.plan.tenant_counts, strict=True):
            for _ in range(count):
                name = _nth(_TENANT_NAMES, index)
                slug = _slug(name)
                self.tenant_rows.append(
                    tenant_row(
                        new_id(IdPrefix.TENANT),
                        partner["id"],
                        name,
                        slug,
                        # One tenant in eleven is suspended, so lists show both states.
                        status=TenantStatus.SUSPENDED if index % 11 == 10 else TenantStatus.ACTIVE,
                        branding={"primary_color": _nth(_BRAND_COLOURS, index)},
                        stamps=self.stamps,
                    )
                )
                index += 1
        return self.tenant_rows

    def tenant_contents(self, tenants: Sequence[dict[str, Any]]) -> tuple[list[Any], ...]:
        users: list[dict[str, Any]] = []
        groups: list[dict[str, Any]] = []
        nestings: list[dict[str, Any]] = []
        members: list[dict[str, Any]] = []
        applications: list[dict[str, Any]] = []
        candidates = _membership_candidates(self.plan.groups_per_tenant)
        link_stamp = {"created_at": self.now}
        for tenant in tenants:
            group_ids = [new_id(IdPrefix.GROUP) for _ in range(self.plan.groups_per_tenant)]
            for index, group_id in enumerate(group_ids):
                name = _nth(_GROUP_NAMES, index)
                groups.append(
                    {
                        "id": group_id,
                        "tenant_id": tenant["id"],
                        "name": name,
                        "description": f"{name} at {tenant['name']}",
                        **self.stamps,
                    }
                )
                if index:
                    parent = group_ids[(index - 1) // 3]
                    nestings.append(
                        {"parent_group_id": parent, "child_group_id": group_id, **link_stamp}
                    )
            domain = f"{tenant['slug']}.example.com"
            for number in range(self.plan.users_per_tenant):
                user_id = new_id(IdPrefix.USER)
                chosen = _memberships(candidates, number, self.plan.memberships_per_user)
                users.append(self._user(tenant["id"], user_id, number, domain, chosen))
                members.extend(
                    {"group_id": group_ids[g], "user_id": user_id, **link_stamp} for g in chosen
                )
            applications.append(
                self._application(
                    tenant_id=tenant["id"],
                    level=ApplicationLevel.TENANT,
                    app_type=ApplicationType.WEB,
                    name=f"{tenant['name']} Portal",
                    description="Employee self-service portal.",
                    client_id=f"{tenant['slug']}-portal-{secrets.token_hex(4)}",
                    client_secret_hash=None,
                    allowed_scopes=["openid", "profile", "email"],
                    redirect_uris=[f"https://portal.{domain}/callback"],
                    allowed_origins=[f"https://portal.{domain}"],
                )
            )
        return users, groups, nestings, members, applications

    def _user(
        self, tenant_id: str, user_id: str, number: int, domain: str, groups: list[int]
    ) -> dict[str, Any]:
        first = _FIRST_NAMES[number % len(_FIRST_NAMES)]
        last = _LAST_NAMES[(number // len(_FIRST_NAMES)) % len(_LAST_NAMES)]
        round_ = number // (len(_FIRST_NAMES) * len(_LAST_NAMES))
        local = f"{first}.{last}".lower().replace(" ", "").replace("-", "")
        email = f"{local}{round_ + 1 if round_ else ''}@{domain}"
        department = _nth(_GROUP_NAMES, groups[0]) if groups else None
        return user_row(
            tenant_id,
            user_id,
            number,
            email=email,
            first=first,
            last=last,
            custom_attributes={"department": department} if department else {},
            stamps=self.stamps,
        )

    def _application(self, **fields: Any) -> dict[str, Any]:
        level, app_type = fields.pop("level"), fields.pop("app_type")
        return {
            "id": new_id(IdPrefix.APPLICATION),
            "level": level.value,
            "app_type": app_type.value,
            "enabled": True,
            "token_lifetime": 3600,
            "token_exchange_allowed": False,
            **fields,
            **self.stamps,
        }


def _nth(names: Sequence[str], index: int) -> str:
    """The index-th name, numbered once the list runs out ("Globex", …, "Globex 2")."""
    base = names[index % len(names)]
    rounds = index // len(names)
    return f"{base} {rounds + 1}" if rounds else base


def _slug(name: str) -> str:
    kept = "".join(c if c.isalnum() else "-" for c in name.lower())
    return "-".join(part for part in kept.split("-") if part)[:63]


def _membership_candidates(groups: int) -> list[int]:
    """Groups users join directly: every group but the root, which holds them by nesting."""
    return list(range(1, groups)) if groups > 1 else list(range(groups))


def _memberships(candidates: list[int], number: int, count: int) -> list[int]:
    if not candidates:
        return []
    # Spread a user's groups across the tree; the offsets stay distinct as count <= len.
    stride = max(1, len(candidates) // max(count, 1))
    start = number % len(candidates)
    return [candidates[(start + k * stride) % len(candidates)] for k in range(count)]


def _tenants_per_batch(plan: SeedPlan) -> int:
    per_tenant = (
        1 + plan.users_per_tenant * (1 + plan.memberships_per_user) + plan.groups_per_tenant
    )
    return max(1, _ROWS_PER_BATCH // max(per_tenant, 1))


def _batches(rows: list[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]
