"""The `scaigate` command: serve, migrate, seed, issue tokens, print the schema and the OpenAPI.

Each command group lives in a module of its own (`gateway/cli_<group>.py`); this one gathers
them into the app that the console entry point and `python -m gateway.cli` run. The heavy
imports (the schema, the app, uvicorn) happen inside the commands that need them, so that
`scaigate token` answers at once.
"""

from __future__ import annotations

import typer

from gateway.cli_db import db_app
from gateway.cli_openapi import print_openapi
from gateway.cli_operations import operations_app
from gateway.cli_schema import print_schema
from gateway.cli_seed import seed
from gateway.cli_serve import serve
from gateway.cli_token import token

# Without rich markup, usage errors are printed by click as plain lines: rich draws them in a
# box as wide as the terminal (80 columns when piped), cutting paths and ids in two.
app = typer.Typer(
    name="scaigate",
    help="ScaiGate: one GraphQL API (and the documented REST paths) over Scai admin data.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)
# `scaigate --help` lists the commands in the order they are registered, then the groups.
app.command()(serve)
app.command()(seed)
app.command()(token)
app.command("schema")(print_schema)
app.command("openapi")(print_openapi)
app.add_typer(db_app, name="db")
app.add_typer(operations_app, name="operations")


if __name__ == "__main__":
    app()
