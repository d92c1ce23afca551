"""`scaigate seed`: a demo data set, a generated size, or a scale data set for dashboards,
with a progress bar for the large ones."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from gateway.cli_console import database_errors, redacted, stderr
from gateway.cli_settings import read_settings

if TYPE_CHECKING:
    from db.seed import SeedPlan, SeedReport
    from db.seed_scale import ScaleReport

T = TypeVar("T")

# Seeds larger than this show a progress bar.
_PROGRESS_FROM_ROWS = 5_000


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
    settings = read_settings()
    with database_errors(settings.database_url):
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
    settings = read_settings()
    with database_errors(settings.database_url):
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
    typer.echo(f"Seeded {redacted(url)}: {counts}.")
    return True


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("rows"),
        TimeElapsedColumn(),
        console=stderr,
    )
