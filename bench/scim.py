"""SCIM on a large tenant: `userName eq` look-ups under load, and a PATCH adding many members.

Seeds a PostgreSQL database with `db.seed_scale` so that one tenant holds `--users` users
(100,000 by default; a few thousand more sit in two small tenants beside it), creates a SCIM
token for that tenant through the REST API (`POST /api/v1/admin/tenants/{id}/scim-tokens`),
serves the gateway with `scaigate serve` on 127.0.0.1 (development mode, so answers carry
`X-SQL-Statements`), then

1. lookup: `GET /scim/v2/{tenant}/Users?filter=userName eq "<e-mail>"`, the e-mail drawn in
   turn from a few thousand existing ones, as Okta does before each create: requests, p50,
   p99, SQL statements and CPU milliseconds per request of the gateway's process tree and of
   the PostgreSQL backends (`bench.cpu`), with `--concurrency` clients and again with one
   (the latency of a look-up without queueing behind the others);
2. patch: one `PATCH /Groups/{id}` adding `--members` existing users to an empty group: first
   with one unknown id among them (refused: the group must still have no member), then as
   sent by a client (its wall time and SQL statements printed; the group must then hold every
   member: all or nothing, one transaction).

    .venv/bin/python -m bench.scim [--users 100000] [--duration 10] [--members 1000]
        [--database-url postgresql+asyncpg://…]   # reuse (and seed, if empty) a database
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

from bench.cpu import GatewayCpu
from bench.dashboard import database, largest_tenant
from bench.load import LoadResult
from bench.run import (
    HOST,
    Meters,
    Scenario,
    database_meter,
    free_port,
    gateway_process,
    measure,
    print_results,
    wait_until_ready,
)
from core.principals import Role
from core.settings import Settings
from db.engine import create_engine
from db.models import GroupMember, User
from db.seed_scale import ScalePlan, seed_scale
from gateway.tokens import issue_token

SMALL_TENANT_USERS = 1_000  # in each of the two tenants beside the large one
SAMPLE = 5_000  # existing e-mails the look-ups cycle through
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"
PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
SCIM_JSON = "application/scim+json"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="a database to use (seeded if it has no partners)")
    parser.add_argument("--users", type=int, default=100_000, help="users of the large tenant")
    parser.add_argument("--members", type=int, default=1_000, help="members the PATCH adds")
    parser.add_argument("--workers", type=int, default=2, help="gateway worker processes")
    parser.add_argument("--concurrency", type=int, default=16, help="requests in flight")
    parser.add_argument("--requests", type=int, default=1_000_000, help="look-ups, at most")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of look-ups")
    parser.add_argument("--warmup", type=int, default=64, help="unmeasured look-ups first")
    args = parser.parse_args(argv)
    if min(args.users, args.members, args.workers, args.concurrency, args.requests) < 1:
        parser.error("--users, --members, --workers, --concurrency, --requests: at least 1")
    if args.members > args.users:
        parser.error("--members cannot exceed --users")
    if args.duration <= 0:
        parser.error("--duration must be positive")
    args.db = "postgresql"  # what `bench.dashboard.database` and `print_results` read
    return args


def plan_of(users: int) -> ScalePlan:
    """A plan whose first tenant holds exactly `users` users, beside two small tenants."""
    total = users + 2 * SMALL_TENANT_USERS
    return ScalePlan(users=total, tenants=3, partners=2, main_share=users / total)


async def sample_users(url: str, tenant_id: str, size: int) -> list[tuple[str, str]]:
    """(id, e-mail) of `size` live users of the tenant, drawn at random."""
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            statement = (
                select(User.id, User.email)
                .where(User.tenant_id == tenant_id, User.deleted_at.is_(None))
                .order_by(func.random())
                .limit(size)
            )
            return [(row.id, row.email) for row in await connection.execute(statement)]
    finally:
        await engine.dispose()


async def member_count(url: str, group_id: str) -> int:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            statement = select(func.count()).where(GroupMember.group_id == group_id)
            return int(await connection.scalar(statement) or 0)
    finally:
        await engine.dispose()


async def create_scim_token(client: httpx.AsyncClient, admin_token: str, tenant_id: str) -> str:
    response = await client.post(
        f"/api/v1/admin/tenants/{tenant_id}/scim-tokens",
        json={"name": "Bench"},
        headers={"Authorization": f"Bearer {admin_token}"},
    )
    if response.status_code != 201:
        raise SystemExit(f"creating the SCIM token: HTTP {response.status_code} {response.text}")
    secret: str = response.json()["secret"]
    return secret


def lookup(base: str, headers: dict[str, str], emails: list[str]) -> Scenario:
    turn = itertools.cycle(emails)

    async def send(client: httpx.AsyncClient) -> httpx.Response:
        params = {"filter": f'userName eq "{next(turn)}"'}
        return await client.get(f"{base}/Users", params=params, headers=headers)

    return Scenario("lookup", 'SCIM GET /Users?filter=userName eq "<an existing e-mail>"', send)


async def check_lookups(
    client: httpx.AsyncClient, base: str, headers: dict[str, str], emails: list[str]
) -> None:
    """A few look-ups answer exactly the user asked for (the load counts statuses only)."""
    for email in emails[:5]:
        params = {"filter": f'userName eq "{email.upper()}"'}  # userName ignores case
        response = await client.get(f"{base}/Users", params=params, headers=headers)
        body = response.json()
        found = [r.get("userName") for r in body.get("Resources", [])]
        if response.status_code != 200 or body.get("totalResults") != 1 or found != [email]:
            raise SystemExit(f"look-up of {email}: HTTP {response.status_code} {body}")


def add_members(ids: list[str]) -> dict[str, Any]:
    value = [{"value": user_id} for user_id in ids]
    return {
        "schemas": [PATCH_SCHEMA],
        "Operations": [{"op": "add", "path": "members", "value": value}],
    }


async def patch_members(
    client: httpx.AsyncClient, base: str, headers: dict[str, str], url: str, ids: list[str]
) -> list[str]:
    """Runs the PATCH scenario; returns its printed lines, or exits on a broken promise."""
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S")
    created = await client.post(
        f"{base}/Groups",
        # a name of its own: a reused database (`--database-url`) keeps earlier runs' groups
        json={"schemas": [GROUP_SCHEMA], "displayName": f"Bench {len(ids)} members {stamp}"},
        headers={**headers, "Content-Type": SCIM_JSON},
    )
    if created.status_code != 201:
        raise SystemExit(f"creating the group: HTTP {created.status_code} {created.text}")
    group = f"{base}/Groups/{created.json()['id']}"
    group_id = created.json()["id"]
    lines = []

    # All or nothing: one unknown id among the members refuses the whole PATCH.
    spoiled = [*ids[:-1], "usr_00000000000000000000000000"]
    refused = await client.patch(group, json=add_members(spoiled), headers=headers)
    after_refusal = await member_count(url, group_id)
    if refused.status_code != 400 or after_refusal != 0:
        raise SystemExit(
            f"a PATCH with an unknown member: HTTP {refused.status_code}, "
            f"{after_refusal} members written (expected 400 and none)"
        )
    lines.append(
        f"  refused (one of {len(ids):,} ids unknown): HTTP 400 "
        f"{refused.json().get('scimType')}, {after_refusal} members written"
    )

    started = time.perf_counter()
    answer = await client.patch(group, json=add_members(ids), headers=headers)
    wall = time.perf_counter() - started
    members = await member_count(url, group_id)
    if answer.status_code != 200 or members != len(ids):
        raise SystemExit(
            f"the PATCH: HTTP {answer.status_code}, {members} of {len(ids)} members written:"
            f" {answer.text[:300]}"
        )
    answered = len(answer.json().get("members", []))
    lines.append(
        f"  PATCH adding {len(ids):,} members: {wall * 1000:,.0f} ms wall, "
        f"{answer.headers.get('x-sql-statements', 'n/a')} SQL statements, "
        f"{members:,} members after (all), {answered:,} in the answer"
    )
    # The same PATCH again: every member already in, nothing to insert.
    started = time.perf_counter()
    again = await client.patch(group, json=add_members(ids), headers=headers)
    lines.append(
        f"  the same PATCH again (all already members): HTTP {again.status_code}, "
        f"{(time.perf_counter() - started) * 1000:,.0f} ms wall, "
        f"{again.headers.get('x-sql-statements', 'n/a')} SQL statements, "
        f"{await member_count(url, group_id):,} members after"
    )
    return lines


async def main(args: argparse.Namespace) -> int:
    plan = plan_of(args.users)
    with tempfile.TemporaryDirectory(prefix="scaigate-scim-") as tmp:
        workdir = Path(tmp)
        async with database(args, workdir) as url:
            started = time.perf_counter()
            report = await seed_scale(url, plan)
            seeded = ", ".join(f"{n:,} {table}" for table, n in report.rows.items()) or "nothing"
            print(f"Seeded {seeded} in {time.perf_counter() - started:.1f} s", flush=True)
            tenant_id = await largest_tenant(url)
            sample = await sample_users(url, tenant_id, max(SAMPLE, args.members))
            emails = [email for _, email in sample[:SAMPLE]]
            member_ids = [user_id for user_id, _ in sample[: args.members]]
            settings = Settings(database_url=url, env="development")
            admin = issue_token(settings, role=Role.SUPER_ADMIN, subject="usr_bench")
            port, log = free_port(), workdir / "gateway.log"
            with gateway_process(
                settings, port=port, workers=args.workers, gc_tuning=True, log=log
            ) as process:
                limits = httpx.Limits(max_connections=args.concurrency)
                async with httpx.AsyncClient(
                    base_url=f"http://{HOST}:{port}", limits=limits, timeout=120
                ) as client:
                    await wait_until_ready(client, process, log)
                    secret = await create_scim_token(client, admin, tenant_id)
                    base = f"/scim/v2/{tenant_id}"
                    headers = {"Authorization": f"Bearer {secret}"}
                    await check_lookups(client, base, headers, emails)
                    scenario = lookup(base, headers, emails)
                    results: list[tuple[argparse.Namespace, LoadResult]] = []
                    async with database_meter("postgresql", url) as meter:
                        meters = Meters(GatewayCpu(process.pid), meter)
                        for concurrency in dict.fromkeys((args.concurrency, 1)):
                            run = argparse.Namespace(**{**vars(args), "concurrency": concurrency})
                            results.append((run, await measure(client, scenario, run, meters)))
                    print(
                        f"\ntenant {tenant_id}: {args.users:,} users; look-ups drawn from "
                        f"{len(emails):,}"
                    )
                    for run, result in results:
                        print_results(run, [(scenario, result)])
                    patch_lines = await patch_members(client, base, headers, url, member_ids)
    print(f"\npatch: members of one group, --members {args.members:,}")
    print("\n".join(patch_lines))
    return 1 if any(result.errors for _, result in results) else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse_args())))
