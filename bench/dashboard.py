"""Dashboard queries on a scale data set: p50 latency and CPU per request.

Seeds a PostgreSQL database with `db.seed_scale` (by default 1,000,000 users in 5 tenants, one
holding 90%, and 5,000,000 audit events over 90 days; minutes by COPY), serves it with
`scaigate serve` on 127.0.0.1 and drives, with the GraphQL that exists today:

- tenant-users: the first 20 users of the largest tenant, with their count and last sign-in;
- users-ann: the users of the largest tenant whose e-mail contains "ann", by last sign-in
  (newest first), the first 20;
- audit-week: the audit events of the last 7 days, counted by day and by result;
- tenants: every tenant with its users' and sessions' counts.

    .venv/bin/python -m bench.dashboard [--users 1000000] [--audit-events 5000000]
        [--database-url postgresql+asyncpg://…]   # reuse (and seed, if empty) a database
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

from bench.load import Send
from bench.run import POSTGRES_ADMIN_DSN, Scenario, measure_served, print_results
from core.principals import Role
from core.settings import Settings
from db.engine import create_engine
from db.models import User
from db.scratch import scratch_database
from db.seed_scale import ScalePlan, seed_scale
from gateway.tokens import issue_token

TENANT_USERS = """
query ($tenant: ID) {
  users(first: 20, tenantId: $tenant) { totalCount nodes { id email displayName lastSignInAt } }
}
"""
USERS_ANN = """
query ($tenant: ID) {
  users(
    first: 20, tenantId: $tenant, filter: { email: { contains: "ann" } },
    orderBy: [LAST_SIGN_IN_AT_DESC]
  ) { nodes { id email displayName lastSignInAt } }
}
"""
AUDIT_WEEK = """
query ($since: DateTime) {
  auditEvents(first: 0, filter: { createdAt: { gte: $since } }) {
    byDay: countBy(field: CREATED_DAY) { key count }
    byResult: countBy(field: RESULT) { key count }
  }
}
"""
TENANTS = """
{ tenants(first: 20) { nodes { id name users { totalCount } sessions { totalCount } } } }
"""


def scenarios(token: str, tenant_id: str) -> list[Scenario]:
    headers = {"Authorization": f"Bearer {token}"}

    def graphql(document: str, variables: Callable[[], dict[str, Any]] = dict) -> Send:
        async def send(client: httpx.AsyncClient) -> httpx.Response:
            body = {"query": document, "variables": variables()}
            return await client.post("/graphql", json=body, headers=headers)

        return send

    def largest() -> dict[str, Any]:
        return {"tenant": tenant_id}

    def last_week() -> dict[str, Any]:
        return {"since": (datetime.now(UTC) - timedelta(days=7)).isoformat()}

    return [
        Scenario(
            "tenant-users",
            "users(first: 20, tenantId: <largest>) { totalCount nodes {…} }",
            graphql(TENANT_USERS, largest),
        ),
        Scenario(
            "users-ann",
            'users(first: 20, tenantId: <largest>, filter: {email: {contains: "ann"}}, '
            "orderBy: [LAST_SIGN_IN_AT_DESC]) { nodes {…} }",
            graphql(USERS_ANN, largest),
        ),
        Scenario(
            "audit-week",
            "auditEvents(filter: {createdAt: {gte: 7 days ago}}) "
            "{ byDay: countBy(field: CREATED_DAY) byResult: countBy(field: RESULT) }",
            graphql(AUDIT_WEEK, last_week),
        ),
        Scenario(
            "tenants",
            "tenants { users { totalCount } sessions { totalCount } }",
            graphql(TENANTS),
        ),
    ]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument("--database-url", help="a database to use (seeded if it has no partners)")
    parser.add_argument("--users", type=int, default=1_000_000)
    parser.add_argument("--audit-events", type=int, default=5_000_000)
    parser.add_argument("--tenants", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2, help="gateway worker processes")
    parser.add_argument("--concurrency", type=int, default=4, help="requests in flight")
    parser.add_argument("--requests", type=int, default=400, help="per scenario, at most")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per scenario")
    parser.add_argument("--warmup", type=int, default=16, help="unmeasured requests first")
    args = parser.parse_args(argv)
    if min(args.users, args.workers, args.concurrency, args.requests) < 1:
        parser.error("--users, --workers, --concurrency and --requests must be at least 1")
    return args


def database(args: argparse.Namespace, workdir: Path) -> AbstractAsyncContextManager[str]:
    if args.database_url:

        @asynccontextmanager
        async def given() -> AsyncIterator[str]:
            yield args.database_url

        return given()
    return scratch_database(args.db, workdir, postgres_admin_dsn=POSTGRES_ADMIN_DSN, label="dash")


async def largest_tenant(url: str) -> str:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            statement = (
                select(User.tenant_id)
                .group_by(User.tenant_id)
                .order_by(func.count().desc())
                .limit(1)
            )
            return str(await connection.scalar(statement))
    finally:
        await engine.dispose()


async def main(args: argparse.Namespace) -> int:
    plan = ScalePlan(users=args.users, audit_events=args.audit_events, tenants=args.tenants)
    with tempfile.TemporaryDirectory(prefix="scaigate-dashboard-") as tmp:
        workdir = Path(tmp)
        async with database(args, workdir) as url:
            started = time.perf_counter()
            report = await seed_scale(url, plan)
            seeded = ", ".join(f"{n} {table}" for table, n in report.rows.items()) or "nothing"
            print(f"Seeded {seeded} in {time.perf_counter() - started:.1f} s", flush=True)
            settings = Settings(database_url=url, env="development")
            token = issue_token(settings, role=Role.SUPER_ADMIN, subject="usr_bench")
            chosen = scenarios(token, await largest_tenant(url))
            rows = await measure_served(args, settings, chosen, workdir, gc_tuning=True)
            print_results(args, rows)
    return 1 if any(result.errors for _, result in rows) else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse_args())))
