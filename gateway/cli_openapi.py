"""`scaigate openapi`: the OpenAPI document of the REST paths on stdout."""

from __future__ import annotations

import json

import typer

from gateway.cli_settings import read_settings


def print_openapi() -> None:
    """Print the OpenAPI document of the REST paths (JSON)."""
    from gateway.app import create_app

    typer.echo(json.dumps(create_app(read_settings()).openapi(), indent=2))
