"""Where the `scaigate` commands report: stderr, a database failure that ends a command with
its reason, and database URLs shown without their password."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.console import Console
from rich.markup import escape
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

# soft_wrap: a message is never broken into lines at the console's width (a script reading
# stderr, or a test, finds each message on one line whatever the width or the path length).
stderr = Console(stderr=True, soft_wrap=True)


@contextmanager
def database_errors(url: str, *, migrated: bool = True) -> Iterator[None]:
    """A database that cannot be reached or is not migrated ends the command with a reason."""
    try:
        yield
    except (SQLAlchemyError, OSError) as exc:
        reason = getattr(exc, "orig", None) or exc
        question = "Is it reachable, and migrated (`scaigate db upgrade`)?"
        stderr.print(
            f"[red]Database error[/red] at {escape(redacted(url))}: {escape(str(reason))}\n"
            + (question if migrated else "Is it reachable?"),
            highlight=False,
        )
        raise typer.Exit(1) from exc


def redacted(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)
