"""What checking a platform token's application costs per request.

Builds the app in-process on a fresh SQLite file or PostgreSQL database, creates one GLOBAL
SERVICE application, takes a token from `/oauth/token`, and prints:

- the check alone (`PlatformClients.refusal`), with the process's cache warm, and with every
  call reading the application (what a database round trip per request would cost);
- CPU per request of `{ viewer { role } }` over the ASGI app with that token, against a
  platform token minted from the signing key, which names no application and skips the check.

    .venv/bin/python -m bench.platform_tokens [--db postgresql] [--requests 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx

from core.principals import Role
from core.settings import Settings
from db.enums import ApplicationLevel, ApplicationType
from db.ids import IdPrefix, new_id
from db.models import Application
from db.scratch import scratch_database
from gateway.app import create_app
from gateway.tokens import issue_token, verify_token
from resolvers import secrets
from resolvers.platform_clients import PlatformClients

POSTGRES_ADMIN_DSN = os.environ.get(
    "SCAIGATE_BENCH_POSTGRES_DSN", "postgresql://postgres@127.0.0.1:5432/postgres"
)
QUERY = {"query": "{ viewer { role } }"}


async def _per_call(calls: int, call: Callable[[], Awaitable[object]]) -> tuple[float, float]:
    """(wall µs, CPU µs) per call of `call`, after a warm-up."""
    for _ in range(min(calls, 100)):
        await call()
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(calls):
        await call()
    return (
        (time.perf_counter() - wall) / calls * 1e6,
        (time.process_time() - cpu) / calls * 1e6,
    )


async def _bench(kind: str, requests: int, workdir: Path) -> None:
    async with scratch_database(
        kind, workdir, postgres_admin_dsn=POSTGRES_ADMIN_DSN, label="bench"
    ) as url:
        settings = Settings(database_url=url, access_log=False, log_level="WARNING", _env_file=None)  # type: ignore[call-arg]
        app = create_app(settings)
        async with app.router.lifespan_context(app):
            issued = await secrets.issue_client_secret()
            client_id = secrets.new_client_id()
            async with app.state.sessions() as session, session.begin():
                session.add(
                    Application(
                        id=new_id(IdPrefix.APPLICATION),
                        level=ApplicationLevel.GLOBAL.value,
                        app_type=ApplicationType.SERVICE.value,
                        name="Bench client",
                        client_id=client_id,
                        client_secret_hash=issued.hash,
                        enabled=True,
                        allowed_scopes=["admin:read"],
                        redirect_uris=[],
                        allowed_origins=[],
                        token_lifetime=3600,
                        token_exchange_allowed=False,
                    )
                )
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
                response = await http.post(
                    "/oauth/token",
                    data={"grant_type": "client_credentials"},
                    auth=(client_id, issued.plain),
                )
                response.raise_for_status()
                checked = response.json()["access_token"]
                minted = issue_token(
                    settings, role=Role.PLATFORM, subject="app_bench", scopes=["admin:read"]
                )
                principal = verify_token(settings, checked)

                warm: PlatformClients = app.state.platform_clients
                cold = PlatformClients(app.state.sessions, ttl_seconds=0)
                calls = requests * 10
                print(f"database: {kind}")
                for label, clients, count in (
                    ("check, cache warm", warm, calls),
                    ("check, reading the application each time", cold, requests),
                ):
                    wall, cpu = await _per_call(count, lambda c=clients: c.refusal(principal))  # type: ignore[misc]
                    print(f"  {label:45} {wall:9.2f} µs wall  {cpu:9.2f} µs CPU  per request")

                async def get(token: str) -> None:
                    answer = await http.post(
                        "/graphql", json=QUERY, headers={"Authorization": f"Bearer {token}"}
                    )
                    answer.raise_for_status()

                for label, token in (
                    ("request, minted token (no check)", minted),
                    ("request, client credentials token (checked)", checked),
                    ("request, minted token (no check), again", minted),
                    ("request, client credentials token, again", checked),
                ):
                    wall, cpu = await _per_call(requests, lambda t=token: get(t))  # type: ignore[misc]
                    print(f"  {label:45} {wall:9.1f} µs wall  {cpu:9.1f} µs CPU  per request")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--requests", type=int, default=2000)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="scaigate-bench-") as workdir:
        asyncio.run(_bench(arguments.db, arguments.requests, Path(workdir)))


if __name__ == "__main__":
    main()
