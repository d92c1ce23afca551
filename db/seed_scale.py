"""A scale data set for dashboard benchmarks: many users in a few tenants, many audit events.

`seed_scale(url, ScalePlan(users=1_000_000, audit_events=5_000_000))` writes a few partners
and tenants (the first tenant holding most users), the users (most of them with a last
sign-in time), some SSO sessions, and audit events spread over the last `days` days with
varied actions and results, in time order, so that ids follow `created_at` as they do when
the gateway writes them. Everything lands in one transaction, or nothing does; a database
that already has partners is left as it is.

On PostgreSQL rows go in with binary `COPY` (asyncpg's `copy_records_to_table`), a chunk at
a time, so memory stays flat; on SQLite with bulk inserts (fine for test sizes). Values come
from a seeded random generator: two seeds of one plan hold the same names, statuses, times
and actions (ids differ, as their random part is drawn anew).
"""

from __future__ import annotations

import base64
import json
import random
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Table, func, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from db.base import utcnow
from db.engine import create_engine
from db.enums import AdminRole, TenantStatus
from db.ids import IdPrefix
from db.models import AuditEvent, Partner, SsoSession, Tenant, User
from db.seed_rows import ProgressCallback, RowWriter, partner_row, table_of, tenant_row, user_row

CHUNK = 20_000  # rows per COPY or insert
_CROCKFORD = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", "0123456789abcdefghjkmnpqrstvwxyz")
_PARTNERS = ("Northwind Cloud", "Blue Harbor IT", "Alpine Systems")
_TENANTS = ("Acme Corporation", "Globex", "Initech", "Umbrella Health", "Stark Logistics")
_FIRST = ("Ada", "Alan", "Grace", "Linus", "Margaret", "Dennis", "Barbara", "Ken", "Anne", "Tim")
_LAST = ("Lovelace", "Turing", "Hopper", "Torvalds", "Hamilton", "Ritchie", "Liskov", "Knuth")
# (action, resource type, weight); results are drawn per action below.
_ACTIONS: tuple[tuple[str, str | None, int], ...] = (
    ("auth.sign_in", "user", 40),
    ("auth.token_rejected", None, 6),
    ("user.update", "user", 14),
    ("user.create", "user", 6),
    ("user.reset_password", "user", 3),
    ("group.update", "group", 8),
    ("group.add_member", "group", 8),
    ("session.revoke", "session", 3),
    ("application.update", "application", 4),
    ("access.denied", None, 8),
)
_RESULTS = {"auth.sign_in": (("success", 85), ("failure", 15)), "access.denied": (("denied", 1),)}
_DEFAULT_RESULTS = (("success", 95), ("failure", 5))


@dataclass(frozen=True, slots=True)
class ScalePlan:
    """How much to seed; `main_share` of the users are in the first tenant."""

    users: int
    audit_events: int = 0
    tenants: int = 5
    partners: int = 2
    days: int = 90
    main_share: float = 0.9
    signed_in_share: float = 0.85
    sessions_per_thousand_users: int = 10
    seed: int = 20261207

    def __post_init__(self) -> None:
        if self.users < 0 or self.audit_events < 0:
            raise ValueError("seed sizes cannot be negative")
        if not 1 <= self.partners <= len(_PARTNERS):
            raise ValueError(f"between 1 and {len(_PARTNERS)} partners")
        if not self.partners <= self.tenants <= 1000:
            raise ValueError("at least one tenant per partner, at most 1000 tenants")
        if self.days < 1:
            raise ValueError("at least one day of audit events")

    @property
    def sessions(self) -> int:
        return self.users * self.sessions_per_thousand_users // 1000

    @property
    def total_rows(self) -> int:
        return self.partners + self.tenants + self.users + self.sessions + self.audit_events

    def users_of(self, tenant: int) -> int:
        """How many users tenant number `tenant` holds."""
        main = round(self.users * self.main_share) if self.tenants > 1 else self.users
        if tenant == 0:
            return main
        rest, others = self.users - main, self.tenants - 1
        return rest // others + (1 if tenant - 1 < rest % others else 0)


@dataclass(frozen=True, slots=True)
class ScaleReport:
    existing_partners: int
    rows: dict[str, int]

    @property
    def skipped(self) -> bool:
        return self.existing_partners > 0


def time_ordered_ids(
    prefix: IdPrefix, moments: Sequence[datetime], rng: random.Random
) -> list[str]:
    """Ids in `db.ids` form (prefix and ULID) for `moments`, encoded a batch at a time:
    `new_id` costs tens of microseconds an id, too slow for millions."""
    blocks = bytearray()
    for moment in moments:
        value = (int(moment.timestamp() * 1000) << 80) | rng.getrandbits(80)
        # 130 bits (two leading zeros and the ULID's 128) at the top of 160: 32 base32
        # characters, of which the first 26 are the ULID's.
        blocks += (value << 30).to_bytes(20, "big")
    text = base64.b32encode(bytes(blocks)).decode().translate(_CROCKFORD)
    head = f"{prefix.value}_"
    return [head + text[i * 32 : i * 32 + 26] for i in range(len(moments))]


async def seed_scale(
    url: str, plan: ScalePlan, *, progress: ProgressCallback | None = None
) -> ScaleReport:
    """Seeds the (migrated) database at `url` unless it already has partners."""
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            report = await seed_scale_into(connection, plan, progress=progress)
        if report.rows and engine.dialect.name == "postgresql":
            await _vacuum(engine)
        return report
    finally:
        await engine.dispose()


async def _vacuum(engine: AsyncEngine) -> None:
    """Sets the visibility map of the copied tables (VACUUM, outside a transaction): until it
    is set, an index-only scan visits the heap for every row, and counting the users of a
    tenant of 900,000 reads the whole table instead of its index. Autovacuum would get there
    eventually; the benchmarks that follow a seed should not depend on when."""
    names = ", ".join(t.name for t in _BULK_TABLES)
    async with engine.connect() as connection:
        autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
        await autocommit.execute(text(f"VACUUM (ANALYZE) {names}"))


async def seed_scale_into(
    connection: AsyncConnection, plan: ScalePlan, *, progress: ProgressCallback | None = None
) -> ScaleReport:
    existing = await connection.scalar(
        select(func.count()).select_from(Partner).where(Partner.deleted_at.is_(None))
    )
    if existing:
        return ScaleReport(existing_partners=int(existing), rows={})
    writer = _Copier(connection, progress)
    rows = _ScaleRows(plan, utcnow())
    await writer.write(Partner, rows.partners())
    await writer.write(Tenant, rows.tenants())
    async with _indexes_built_after(connection, _BULK_TABLES):
        for chunk in rows.users():
            await writer.write(User, chunk)
        await writer.write(SsoSession, rows.sessions())
        for chunk in rows.audit_events():
            await writer.write(AuditEvent, chunk)
    if writer.postgresql:
        # Planner statistics for the benchmarks that follow (allowed in a transaction).
        names = ", ".join(t.name for t in (*_BULK_TABLES, table_of(Partner), table_of(Tenant)))
        await connection.execute(text(f"ANALYZE {names}"))
    return ScaleReport(existing_partners=0, rows=writer.counts)


_BULK_TABLES = (table_of(User), table_of(SsoSession), table_of(AuditEvent))


@asynccontextmanager
async def _indexes_built_after(
    connection: AsyncConnection, tables: Sequence[Table]
) -> AsyncIterator[None]:
    """On PostgreSQL, drops the tables' declared indexes (not their keys) and builds them
    again once the rows are in: one sorted build each is many times faster than keeping
    a dozen indexes, four of them trigram ones, up to date row by row. In the transaction,
    so a failed seed leaves them as they were. Elsewhere, nothing changes."""
    if connection.dialect.name != "postgresql":
        yield
        return
    indexes = [index for table in tables for index in table.indexes]
    for index in indexes:
        await connection.execute(text(f'DROP INDEX IF EXISTS "{index.name}"'))
    yield
    await connection.execute(text("SET LOCAL maintenance_work_mem = '256MB'"))
    for index in indexes:
        await connection.run_sync(index.create)


class _Copier(RowWriter):
    """COPY on PostgreSQL, inserts elsewhere."""

    def __init__(self, connection: AsyncConnection, progress: ProgressCallback | None) -> None:
        super().__init__(connection, progress)
        self.postgresql = connection.dialect.name == "postgresql"

    async def _insert(self, table: Table, rows: list[dict[str, Any]]) -> None:
        if not self.postgresql:
            await super()._insert(table, rows)
            return
        columns = list(rows[0])
        # JSON goes to asyncpg as text, as SQLAlchemy's own jsonb codec on the connection takes it.
        documents = {name for name in columns if isinstance(rows[0][name], dict | list)}
        records = [
            tuple(json.dumps(row[c]) if c in documents else row[c] for c in columns) for row in rows
        ]
        raw = await self.connection.get_raw_connection()
        driver: Any = raw.driver_connection
        await driver.copy_records_to_table(table.name, records=records, columns=columns)


class _ScaleRows:
    def __init__(self, plan: ScalePlan, now: datetime) -> None:
        self.plan = plan
        self.now = now
        self.rng = random.Random(plan.seed)
        self.partner_rows: list[dict[str, Any]] = []
        self.tenant_rows: list[dict[str, Any]] = []
        self.user_ids: list[list[str]] = []  # per tenant
        self.admins: list[tuple[str, str, str]] = []  # (user, tenant, partner)
        self.start = now - timedelta(days=plan.days)

    def _stamps(self, at: datetime) -> dict[str, Any]:
        return {"created_at": at, "updated_at": at, "deleted_at": None}

    def partners(self) -> list[dict[str, Any]]:
        for index in range(self.plan.partners):
            name = _PARTNERS[index]
            slug = name.lower().replace(" ", "-")
            self.partner_rows.append(
                partner_row(
                    time_ordered_ids(IdPrefix.PARTNER, [self.start], self.rng)[0],
                    name,
                    slug,
                    max_tenants=1000,
                    max_users_per_tenant=max(1000, self.plan.users),
                    stamps=self._stamps(self.start),
                )
            )
        return self.partner_rows

    def tenants(self) -> list[dict[str, Any]]:
        for index in range(self.plan.tenants):
            base = _TENANTS[index % len(_TENANTS)]
            rounds = index // len(_TENANTS)
            name = f"{base} {rounds + 1}" if rounds else base
            slug = name.lower().replace(" ", "-")
            self.tenant_rows.append(
                tenant_row(
                    time_ordered_ids(IdPrefix.TENANT, [self.start], self.rng)[0],
                    self.partner_rows[index % self.plan.partners]["id"],
                    name,
                    slug,
                    status=TenantStatus.ACTIVE,
                    branding={},
                    stamps=self._stamps(self.start),
                )
            )
        return self.tenant_rows

    def users(self) -> Iterator[list[dict[str, Any]]]:
        """Chunks of users, tenant by tenant; created over the first days of the span."""
        rng, span = self.rng, self.plan.days * 86_400
        for index, tenant in enumerate(self.tenant_rows):
            count = self.plan.users_of(index)
            domain = f"{tenant['slug']}.example.com"
            ids: list[str] = []
            self.user_ids.append(ids)
            for start in range(0, count, CHUNK):
                numbers = range(start, min(start + CHUNK, count))
                created = [self.start + timedelta(seconds=n * 10 / max(count, 1)) for n in numbers]
                chunk_ids = time_ordered_ids(IdPrefix.USER, created, rng)
                ids.extend(chunk_ids)
                chunk = []
                for number, user_id, at in zip(numbers, chunk_ids, created, strict=True):
                    signed_in = None
                    if rng.random() < self.plan.signed_in_share:
                        # Recent sign-ins are likelier than old ones.
                        signed_in = self.now - timedelta(seconds=span * rng.random() ** 3)
                    chunk.append(self._user(tenant["id"], user_id, number, domain, at, signed_in))
                yield chunk

    def _user(
        self,
        tenant_id: str,
        user_id: str,
        number: int,
        domain: str,
        at: datetime,
        signed_in: datetime | None,
    ) -> dict[str, Any]:
        first = _FIRST[number % len(_FIRST)]
        last = _LAST[(number // len(_FIRST)) % len(_LAST)]
        return user_row(
            tenant_id,
            user_id,
            number,
            email=f"{first}.{last}.{number}@{domain}".lower(),
            first=first,
            last=last,
            custom_attributes={},
            stamps=self._stamps(at),
            admin_role=AdminRole.TENANT_ADMIN.value if number % 500 == 0 else None,
            last_sign_in_at=signed_in,
        )

    def sessions(self) -> list[dict[str, Any]]:
        """Sessions of users of every tenant: a third live, the rest expired or revoked."""
        rng, rows = self.rng, []
        tenants = [t for t, ids in zip(self.tenant_rows, self.user_ids, strict=True) if ids]
        if not tenants:
            return []
        weights = [len(self.user_ids[self.tenant_rows.index(t)]) for t in tenants]
        for _ in range(self.plan.sessions):
            [tenant] = rng.choices(tenants, weights)
            user_id = rng.choice(self.user_ids[self.tenant_rows.index(tenant)])
            live = rng.random() < 1 / 3
            created = self.now - timedelta(
                minutes=rng.randint(1, 50) if live else rng.randint(61, 86_400)
            )
            revoked = not live and rng.random() < 0.3
            rows.append(
                {
                    "id": time_ordered_ids(IdPrefix.SESSION, [created], rng)[0],
                    "user_id": user_id,
                    "tenant_id": tenant["id"],
                    "partner_id": tenant["partner_id"],
                    "admin_role": AdminRole.TENANT_ADMIN.value,
                    "ip": f"198.51.100.{rng.randint(1, 254)}",
                    "user_agent": "admin-ui/1.0",
                    "created_at": created,
                    "expires_at": created + timedelta(hours=1),
                    "revoked_at": created + timedelta(minutes=5) if revoked else None,
                    "revoked_reason": "signed_out" if revoked else None,
                }
            )
        return rows

    def audit_events(self) -> Iterator[list[dict[str, Any]]]:
        """Chunks of events in time order over the span, filed under tenants by their size."""
        rng, total = self.rng, self.plan.audit_events
        if not total:
            return
        span = (self.now - self.start).total_seconds()
        actions = [a for a, _, _ in _ACTIONS]
        action_weights = [w for _, _, w in _ACTIONS]
        resource_types = {a: r for a, r, _ in _ACTIONS}
        tenants = [(t, ids) for t, ids in zip(self.tenant_rows, self.user_ids, strict=True) if ids]
        tenant_weights = [len(ids) for _, ids in tenants]
        for start in range(0, total, CHUNK):
            size = min(CHUNK, total - start)
            # The chunk's slice of the span, its moments sorted: ids follow time.
            low, high = start / total * span, (start + size) / total * span
            moments = sorted(
                self.start + timedelta(seconds=rng.uniform(low, high)) for _ in range(size)
            )
            ids = time_ordered_ids(IdPrefix.AUDIT, moments, rng)
            chosen = rng.choices(actions, action_weights, k=size)
            where = rng.choices(tenants, tenant_weights, k=size) if tenants else [None] * size
            chunk = []
            for event_id, at, action, place in zip(ids, moments, chosen, where, strict=True):
                outcomes = _RESULTS.get(action, _DEFAULT_RESULTS)
                [result] = rng.choices([o for o, _ in outcomes], [w for _, w in outcomes])
                chunk.append(
                    self._event(event_id, at, action, result, resource_types[action], place)
                )
            yield chunk

    def _event(
        self,
        event_id: str,
        at: datetime,
        action: str,
        result: str,
        resource_type: str | None,
        place: tuple[dict[str, Any], list[str]] | None,
    ) -> dict[str, Any]:
        rng = self.rng
        tenant, user_ids = place if place is not None else ({}, [])
        actor = rng.choice(user_ids) if user_ids and action != "auth.token_rejected" else None
        resource_id = None
        if resource_type == "user" and user_ids:
            resource_id = rng.choice(user_ids)
        elif resource_type is not None:
            resource_id = f"{resource_type[:3]}_{rng.getrandbits(64):016x}"
        return {
            "id": event_id,
            "created_at": at,
            "actor_id": actor,
            "actor_type": "user" if actor else "anonymous",
            "actor_role": AdminRole.TENANT_ADMIN.value if actor else None,
            "partner_id": tenant.get("partner_id"),
            "tenant_id": tenant.get("id"),
            "action": action,
            "resource_type": resource_type,
            "resource_id": resource_id,
            "result": result,
            "metadata": {},
            "ip": f"203.0.113.{rng.randint(1, 254)}",
            "user_agent": "admin-ui/1.0",
            "request_id": None,
        }
