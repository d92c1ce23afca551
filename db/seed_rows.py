"""What the demo seed (`db.seed`) and the scale seed (`db.seed_scale`) write alike: the
writer that counts rows as they go in, and a partner's, tenant's and user's row."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.ext.asyncio import AsyncConnection

from db.enums import PartnerStatus, TenantStatus, UserStatus

ProgressCallback = Callable[[int], None]
"""Called with the number of rows just written."""


def table_of(model: type[Any]) -> Table:
    table: Table = model.__table__
    return table


class RowWriter:
    """Writes row dictionaries (by column name), counting them by table and telling
    `progress` of each batch."""

    def __init__(self, connection: AsyncConnection, progress: ProgressCallback | None) -> None:
        self.connection = connection
        self.progress = progress
        self.counts: dict[str, int] = {}

    async def write(self, model: type[Any], rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        table = table_of(model)
        await self._insert(table, rows)
        self.counts[table.name] = self.counts.get(table.name, 0) + len(rows)
        if self.progress is not None:
            self.progress(len(rows))

    async def _insert(self, table: Table, rows: list[dict[str, Any]]) -> None:
        await self.connection.execute(insert(table), rows)


def partner_row(
    partner_id: str,
    name: str,
    slug: str,
    *,
    max_tenants: int,
    max_users_per_tenant: int,
    stamps: Mapping[str, Any],
) -> dict[str, Any]:
    return {
        "id": partner_id,
        "name": name,
        "slug": slug,
        "status": PartnerStatus.ACTIVE.value,
        "contact_email": f"operations@{slug}.example.com",
        "max_tenants": max_tenants,
        "max_users_per_tenant": max_users_per_tenant,
        "max_applications_per_tenant": 50,
        **stamps,
    }


def tenant_row(
    tenant_id: str,
    partner_id: str,
    name: str,
    slug: str,
    *,
    status: TenantStatus,
    branding: dict[str, Any],
    stamps: Mapping[str, Any],
) -> dict[str, Any]:
    return {
        "id": tenant_id,
        "partner_id": partner_id,
        "name": name,
        "slug": slug,
        "status": status.value,
        "contact_email": f"it@{slug}.example.com",
        "settings": {},
        "branding": branding,
        **stamps,
    }


def user_row(
    tenant_id: str,
    user_id: str,
    number: int,
    *,
    email: str,
    first: str,
    last: str,
    custom_attributes: dict[str, Any],
    stamps: Mapping[str, Any],
    **more: Any,
) -> dict[str, Any]:
    """The `number`-th user of a tenant: one in 23 disabled, one in 41 locked, one in 7 with
    the e-mail unverified, one in 4 with MFA, none with a password."""
    if number % 23 == 22:
        status = UserStatus.DISABLED
    elif number % 41 == 40:
        status = UserStatus.LOCKED
    else:
        status = UserStatus.ACTIVE
    return {
        "id": user_id,
        "tenant_id": tenant_id,
        "email": email,
        "display_name": f"{first} {last}",
        "first_name": first,
        "last_name": last,
        "status": status.value,
        "email_verified": number % 7 != 6,
        "mfa_enabled": number % 4 == 0,
        "mfa_secret": None,
        "password_hash": None,
        "must_change_password": False,
        "password_changed_at": None,
        "custom_attributes": custom_attributes,
        **more,
        **stamps,
    }
