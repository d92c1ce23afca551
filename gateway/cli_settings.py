"""The configuration as the `scaigate` commands read it: a bad one is a usage error that names
each problem by its environment variable (`SCAIGATE_…`)."""

from __future__ import annotations

from typing import Any

import typer
from pydantic import ValidationError

from core.settings import Settings


def read_settings() -> Settings:
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
