"""The `scaigate` command: serve, migrate, seed, issue tokens, print the schema and the OpenAPI.

The heavy imports (the schema, the app, uvicorn) happen inside the commands that need them,
so that `scaigate token` answers at once.
"""

from __future__ import annotations

import asyncio
import json
import os
import tempfile
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from core.principals import Role
from core.settings import Settings
from db.engine import is_sqlite

if TYPE_CHECKING:
    from fastapi import FastAPI

    from db.seed import SeedPlan, SeedReport
    from db.seed_scale import ScaleReport

T = TypeVar("T")

# Without rich markup, usage errors are printed by click as plain lines: rich draws them in a
# box as wide as the terminal (80 columns when piped), cutting paths and ids in two.
app = typer.Typer(
    name="scaigate",
    help="ScaiGate: one GraphQL API (and the documented REST paths) over Scai admin data.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)
db_app = typer.Typer(help="Database maintenance.", no_args_is_help=True, rich_markup_mode=None)
app.add_typer(db_app, name="db")
operations_app = typer.Typer(
    help="Persisted GraphQL operations.", no_args_is_help=True, rich_markup_mode=None
)
app.add_typer(operations_app, name="operations")

# soft_wrap: a message is never broken into lines at the console's width (a script reading
# stderr, or a test, finds each message on one line whatever the width or the path length).
_stderr = Console(stderr=True, soft_wrap=True)

# Seeds larger than this show a progress bar.
_PROGRESS_FROM_ROWS = 5_000

# Where the workers of `serve --workers N` keep their Prometheus samples (gateway/metrics.py).
MULTIPROC_DIR_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"


def _settings() -> Settings:
    """The configured settings, read afresh; a bad configuration is a usage error."""
    try:
        return Settings()
    except ValidationError as exc:
        raise typer.BadParameter(
            "; ".join(_problem(error) for error in exc.errors()), param_hint="the configuration"
        ) from exc


def _problem(error: Any) -> str:
    """A validation error named by its environment variable (`SCAIGATE_…`)."""
    message = str(error["msg"]).removeprefix("Value error, ")
    if not error["loc"]:
        return message
    prefix = Settings.model_config.get("env_prefix", "")
    name = f"{prefix}{'_'.join(str(part) for part in error['loc'])}".upper()
    return f"{name}: {message}"


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="TCP port.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
    gc_tuning: Annotated[
        bool, typer.Option(help="Freeze start-up objects and raise the GC thresholds.")
    ] = True,
    access_log: Annotated[bool, typer.Option(help="Log every request.")] = True,
) -> None:
    """Serve GraphQL at /graphql and the REST paths under /api/v1 (uvicorn).

    On SIGTERM or SIGINT it stops accepting connections and lets the requests in flight
    finish, for up to SCAIGATE_SHUTDOWN_GRACE_SECONDS.
    """
    if not access_log:
        os.environ["SCAIGATE_ACCESS_LOG"] = "false"  # read by each worker's settings
    settings = _settings()
    with _metrics_directory(workers):
        _serve(settings, host=host, port=port, workers=workers, gc_tuning=gc_tuning)


def _serve(settings: Settings, *, host: str, port: int, workers: int, gc_tuning: bool) -> None:
    import uvicorn

    from gateway.app import prepare_database
    from gateway.logs import configure_logging

    configure_logging(settings)
    if workers > 1:
        # The embedded database migrates itself at start; with several workers that would
        # be several concurrent migrations, so do it once before they are spawned.
        asyncio.run(prepare_database(settings))
    factory = "gateway.cli:tuned_app" if gc_tuning else "gateway.app:create_app"
    uvicorn.run(
        factory,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        # "auto" picks uvloop and httptools when they are installed (uvicorn[standard]).
        loop="auto",
        http="auto",
        # The app writes its own access line and configures logging (gateway/logs.py).
        access_log=False,
        log_config=None,
        log_level=settings.log_level.lower(),
        timeout_graceful_shutdown=settings.shutdown_grace_seconds,
    )


@contextmanager
def _metrics_directory(workers: int) -> Iterator[None]:
    """With several workers, a fresh PROMETHEUS_MULTIPROC_DIR for their metric files (unless
    one is configured), removed when the server stops. It is set before any worker imports
    prometheus-client, which reads it once."""
    if workers == 1 or os.environ.get(MULTIPROC_DIR_VARIABLE):
        yield
        return
    with tempfile.TemporaryDirectory(prefix="scaigate-metrics-") as directory:
        os.environ[MULTIPROC_DIR_VARIABLE] = directory
        try:
            yield
        finally:
            del os.environ[MULTIPROC_DIR_VARIABLE]


def tuned_app() -> FastAPI:
    """The app with the garbage collector tuned for a server (uvicorn factory, one per worker).

    Everything alive once start-up is done (modules, the schema, the engine) is frozen out
    of collection, young collections run less often, and full ones on a schedule
    (`gateway.garbage_collection`).
    """
    from gateway.app import create_app
    from gateway.garbage_collection import tuned

    application = create_app()
    application.router.lifespan_context = tuned(application.router.lifespan_context)
    return application


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Migrate the configured database to the newest schema (Alembic upgrade head)."""
    from db.migrate import upgrade_sync

    settings = _settings()
    _make_sqlite_directory(settings.database_url)
    with _database_errors(settings.database_url, migrated=False):
        upgrade_sync(settings.database_url)
    _stderr.print(f"Database is up to date: {_redacted(settings.database_url)}")


@app.command()
def seed(
    demo: Annotated[bool, typer.Option("--demo", help="A small, realistic demo data set.")] = False,
    partners: Annotated[int | None, typer.Option(min=1, help="Partners to create.")] = None,
    tenants_per_partner: Annotated[int, typer.Option(min=0)] = 10,
    users_per_tenant: Annotated[int, typer.Option(min=0)] = 50,
    groups_per_tenant: Annotated[int, typer.Option(min=0)] = 5,
    users: Annotated[
        int | None,
        typer.Option(min=1, help="Scale data set: this many users in a few tenants."),
    ] = None,
    audit_events: Annotated[
        int, typer.Option(min=0, help="Scale data set: audit events over the last 90 days.")
    ] = 0,
    tenants: Annotated[
        int, typer.Option(min=2, max=1000, help="Scale data set: tenants (the first holds 90%).")
    ] = 5,
) -> None:
    """Seed an empty database: `--demo`, a generated size with `--partners N …`, or a scale
    data set for dashboards with `--users N --audit-events M` (COPY on PostgreSQL).

    A database that already has partners is left untouched.
    """
    from db.seed import DEMO_PLAN, SeedPlan
    from gateway.app import prepare_database

    if [demo, partners is not None, users is not None].count(True) != 1:
        raise typer.BadParameter(
            "give one of --demo, --partners N (with the per-level sizes) "
            "or --users N (with --audit-events M)",
            param_hint="'--demo' / '--partners' / '--users'",
        )
    if users is not None:
        _seed_scale(users=users, audit_events=audit_events, tenants=tenants)
        return
    plan = DEMO_PLAN
    if partners is not None:
        plan = SeedPlan.uniform(
            partners=partners,
            tenants_per_partner=tenants_per_partner,
            users_per_tenant=users_per_tenant,
            groups_per_tenant=groups_per_tenant,
        )
    settings = _settings()
    with _database_errors(settings.database_url):
        asyncio.run(prepare_database(settings))
        report = _seed_with_progress(settings.database_url, plan)
    if not _reported(settings.database_url, report):
        return
    for client in report.platform_clients:
        typer.echo(
            f"Platform client {client.name!r} ({' '.join(client.scopes)}): "
            f"client_id={client.client_id} client_secret={client.client_secret}"
        )
    if report.platform_clients:
        typer.echo("Client secrets are stored hashed and are not shown again.")
    if report.demo_admin is not None:
        admin = report.demo_admin
        typer.echo(
            f"Super admin: email={admin.email} password={admin.password} "
            f"(tenant {admin.tenant_slug}); sign in with POST /auth/sign-in"
        )


def _seed_scale(*, users: int, audit_events: int, tenants: int) -> None:
    from db.seed_scale import ScalePlan, seed_scale
    from gateway.app import prepare_database

    plan = ScalePlan(users=users, audit_events=audit_events, tenants=tenants)
    settings = _settings()
    with _database_errors(settings.database_url):
        asyncio.run(prepare_database(settings))
        report = _with_progress(
            plan.total_rows,
            lambda progress: seed_scale(settings.database_url, plan, progress=progress),
        )
    _reported(settings.database_url, report)


def _seed_with_progress(url: str, plan: SeedPlan) -> SeedReport:
    from db.seed import seed as seed_database

    if plan.total_rows < _PROGRESS_FROM_ROWS:
        return asyncio.run(seed_database(url, plan))
    return _with_progress(
        plan.total_rows, lambda progress: seed_database(url, plan, progress=progress)
    )


def _with_progress(total: int, run: Callable[[Callable[[int], None]], Coroutine[Any, Any, T]]) -> T:
    """Runs a seed (`run`, given its progress callback) under a progress bar of `total` rows."""
    with _progress() as progress:
        task = progress.add_task("Seeding", total=total)
        return asyncio.run(run(lambda rows: progress.advance(task, rows)))


def _reported(url: str, report: SeedReport | ScaleReport) -> bool:
    """Says what a seed wrote, or why it wrote nothing; whether it wrote."""
    if report.skipped:
        typer.echo(
            f"The database already has {report.existing_partners} partner(s); nothing seeded."
        )
        return False
    counts = ", ".join(f"{count} {table}" for table, count in report.rows.items())
    typer.echo(f"Seeded {_redacted(url)}: {counts}.")
    return True


@contextmanager
def _database_errors(url: str, *, migrated: bool = True) -> Iterator[None]:
    """A database that cannot be reached or is not migrated ends the command with a reason."""
    try:
        yield
    except (SQLAlchemyError, OSError) as exc:
        reason = getattr(exc, "orig", None) or exc
        question = "Is it reachable, and migrated (`scaigate db upgrade`)?"
        _stderr.print(
            f"[red]Database error[/red] at {escape(_redacted(url))}: {escape(str(reason))}\n"
            + (question if migrated else "Is it reachable?"),
            highlight=False,
        )
        raise typer.Exit(1) from exc


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("rows"),
        TimeElapsedColumn(),
        console=_stderr,
    )


@app.command()
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
    from gateway.cli_token import (
        DatabaseNotAsked,
        check_ids,
        check_owner_exists,
        check_ttl,
        token_role,
    )
    from gateway.tokens import issue_token

    scopes = scope or []
    role = token_role(role, scopes)
    check_ids(role, partner=partner, tenant=tenant)
    settings = _settings()
    check_ttl(settings, ttl)
    try:
        check_owner_exists(settings, partner=partner, tenant=tenant)
    except DatabaseNotAsked as exc:
        _stderr.print(
            f"[yellow]Warning[/yellow]: could not check that {escape(partner or tenant or '')} "
            f"exists in {escape(_redacted(settings.database_url))} ({escape(str(exc))}).",
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


@app.command("schema")
def print_schema() -> None:
    """Print the GraphQL schema (SDL), directives included."""
    from schema.schema import schema

    typer.echo(schema.as_str())


@app.command("openapi")
def print_openapi() -> None:
    """Print the OpenAPI document of the REST paths (JSON)."""
    from gateway.app import create_app

    typer.echo(json.dumps(create_app(_settings()).openapi(), indent=2))


@operations_app.command("register")
def operations_register(
    file: Annotated[
        Path,
        typer.Argument(
            exists=True, dir_okay=False, readable=True, help="A .graphql file of operations."
        ),
    ],
) -> None:
    """Register every operation of a .graphql file, printing each one's name and hash.

    Registered operations are the ones that run when SCAIGATE_PERSISTED_OPERATIONS=allowlist.
    Each is stored as its canonical text: the operation alone, with the fragments it uses.
    Clients send its hash (extensions.persistedQuery.sha256Hash) or the operation itself.
    Registering an operation again changes nothing.
    """
    from graphql import GraphQLError, parse, validate

    from gateway.app import prepare_database
    from gateway.persisted_operations import register_operations, standalone_documents
    from schema.schema import schema
    from schema.strawberry_private import graphql_core_schema

    try:
        document = parse(file.read_text(encoding="utf-8"))
    except (GraphQLError, UnicodeDecodeError) as exc:
        raise typer.BadParameter(f"{file}: {exc}", param_hint="FILE") from exc
    operations = standalone_documents(document)
    if not operations:
        raise typer.BadParameter(f"{file} holds no operation", param_hint="FILE")
    if errors := validate(graphql_core_schema(schema), document):
        for error in errors:
            _stderr.print(
                f"[red]{escape(str(file))}[/red]: {escape(error.message)}", highlight=False
            )
        _stderr.print("Nothing registered: the operations do not validate against the schema.")
        raise typer.Exit(1)
    settings = _settings()
    with _database_errors(settings.database_url):
        asyncio.run(prepare_database(settings))
        registered = asyncio.run(register_operations(settings.database_url, operations))
    for name, sha256 in registered:
        typer.echo(f"{name or '(anonymous)'}  {sha256}")
    _stderr.print(
        f"Registered {len(registered)} operation(s) in {_redacted(settings.database_url)}.",
        highlight=False,
    )


def _make_sqlite_directory(url: str) -> None:
    database = make_url(url).database
    if is_sqlite(url) and database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)


def _redacted(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


if __name__ == "__main__":
    app()
