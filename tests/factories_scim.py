"""SCIM tokens straight into the database, with the secret that opens each."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.base import utcnow
from db.ids import IdPrefix, new_id
from db.models import ScimToken, Tenant
from resolvers.scim_tokens import hash_secret, new_secret


async def create_scim_token(
    sessions: async_sessionmaker[AsyncSession], *, tenant: Tenant, revoked: bool = False
) -> tuple[ScimToken, str]:
    secret = new_secret()
    token = ScimToken(
        id=new_id(IdPrefix.SCIM_TOKEN),
        tenant_id=tenant.id,
        name="Provisioning",
        token_hash=hash_secret(secret),
        hint=secret[:12],
        created_at=utcnow(),
        revoked_at=utcnow() if revoked else None,
    )
    async with sessions() as session, session.begin():
        session.add(token)
    return token, secret
