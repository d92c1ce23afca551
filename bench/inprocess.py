"""CPU per request of the gateway's own code, measured in one process, one request at a time.

The served benchmark (`bench.run`) measures the whole process tree under concurrent load,
which a busy shared machine inflates (every process's CPU time grows with contention). This
one builds the app in-process on a seeded database, calls it as an ASGI server would (no
HTTP client, no sockets), one request after another, and divides the process's CPU time by
the requests served; PostgreSQL's backends are measured as in `bench.run`. What it leaves
out is the server (uvicorn's parsing and writing) and concurrency; what it keeps is every
middleware, the routing, authentication, the plan and the JSON.

    .venv/bin/python -m bench.inprocess --db postgresql [--scenario flat …] [--requests 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import orjson

from bench.cpu import spent
from bench.run import (
    FLAT_QUERY,
    POSTGRES_ADMIN_DSN,
    REST_PATH,
    WIDE_QUERY,
    add_data_set_arguments,
    data_set_plan,
    database_meter,
)
from core.principals import Role
from core.settings import Settings
from db.scratch import scratch_database
from db.seed import seed
from gateway.app import create_app
from gateway.tokens import issue_token

SCENARIOS = ("flat", "rest", "wide")
Asgi = Callable[[dict[str, Any], Any, Any], Awaitable[None]]


async def call(app: Asgi, method: str, target: str, headers: dict[str, str], body: bytes) -> int:
    """One request through the app; its status (the body is read and dropped)."""
    path, _, query = target.partition("?")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }
    sent = False
    status = 0

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            await asyncio.sleep(3600)
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = int(message["status"])

    await app(scope, receive, send)
    return status


def requests_of(token: str) -> dict[str, tuple[str, str, dict[str, str], bytes]]:
    auth = {"authorization": f"Bearer {token}"}
    post = {**auth, "content-type": "application/json"}
    return {
        "flat": ("POST", "/graphql", post, orjson.dumps({"query": FLAT_QUERY})),
        "rest": ("GET", REST_PATH, auth, b""),
        "wide": ("POST", "/graphql", post, orjson.dumps({"query": WIDE_QUERY})),
    }


async def main(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory(prefix="scaigate-inprocess-") as tmp:
        async with scratch_database(
            args.db, Path(tmp), postgres_admin_dsn=POSTGRES_ADMIN_DSN, label="inprocess"
        ) as url:
            await seed(url, data_set_plan(args))
            settings = Settings(database_url=url, env="development", access_log=False)
            token = issue_token(settings, role=Role.SUPER_ADMIN, subject="usr_bench")
            app = create_app(settings)
            chosen = [name for name in SCENARIOS if not args.scenario or name in args.scenario]
            print(f"{'scenario':<8} {'requests':>8} {'gw CPU ms':>9} {'PG CPU ms':>9}")
            async with app.router.lifespan_context(app), database_meter(args.db, url) as pg:
                for name in chosen:
                    method, target, headers, body = requests_of(token)[name]
                    for _ in range(args.warmup):
                        assert await call(app, method, target, headers, body) == 200
                    pg_before = await pg.snapshot() if pg else None
                    started = time.process_time()
                    for _ in range(args.requests):
                        await call(app, method, target, headers, body)
                    gateway_ms = (time.process_time() - started) * 1000 / args.requests
                    pg_ms = None
                    if pg is not None and pg_before is not None:
                        pg_ms = spent(pg_before, await pg.snapshot()) * 1000 / args.requests
                    shown = "n/a" if pg_ms is None else f"{pg_ms:.2f}"
                    print(f"{name:<8} {args.requests:>8} {gateway_ms:>9.2f} {shown:>9}")
    return 0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_data_set_arguments(parser, db="postgresql")
    parser.add_argument("--requests", type=int, default=2000, help="per scenario")
    parser.add_argument("--warmup", type=int, default=50, help="unmeasured requests first")
    parser.add_argument("--scenario", choices=SCENARIOS, action="append", help="default: all")
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse_args())))
