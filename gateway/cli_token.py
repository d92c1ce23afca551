"""`scaigate token`: a bearer JWT signed with the configured key, and what is checked before
it is printed.

The options must make a token the gateway accepts: a role with the id it needs, a lifetime
the verifier allows, and (when the configured database answers) a partner or tenant that
exists and is not deleted. A token for an id that does not exist would be accepted and then
see nothing; when the database cannot be asked, the token is still printed with a warning on
stderr, since tokens may be minted away from the database they will be used against.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from core.principals import Role
from core.settings import Settings
from db.engine import is_sqlite
from gateway.cli_console import redacted, stderr
from gateway.cli_settings import read_settings

if TYPE_CHECKING:
    from db.base import ResourceColumns
    from db.ids import IdPrefix

CONNECT_TIMEOUT_SECONDS = 5.0


def token(
    role: Annotated[
        Role | None, typer.Option(help="Admin role; omit for a platform token with --scope.")
    ] = None,
    partner: Annotated[
        str | None, typer.Option(help="Partner id (prt_…) of a partner_admin.")
    ] = None,
    tenant: Annotated[str | None, typer.Option(help="Tenant id (tnt_…) of a tenant_admin.")] = None,
    scope: Annotated[
        list[str] | None,
        typer.Option(help="Scope of a platform token, e.g. admin:read (repeatable)."),
    ] = None,
    subject: Annotated[str | None, typer.Option(help="The token's `sub` claim.")] = None,
    ttl: Annotated[
        int | None, typer.Option(min=1, help="Lifetime in seconds (default: settings).")
    ] = None,
) -> None:
    """Print a bearer JWT signed with the configured key (only the token, on stdout).

    A --partner or --tenant must exist in the configured database; when that database cannot
    be asked, a warning goes to stderr and the token is printed all the same.
    """
    from gateway.tokens import issue_token

    scopes = scope or []
    role = token_role(role, scopes)
    check_ids(role, partner=partner, tenant=tenant)
    settings = read_settings()
    check_ttl(settings, ttl)
    try:
        check_owner_exists(settings, partner=partner, tenant=tenant)
    except DatabaseNotAsked as exc:
        stderr.print(
            f"[yellow]Warning[/yellow]: could not check that {escape(partner or tenant or '')} "
            f"exists in {escape(redacted(settings.database_url))} ({escape(str(exc))}).",
            highlight=False,
        )
    default_subject = "app_scaigate_cli" if role is Role.PLATFORM else "usr_scaigate_cli"
    typer.echo(
        issue_token(
            settings,
            role=role,
            subject=subject or default_subject,
            partner_id=partner,
            tenant_id=tenant,
            scopes=scopes,
            ttl_seconds=ttl,
        )
    )


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
    # The id scheme (and the ULID library under it) is imported here rather than at the top,
    # which every `scaigate` command loads: only the token command needs it.
    from db.ids import IdPrefix

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
    from db.ids import prefix_of

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
