"""Keyword-only factories that store rows through the ORM, with unique defaults."""

from __future__ import annotations

import itertools
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.enums import ApplicationLevel, ApplicationType
from db.ids import IdPrefix, new_id
from db.models import Application, Group, GroupMember, GroupNesting, Partner, Tenant, User

_sequence = itertools.count(1)


def _n() -> int:
    return next(_sequence)


async def _save(sessions: async_sessionmaker[AsyncSession], *rows: Any) -> None:
    async with sessions() as session, session.begin():
        session.add_all(rows)


async def create_partner(sessions: async_sessionmaker[AsyncSession], **fields: Any) -> Partner:
    n = _n()
    partner = Partner(
        id=new_id(IdPrefix.PARTNER),
        **{"name": f"Partner {n}", "slug": f"partner-{n}", "status": "active", **fields},
    )
    await _save(sessions, partner)
    return partner


async def create_tenant(
    sessions: async_sessionmaker[AsyncSession], *, partner: Partner, **fields: Any
) -> Tenant:
    n = _n()
    tenant = Tenant(
        id=new_id(IdPrefix.TENANT),
        partner_id=partner.id,
        **{
            "name": f"Tenant {n}",
            "slug": f"tenant-{n}",
            "status": "active",
            "settings": {},
            "branding": {},
            **fields,
        },
    )
    await _save(sessions, tenant)
    return tenant


async def create_user(
    sessions: async_sessionmaker[AsyncSession], *, tenant: Tenant, **fields: Any
) -> User:
    n = _n()
    user = User(
        id=new_id(IdPrefix.USER),
        tenant_id=tenant.id,
        **{"email": f"user{n}@example.com", "status": "active", "custom_attributes": {}, **fields},
    )
    await _save(sessions, user)
    return user


async def create_group(
    sessions: async_sessionmaker[AsyncSession],
    *,
    tenant: Tenant,
    members: tuple[User, ...] = (),
    **fields: Any,
) -> Group:
    n = _n()
    group = Group(
        id=new_id(IdPrefix.GROUP), tenant_id=tenant.id, **{"name": f"Group {n}", **fields}
    )
    await _save(sessions, group)
    if members:
        await _save(sessions, *[GroupMember(group_id=group.id, user_id=u.id) for u in members])
    return group


async def nest_group(
    sessions: async_sessionmaker[AsyncSession], *, parent: Group, child: Group
) -> None:
    await _save(sessions, GroupNesting(parent_group_id=parent.id, child_group_id=child.id))


async def create_application(
    sessions: async_sessionmaker[AsyncSession], *, tenant: Tenant | None, **fields: Any
) -> Application:
    n = _n()
    application = Application(
        id=new_id(IdPrefix.APPLICATION),
        tenant_id=tenant.id if tenant else None,
        **{
            "name": f"App {n}",
            "level": (ApplicationLevel.TENANT if tenant else ApplicationLevel.GLOBAL).value,
            "app_type": ApplicationType.WEB.value,
            "client_id": f"client-{n}-{new_id(IdPrefix.APPLICATION)[-8:]}",
            "allowed_scopes": [],
            "redirect_uris": [],
            "allowed_origins": [],
            **fields,
        },
    )
    await _save(sessions, application)
    return application
