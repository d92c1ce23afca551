"""Which SCIM token a request's secret is, from a process cache that revocation invalidates.

Each process keeps what it read of each token it has seen, by the secret's hash. Revoking a
token announces its id in the revoking transaction (`resolvers.scim_tokens.revoke`): on
PostgreSQL a NOTIFY on `scaigate_scim_tokens`, which every process hears at commit; on SQLite
(one process) the process's own commit. The entry is dropped, so the next request reads the
row again and is refused. As with every `resolvers.noticed_cache` (platform clients too), an
entry also expires after a TTL, and the whole cache is dropped when the LISTEN connection is
lost or opened again (notices sent meanwhile reached no one).

A use also sets the token's `last_used_at`, at most once a minute per token and process, in
its own short transaction: the list shows the last use to the minute, and the audit log
holds every use.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.base import utcnow
from db.models import ScimToken, Tenant
from resolvers.noticed_cache import NoticedCache
from resolvers.scim_tokens import SCIM_TOKENS_CHANNEL, SECRET_PREFIX, hash_secret

LAST_USE_RESOLUTION_SECONDS = 60.0


@dataclass(frozen=True, slots=True)
class ScimTokenState:
    id: str
    tenant_id: str
    partner_id: str
    revoked: bool


class ScimTokenCache(NoticedCache[ScimTokenState]):
    """One per process: the tokens whose secrets it has seen, by the secret's hash."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        ttl_seconds: float,
        postgres_dsn: str | None = None,
        write_sessions: async_sessionmaker[AsyncSession] | None = None,
    ) -> None:
        super().__init__(
            channel=SCIM_TOKENS_CHANNEL,
            ttl_seconds=ttl_seconds,
            postgres_dsn=postgres_dsn,
            listener_name=f"scaigate-scim-tokens-{os.getpid()}",
        )
        self._sessions = sessions
        self._write_sessions = write_sessions or sessions
        self._last_use: dict[str, float] = {}  # token id → when this process last wrote it

    async def state(self, secret: str) -> ScimTokenState | None:
        """The token `secret` opens (revoked or not); None when it opens none."""
        if not secret.startswith(SECRET_PREFIX):
            return None
        return await self.get(hash_secret(secret))

    async def used(self, token_id: str) -> None:
        """Records a use as `last_used_at`, unless this process did within the minute."""
        now = time.monotonic()
        if now - self._last_use.get(token_id, -1e9) < LAST_USE_RESOLUTION_SECONDS:
            return
        self._last_use[token_id] = now
        at = utcnow()
        statement = (
            update(ScimToken)
            .where(
                ScimToken.id == token_id,
                or_(
                    ScimToken.last_used_at.is_(None),
                    ScimToken.last_used_at < at - timedelta(seconds=LAST_USE_RESOLUTION_SECONDS),
                ),
            )
            .values(last_used_at=at)
        )
        async with self._write_sessions() as session, session.begin():
            await session.execute(statement)

    def _notice_of(self, value: ScimTokenState) -> str:
        return value.id  # a revocation announces the token's id

    async def _read(self, secret_hash: str) -> ScimTokenState | None:
        statement = (
            select(ScimToken.id, ScimToken.tenant_id, Tenant.partner_id, ScimToken.revoked_at)
            .join(Tenant, Tenant.id == ScimToken.tenant_id)
            .where(ScimToken.token_hash == secret_hash, Tenant.deleted_at.is_(None))
        )
        async with self._sessions() as session:
            row = (await session.execute(statement)).first()
        if row is None:
            return None
        token_id, tenant_id, partner_id, revoked_at = row
        return ScimTokenState(token_id, tenant_id, partner_id, revoked_at is not None)
