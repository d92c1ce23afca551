"""Liveness and readiness probes: unauthenticated, outside the OpenAPI document."""

from __future__ import annotations

import asyncio

import structlog
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from db.availability import describe_outage, outage_cause

READINESS_TIMEOUT_SECONDS = 2.0

logger = structlog.stdlib.get_logger("scaigate.health")


async def database_problem(engine: AsyncEngine, seconds: float) -> str | None:
    """None when the database answers `SELECT 1` within `seconds`, else why not."""
    try:
        async with asyncio.timeout(seconds):
            async with engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
    except TimeoutError:
        return f"database did not answer within {seconds:g} s"
    except Exception as exc:
        # The class names the failure; the message (hosts, users) stays in the log, on one
        # line: a probe that fails every few seconds must not render a traceback each time.
        cause = outage_cause(exc) or exc
        logger.warning("readiness_check_failed", error=describe_outage(cause))
        return f"database unavailable ({type(exc).__name__})"
    return None


def health_router() -> APIRouter:
    router = APIRouter()

    @router.get("/healthz", include_in_schema=False)
    async def healthz() -> JSONResponse:
        """The process is alive and serving; touches nothing else."""
        return JSONResponse({"status": "ok"})

    @router.get("/readyz", include_in_schema=False)
    async def readyz(request: Request) -> JSONResponse:
        """Ready for traffic: the database answers."""
        engine: AsyncEngine | None = getattr(request.app.state, "engine", None)
        if engine is None:
            problem: str | None = "not started"
        else:
            problem = await database_problem(engine, READINESS_TIMEOUT_SECONDS)
        if problem is not None:
            return JSONResponse({"status": "unavailable", "reason": problem}, status_code=503)
        return JSONResponse({"status": "ok"})

    return router
