"""Platform tokens end with their application: each request checks it, from a process cache.

A client credentials token names its application (`client_id` claim). It is accepted only
while that application exists, is enabled, and still allows every scope the token carries;
otherwise the request is refused (401), whichever gateway process it reaches.

No request reads the database for it: each process keeps what it read of each application
(`PlatformClients`), and every write of an application announces its client id
(`announce_change`, in the write's transaction), which drops that entry on every process:
on PostgreSQL through NOTIFY on `scaigate_clients`, on SQLite from the process's own
commits (`resolvers.noticed_cache`). An entry also expires after
`SCAIGATE_CLIENT_STATE_TTL_SECONDS`, so a missed notice cannot keep a stale answer longer
than that; when the LISTEN connection is lost or opened again, the whole cache is dropped,
since notices sent meanwhile reached no one.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from core.principals import Principal
from db.models import Application
from resolvers import notifications
from resolvers.noticed_cache import NoticedCache

CLIENTS_CHANNEL = "scaigate_clients"  # PostgreSQL NOTIFY channel; the payload is a client id


@dataclass(frozen=True, slots=True)
class ClientState:
    """What a token's acceptance depends on; None in the cache: no such application."""

    enabled: bool
    deleted: bool
    allowed_scopes: frozenset[str]


@dataclass(frozen=True, slots=True)
class ClientRefusal:
    message: str
    reason: str  # one word, for the `auth.token_rejected` event
    application_id: str | None


async def announce_change(session: AsyncSession, application: Application) -> None:
    """Every process forgets what it knew of `application` once this transaction commits."""
    await notifications.announce(
        session, CLIENTS_CHANNEL, application.client_id, at_commit_here=True
    )


def refusal_of(principal: Principal, state: ClientState | None) -> ClientRefusal | None:
    """Why a token issued to an application in `state` is no longer accepted; None if it is."""
    subject = principal.subject
    if state is None:
        return ClientRefusal("Token's application no longer exists", "client_unknown", None)
    if state.deleted:
        return ClientRefusal("Token's application has been deleted", "client_deleted", subject)
    if not state.enabled:
        return ClientRefusal("Token's application is disabled", "client_disabled", subject)
    withdrawn = sorted(principal.scopes - state.allowed_scopes)
    if withdrawn:
        return ClientRefusal(
            f"Token carries scopes its application no longer allows: {' '.join(withdrawn)}",
            "scope_withdrawn",
            subject,
        )
    return None


class PlatformClients(NoticedCache[ClientState]):
    """One per process: the state of the applications whose tokens it has seen, by client id."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        ttl_seconds: float,
        postgres_dsn: str | None = None,
    ) -> None:
        super().__init__(
            channel=CLIENTS_CHANNEL,
            ttl_seconds=ttl_seconds,
            postgres_dsn=postgres_dsn,
            listener_name=listener_name(),
        )
        self._sessions = sessions

    async def refusal(self, principal: Principal) -> ClientRefusal | None:
        """Why `principal`'s token is refused now; None when it is accepted (or names no
        application: `scaigate token` mints those from the signing key itself)."""
        if principal.client_id is None:
            return None
        return refusal_of(principal, await self.get(principal.client_id))

    async def _read(self, client_id: str) -> ClientState | None:
        statement = select(
            Application.enabled, Application.deleted_at, Application.allowed_scopes
        ).where(Application.client_id == client_id)
        async with self._sessions() as session:
            row = (await session.execute(statement)).first()
        if row is None:
            return None
        enabled, deleted_at, allowed_scopes = row
        return ClientState(
            enabled=bool(enabled),
            deleted=deleted_at is not None,
            allowed_scopes=frozenset(allowed_scopes or ()),
        )


def listener_name() -> str:
    """The LISTEN connection's `application_name`, in pg_stat_activity."""
    return f"scaigate-clients-{os.getpid()}"
