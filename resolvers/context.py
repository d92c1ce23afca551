"""The per-request context every resolver takes: principal, sessions, loaders, request metadata."""

from __future__ import annotations

import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.limits import DEFAULT_OPERATION_LIMITS, OperationLimits
from core.principals import Principal
from core.settings import Settings, get_settings
from resolvers.errors import Unauthenticated
from resolvers.loaders.registry import Loaders

if TYPE_CHECKING:
    from resolvers.audit_spool import AuditSpool
    from resolvers.platform_clients import PlatformClients


@dataclass(frozen=True, slots=True)
class RequestMeta:
    request_id: str = ""
    ip: str | None = None
    user_agent: str | None = None


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
        """A short session of its own: loaders run concurrently and must not share one."""
        async with self.sessions() as session:
            yield session

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """One transaction for a whole write: committed on success, rolled back on any error."""
        async with (self.write_sessions or self.sessions)() as session, session.begin():
            yield session
