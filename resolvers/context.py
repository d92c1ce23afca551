"""The per-request context every resolver takes: principal, sessions, loaders, request metadata."""

from __future__ import annotations

import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from core.limits import DEFAULT_OPERATION_LIMITS, OperationLimits
from core.principals import Principal
from core.settings import Settings, get_settings
from db.prepared import DriverReads, driver_reads
from resolvers.errors import Unauthenticated
from resolvers.loaders.registry import Loaders

if TYPE_CHECKING:
    from graphql import DocumentNode

    from resolvers.audit_spool import AuditSpool
    from resolvers.platform_clients import PlatformClients


# Per engine: the same engine (and pool) whose connections run each statement on its own,
# without BEGIN and ROLLBACK around it; None where reads keep their transaction.
_AUTOCOMMIT: weakref.WeakKeyDictionary[AsyncEngine, AsyncEngine | None] = (
    weakref.WeakKeyDictionary()
)


def _read_options(sessions: async_sessionmaker[AsyncSession]) -> dict[str, Any]:
    """How `RequestContext.read` opens a session of `sessions`: on PostgreSQL at READ
    COMMITTED, bound to the engine's autocommit twin.

    A read session only reads, and at READ COMMITTED every statement takes its own snapshot,
    transaction or not: a transaction around reads changes nothing they see, it only costs
    two round trips (BEGIN, ROLLBACK; ~10% of a small request). At a stricter default level
    (a server configured for REPEATABLE READ) a read of several statements relies on one
    snapshot, so it keeps its transaction; so does SQLite, whose reads start none anyway.
    The level is the one the dialect found on its first connection: until then, transactions.
    """
    bind = sessions.kw.get("bind")
    if not isinstance(bind, AsyncEngine):
        return {}
    if bind in _AUTOCOMMIT:
        twin = _AUTOCOMMIT[bind]
        return {} if twin is None else {"bind": twin}
    level = getattr(bind.dialect, "default_isolation_level", None)
    if level is None:
        return {}  # not connected yet: decided on a later read
    twin = None
    if bind.dialect.name == "postgresql" and level == "READ COMMITTED":
        twin = bind.execution_options(isolation_level="AUTOCOMMIT")
    _AUTOCOMMIT[bind] = twin
    return {} if twin is None else {"bind": twin}


@dataclass(frozen=True, slots=True)
class RequestMeta:
    request_id: str = ""
    ip: str | None = None
    user_agent: str | None = None


@dataclass(frozen=True, slots=True)
class PlannedOperation:
    """An operation of the request answered from the planner's plan: its document's text, the
    operation name it ran under and the parsed document (valid, within its limits)."""

    query: str
    operation_name: str | None
    document: DocumentNode


@dataclass
class RequestContext:
    principal: Principal | None
    sessions: async_sessionmaker[AsyncSession]
    meta: RequestMeta = field(default_factory=RequestMeta)
    write_sessions: async_sessionmaker[AsyncSession] | None = None
    production: bool = False  # SCAIGATE_ENV=production: the schema's shape is not shown
    operation_limits: OperationLimits = DEFAULT_OPERATION_LIMITS  # enforced by schema.limits
    settings: Settings | None = None  # the app's; None where no app runs (see `config`)
    platform_clients: PlatformClients | None = None  # the process's; checks platform tokens
    audit_spool: AuditSpool | None = None  # where events wait while the database is away
    planned: PlannedOperation | None = None  # set by the planner (`schema.planner`)
    _loaders: Loaders | None = None

    @property
    def config(self) -> Settings:
        """The app's settings, or the environment's where the context was built without."""
        if self.settings is not None:
            return self.settings
        return get_settings()

    @property
    def sealing_key(self) -> str:
        """The key `resolvers.sealed_secrets` seals stored secrets that are read back with."""
        return self.config.sealing_key

    @property
    def actor(self) -> Principal:
        """The authenticated principal; a request without one cannot reach any data."""
        if self.principal is None:
            raise Unauthenticated()
        return self.principal

    @property
    def loaders(self) -> Loaders:
        if self._loaders is None:
            # The loaders see the context through a weak reference: a strong one would make
            # the two a reference cycle, which only a full garbage collection frees (rare under
            # `serve`'s thresholds), along with every row the loaders cached.
            self._loaders = Loaders(weakref.proxy(self))
        return self._loaders

    def release_loaders(self) -> None:
        """Drops the loaders and what they cached; the next use starts afresh.

        An operation's context outlives it inside graphql-core's executor, which is a reference
        cycle: whatever the context still holds is freed only by a full garbage collection.
        """
        self._loaders = None

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        """A short session of its own, for reads only: loaders run concurrently and must not
        share one. On PostgreSQL each statement runs on its own (`_read_options`)."""
        async with self.sessions(**_read_options(self.sessions)) as session:
            yield session

    @asynccontextmanager
    async def driver_reads(self) -> AsyncIterator[DriverReads]:
        """Reads of prepared statements on one pooled connection's driver connection
        (`db.prepared`), for the planner: without a transaction where `read` runs its
        statements on their own, inside one otherwise."""
        bind = self.sessions.kw.get("bind")
        if not isinstance(bind, AsyncEngine):
            raise TypeError("driver reads need a session factory bound to an engine")
        alone = "bind" in _read_options(self.sessions)
        async with driver_reads(bind, transaction=not alone) as reads:
            yield reads

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """One transaction for a whole write: committed on success, rolled back on any error."""
        async with (self.write_sessions or self.sessions)() as session, session.begin():
            yield session
