"""What `scaigate token` checks before it prints a token.

The options must make a token the gateway accepts: a role with the id it needs, a lifetime
the verifier allows, and (when the configured database answers) a partner or tenant that
exists and is not deleted. A token for an id that does not exist would be accepted and then
see nothing; when the database cannot be asked, the token is still printed with a warning on
stderr, since tokens may be minted away from the database they will be used against.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import typer
from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from core.principals import Role
from core.settings import Settings
from db.base import ResourceColumns
from db.engine import is_sqlite
from db.ids import IdPrefix, prefix_of

CONNECT_TIMEOUT_SECONDS = 5.0


class DatabaseNotAsked(Exception):
    """The configured database could not be asked; the message says why."""


def token_role(role: Role | None, scopes: list[str]) -> Role:
    if scopes and role not in (None, Role.PLATFORM):
        raise typer.BadParameter(
            f"--scope makes a platform token; it cannot be combined with --role {role}",
            param_hint="'--scope'",
        )
    if role is None and not scopes:
        raise typer.BadParameter(
            "give --role (super_admin, partner_admin, tenant_admin) or --scope",
            param_hint="'--role' / '--scope'",
        )
    if role is Role.PLATFORM and not scopes:
        raise typer.BadParameter(
            "a platform token needs at least one --scope", param_hint="'--scope'"
        )
    if any(not s.strip() or any(c.isspace() for c in s) for s in scopes):
        raise typer.BadParameter("a scope is one word without spaces", param_hint="'--scope'")
    return role or Role.PLATFORM


def check_ids(role: Role, *, partner: str | None, tenant: str | None) -> None:
    if role is Role.PARTNER_ADMIN:
        if not partner:
            raise typer.BadParameter(
                "required by --role partner_admin (a prt_… id)", param_hint="'--partner'"
            )
        _check_prefix("--partner", partner, IdPrefix.PARTNER)
    elif partner:
        raise typer.BadParameter(
            f"only --role partner_admin takes a partner, not {role}", param_hint="'--partner'"
        )
    if role is Role.TENANT_ADMIN:
        if not tenant:
            raise typer.BadParameter(
                "required by --role tenant_admin (a tnt_… id)", param_hint="'--tenant'"
            )
        _check_prefix("--tenant", tenant, IdPrefix.TENANT)
    elif tenant:
        raise typer.BadParameter(
            f"only --role tenant_admin takes a tenant, not {role}", param_hint="'--tenant'"
        )


def _check_prefix(option: str, value: str, prefix: IdPrefix) -> None:
    if prefix_of(value) is not prefix:
        raise typer.BadParameter(
            f"expected a {prefix.value}_… id, got {value!r}", param_hint=f"'{option}'"
        )


def check_ttl(settings: Settings, ttl: int | None) -> None:
    """A lifetime beyond what the gateway accepts would mint a token it refuses."""
    maximum = settings.max_token_lifetime_seconds
    if ttl is not None and ttl > maximum:
        raise typer.BadParameter(
            f"at most {maximum} seconds, the longest lifetime the gateway accepts "
            "(SCAIGATE_JWT_MAX_LIFETIME_SECONDS)",
            param_hint="'--ttl'",
        )


def check_owner_exists(settings: Settings, *, partner: str | None, tenant: str | None) -> None:
    """The partner or tenant must exist (not deleted) in the configured database.

    Raises `typer.BadParameter` when it does not, `DatabaseNotAsked` when the database
    cannot be asked (absent, unreachable, not migrated).
    """
    if partner is None and tenant is None:
        return
    from db.models import Partner, Tenant

    model: type[ResourceColumns] = Partner if partner is not None else Tenant
    owner_id = partner if partner is not None else tenant
    option = "--partner" if partner is not None else "--tenant"
    url = settings.database_url
    if is_sqlite(url):
        database = make_url(url).database
        # Connecting would create an empty database file where there was none.
        if not database or database == ":memory:" or not Path(database).is_file():
            raise DatabaseNotAsked("there is no database file")
    found = asyncio.run(_live_row_exists(url, model, owner_id or ""))
    if not found:
        noun = "partner" if partner is not None else "tenant"
        raise typer.BadParameter(
            f"no {noun} {owner_id} in the configured database (it does not exist or was deleted)",
            param_hint=f"'{option}'",
        )


async def _live_row_exists(url: str, model: type[ResourceColumns], row_id: str) -> bool:
    # aiosqlite and asyncpg both take `timeout`: seconds to wait for the database.
    engine = create_async_engine(
        url, poolclass=NullPool, connect_args={"timeout": CONNECT_TIMEOUT_SECONDS}
    )
    statement = select(model.id).where(model.id == row_id, model.deleted_at.is_(None))
    try:
        async with engine.connect() as connection:
            return (await connection.execute(statement)).first() is not None
    except (SQLAlchemyError, OSError, TimeoutError) as exc:
        reason = getattr(exc, "orig", None) or exc
        raise DatabaseNotAsked(str(reason)) from exc
    finally:
        await engine.dispose()
