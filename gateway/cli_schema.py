"""`scaigate schema`: the GraphQL schema (SDL) on stdout."""

from __future__ import annotations

import typer


def print_schema() -> None:
    """Print the GraphQL schema (SDL), directives included."""
    from schema.schema import schema

    typer.echo(schema.as_str())
