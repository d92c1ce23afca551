"""`scaigate db`: database maintenance (`db upgrade` migrates to the newest schema)."""

from __future__ import annotations

from pathlib import Path

import typer
from sqlalchemy.engine import make_url

from db.engine import is_sqlite
from gateway.cli_console import database_errors, redacted, stderr
from gateway.cli_settings import read_settings

db_app = typer.Typer(help="Database maintenance.", no_args_is_help=True, rich_markup_mode=None)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Migrate the configured database to the newest schema (Alembic upgrade head)."""
    from db.migrate import upgrade_sync

    settings = read_settings()
    _make_sqlite_directory(settings.database_url)
    with database_errors(settings.database_url, migrated=False):
        upgrade_sync(settings.database_url)
    stderr.print(f"Database is up to date: {redacted(settings.database_url)}")


def _make_sqlite_directory(url: str) -> None:
    database = make_url(url).database
    if is_sqlite(url) and database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
