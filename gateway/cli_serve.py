"""`scaigate serve`: uvicorn serving the app, its workers' metrics directory, and the app
factory that tunes the garbage collector for a server."""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer

from core.settings import Settings
from gateway.cli_settings import read_settings

if TYPE_CHECKING:
    from fastapi import FastAPI

# Where the workers of `serve --workers N` keep their Prometheus samples (gateway/metrics.py).
MULTIPROC_DIR_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"


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
    settings = read_settings()
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
    factory = "gateway.cli_serve:tuned_app" if gc_tuning else "gateway.app:create_app"
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
