"""`scaigate operations`: persisted GraphQL operations (`operations register` stores those of
a .graphql file)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from gateway.cli_console import database_errors, redacted, stderr
from gateway.cli_settings import read_settings

operations_app = typer.Typer(
    help="Persisted GraphQL operations.", no_args_is_help=True, rich_markup_mode=None
)


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
            stderr.print(
                f"[red]{escape(str(file))}[/red]: {escape(error.message)}", highlight=False
            )
        stderr.print("Nothing registered: the operations do not validate against the schema.")
        raise typer.Exit(1)
    settings = read_settings()
    with database_errors(settings.database_url):
        asyncio.run(prepare_database(settings))
        registered = asyncio.run(register_operations(settings.database_url, operations))
    for name, sha256 in registered:
        typer.echo(f"{name or '(anonymous)'}  {sha256}")
    stderr.print(
        f"Registered {len(registered)} operation(s) in {redacted(settings.database_url)}.",
        highlight=False,
    )
