"""Running part of a test under other settings than the session's app was built with."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi import FastAPI


@contextmanager
def settings_changed(app: FastAPI, **changes: Any) -> Iterator[None]:
    """The app's settings with `changes` while the block runs (read per request by the
    GraphQL endpoint and the request context)."""
    original = app.state.settings
    app.state.settings = original.model_copy(update=changes)
    try:
        yield
    finally:
        app.state.settings = original
