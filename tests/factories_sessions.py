"""Test helpers for sign-in, sessions and tokens over HTTP: admin users, sessions, events."""

from __future__ import annotations

import base64
import functools
from datetime import timedelta
from typing import Any

import httpx
from argon2 import PasswordHasher
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.base import utcnow
from db.enums import AdminRole, ApplicationLevel, ApplicationType
from db.ids import IdPrefix, new_id
from db.models import Application, AuditEvent, SsoSession, Tenant, User
from tests.factories import create_application, create_user

Sessions = async_sessionmaker[AsyncSession]
PASSWORD = "correct horse battery staple"
CLIENT_SECRET = "a-client-secret-of-the-platform-application"
SIGN_IN = "/auth/sign-in"
TOKEN = "/oauth/token"


@functools.cache
def password_hash(password: str = PASSWORD) -> str:
    return PasswordHasher().hash(password)


async def create_admin(
    sessions: Sessions,
    *,
    tenant: Tenant,
    role: AdminRole | None = AdminRole.TENANT_ADMIN,
    password: str | None = PASSWORD,
    **fields: Any,
) -> User:
    """A user of `tenant` holding `role` (None: not an admin) who signs in with `password`."""
    return await create_user(
        sessions,
        tenant=tenant,
        admin_role=role.value if role else None,
        password_hash=password_hash(password) if password else None,
        **fields,
    )


async def create_session(
    sessions: Sessions, *, user: User, partner_id: str, expired: bool = False, **fields: Any
) -> SsoSession:
    """A session row as a sign-in stores it (live for an hour, or ended an hour ago)."""
    now = utcnow()
    row = SsoSession(
        id=new_id(IdPrefix.SESSION),
        user_id=user.id,
        tenant_id=user.tenant_id,
        partner_id=partner_id,
        **{
            "admin_role": user.admin_role or AdminRole.TENANT_ADMIN.value,
            "ip": "192.0.2.10",
            "user_agent": "test-agent",
            "created_at": now - timedelta(hours=2 if expired else 0),
            "expires_at": now + timedelta(hours=-1 if expired else 1),
            **fields,
        },
    )
    async with sessions() as session, session.begin():
        session.add(row)
    return row


async def stored_session(sessions: Sessions, session_id: str) -> SsoSession:
    async with sessions() as session:
        row = await session.get(SsoSession, session_id)
    assert row is not None, f"no session {session_id} stored"
    return row


async def sessions_of(sessions: Sessions, user_id: str) -> list[SsoSession]:
    async with sessions() as session:
        statement = select(SsoSession).where(SsoSession.user_id == user_id)
        return list((await session.execute(statement)).scalars())


async def events(sessions: Sessions, action: str | None = None) -> list[AuditEvent]:
    """Audit events in the order they were written (of one action, if given)."""
    statement = select(AuditEvent).order_by(AuditEvent.id)
    if action is not None:
        statement = statement.where(AuditEvent.action == action)
    async with sessions() as session:
        return list((await session.execute(statement)).scalars())


async def sign_in(
    http: httpx.AsyncClient, email: str, password: str = PASSWORD, **extra: Any
) -> httpx.Response:
    return await http.post(SIGN_IN, json={"email": email, "password": password, **extra})


async def signed_in_token(http: httpx.AsyncClient, email: str, **extra: Any) -> str:
    response = await sign_in(http, email, **extra)
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


async def create_platform_client(
    sessions: Sessions,
    *,
    scopes: list[str],
    level: ApplicationLevel = ApplicationLevel.GLOBAL,
    app_type: ApplicationType = ApplicationType.SERVICE,
    tenant: Tenant | None = None,
    **fields: Any,
) -> Application:
    """An application whose client secret is CLIENT_SECRET (a GLOBAL SERVICE one by default)."""
    return await create_application(
        sessions,
        tenant=tenant,
        level=level.value,
        app_type=app_type.value,
        allowed_scopes=scopes,
        **{"client_secret_hash": password_hash(CLIENT_SECRET), **fields},
    )


def basic(client_id: str, client_secret: str = CLIENT_SECRET) -> dict[str, str]:
    credentials = base64.b64encode(f"{client_id}:{client_secret}".encode()).decode()
    return {"Authorization": f"Basic {credentials}"}


async def client_token(http: httpx.AsyncClient, client_id: str, **form: str) -> str:
    response = await http.post(
        TOKEN, data={"grant_type": "client_credentials", **form}, headers=basic(client_id)
    )
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


async def forget_failed_sign_ins(app: FastAPI) -> None:
    """The app's throttle lives as long as the app (the test session): start from zero."""
    await app.state.sign_in_throttle.reset()
