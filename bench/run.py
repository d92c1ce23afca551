"""Throughput of the served gateway on a seeded data set.

Seeds a fresh SQLite file or PostgreSQL database, starts `scaigate serve` on 127.0.0.1 with N
workers, drives it with concurrent httpx clients (bounded by a request count and a time
limit) and prints requests/s, p50/p99 latency, SQL statements per request and CPU
milliseconds per request of the gateway's process tree and of the PostgreSQL backends
serving it (`bench.cpu`; n/a on SQLite) for

- flat: one GraphQL page of 100 users, id and email only;
- nested: partners → tenants → users → groups, the dashboard's GraphQL query;
- rest: one REST list page of 100 users;
- wide: the GraphQL operation reading what the REST page reads (100 users, the same 15
  fields, their total count), so that the two can be compared;
- write: a REST user update, which writes the user and its audit event in one transaction;
- audit: one REST page of 100 audit events, newest first.

    .venv/bin/python -m bench.run [--db postgresql] [--workers 2] [--concurrency 16]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import httpx
from sqlalchemy.engine import make_url

from bench.cpu import GatewayCpu, PostgresBackendsCpu, spent
from bench.load import LoadResult, Send, failure_of, run_load
from core.principals import Role
from core.settings import Settings
from db.scratch import scratch_database
from db.seed import SeedPlan, seed
from gateway.tokens import issue_token
from rest_compat.users import USER

HOST = "127.0.0.1"  # loopback only: the benchmark never listens on or calls other hosts
ROOT = Path(__file__).resolve().parent.parent
POSTGRES_ADMIN_DSN = os.environ.get(
    "SCAIGATE_BENCH_POSTGRES_DSN", "postgresql://postgres@127.0.0.1:5432/postgres"
)

FLAT_QUERY = "{ users(first: 100) { nodes { id email } } }"
NESTED_QUERY = """
{ partners(first: 10) { nodes { id name
    tenants(first: 10) { nodes { id name
      users(first: 10) { nodes { id email
        groups(first: 5) { nodes { id name } } } } } } } } }
"""
# The REST page's own selection, so that `wide` and `rest` read the same data.
WIDE_QUERY = f"{{ users(first: 100) {{ totalCount nodes {{ {USER} }} }} }}"
REST_PATH = "/api/v1/admin/users?per_page=100"
AUDIT_PATH = "/api/v1/admin/audit?per_page=100"
SCENARIOS = ("flat", "nested", "rest", "wide", "write", "audit")


@dataclass(frozen=True)
class Scenario:
    name: str
    describe: str
    send: Send


def scenarios(token: str) -> list[Scenario]:
    headers = {"Authorization": f"Bearer {token}"}

    async def flat(client: httpx.AsyncClient) -> httpx.Response:
        return await client.post("/graphql", json={"query": FLAT_QUERY}, headers=headers)

    async def nested(client: httpx.AsyncClient) -> httpx.Response:
        return await client.post("/graphql", json={"query": NESTED_QUERY}, headers=headers)

    async def rest(client: httpx.AsyncClient) -> httpx.Response:
        return await client.get(REST_PATH, headers=headers)

    async def wide(client: httpx.AsyncClient) -> httpx.Response:
        return await client.post("/graphql", json={"query": WIDE_QUERY}, headers=headers)

    user_ids: list[str] = []
    sequence = itertools.count()

    async def write(client: httpx.AsyncClient) -> httpx.Response:
        # A user update and its audit event in one transaction, spread over 100 users.
        if not user_ids:
            page = await client.get(REST_PATH, headers=headers)
            user_ids.extend(item["id"] for item in page.json()["data"])
        n = next(sequence)
        return await client.patch(
            f"/api/v1/admin/users/{user_ids[n % len(user_ids)]}",
            json={"display_name": f"Bench {n}"},
            headers=headers,
        )

    async def audit(client: httpx.AsyncClient) -> httpx.Response:
        return await client.get(AUDIT_PATH, headers=headers)

    return [
        Scenario("flat", "GraphQL users(first: 100) { nodes { id email } }", flat),
        Scenario("nested", "GraphQL partners→tenants→users→groups (10/10/10/5)", nested),
        Scenario("rest", f"REST GET {REST_PATH}", rest),
        Scenario("wide", "GraphQL users(first: 100), the REST page's 15 fields", wide),
        Scenario("write", "REST PATCH /api/v1/admin/users/{id} (+ its audit event)", write),
        Scenario("audit", f"REST GET {AUDIT_PATH} (after the writes)", audit),
    ]


def add_data_set_arguments(parser: argparse.ArgumentParser, *, db: str) -> None:
    """The database and the size of the seeded data set, shared by the benchmarks."""
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default=db)
    parser.add_argument("--partners", type=int, default=10)
    parser.add_argument("--tenants-per-partner", type=int, default=10)
    parser.add_argument("--users-per-tenant", type=int, default=50)
    parser.add_argument("--groups-per-tenant", type=int, default=5)


def data_set_plan(args: argparse.Namespace) -> SeedPlan:
    """The seed plan of the data-set arguments (`add_data_set_arguments`)."""
    return SeedPlan.uniform(
        partners=args.partners,
        tenants_per_partner=args.tenants_per_partner,
        users_per_tenant=args.users_per_tenant,
        groups_per_tenant=args.groups_per_tenant,
    )


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_data_set_arguments(parser, db="sqlite")
    parser.add_argument("--workers", type=int, default=2, help="gateway worker processes")
    parser.add_argument("--concurrency", type=int, default=16, help="requests in flight")
    parser.add_argument(
        "--requests",
        type=int,
        default=1_000_000,
        help="per scenario, at most (by default the duration ends a scenario)",
    )
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per scenario")
    parser.add_argument("--warmup", type=int, default=32, help="unmeasured requests first")
    parser.add_argument("--scenario", choices=SCENARIOS, action="append", help="default: all")
    parser.add_argument(
        "--no-gc-tuning", action="store_true", help="serve with the default GC settings"
    )
    args = parser.parse_args(argv)
    for name in ("partners", "workers", "concurrency", "requests"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be at least 1")
    if args.duration <= 0:
        parser.error("--duration must be positive")
    return args


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def gateway_process(
    settings: Settings, *, port: int, workers: int, gc_tuning: bool, log: Path
) -> Iterator[subprocess.Popen[bytes]]:
    """`scaigate serve` in a subprocess, configured like `settings`; stopped on exit."""
    env = {
        **os.environ,
        "SCAIGATE_DATABASE_URL": settings.database_url,
        "SCAIGATE_ENV": settings.env,
        "SCAIGATE_JWT_SIGNING_KEY": settings.jwt_signing_key,
        "SCAIGATE_JWT_ALGORITHM": settings.jwt_algorithm,
        "SCAIGATE_JWT_ISSUER": settings.jwt_issuer,
        "SCAIGATE_JWT_AUDIENCE": settings.jwt_audience,
    }
    command = [
        sys.executable, "-m", "gateway.cli", "serve",
        "--host", HOST, "--port", str(port), "--workers", str(workers),
        "--no-access-log", "--gc-tuning" if gc_tuning else "--no-gc-tuning",
    ]  # fmt: skip
    with log.open("wb") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=output)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


async def wait_until_ready(
    client: httpx.AsyncClient, process: subprocess.Popen[bytes], log: Path
) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the gateway exited ({process.returncode}):\n{tail(log)}")
        with contextlib.suppress(httpx.HTTPError):
            response = await client.post("/graphql", json={"query": "{ __typename }"})
            if response.status_code == 200:
                return
        await asyncio.sleep(0.25)
    raise SystemExit(f"the gateway did not answer within 90 s:\n{tail(log)}")


def tail(log: Path, lines: int = 30) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


def number(value: float | None, digits: int = 1) -> str:
    return "n/a" if value is None else f"{value:,.{digits}f}"


def print_results(args: argparse.Namespace, rows: list[tuple[Scenario, LoadResult]]) -> None:
    header = (
        f"{'scenario':<8} {'ok':>6} {'errors':>6} {'req/s':>9} {'p50 ms':>9} {'p99 ms':>9} "
        f"{'SQL/req':>8} {'KB/resp':>8} {'client CPU':>10} {'gw CPU ms':>9} {'PG CPU ms':>9}"
    )
    print()
    print(
        f"workers={args.workers} concurrency={args.concurrency} db={args.db} "
        f"(client and server share this machine's {os.cpu_count()} CPUs)"
    )
    print(header)
    print("-" * len(header))
    for scenario, result in rows:
        client_share = result.client_cpu / result.elapsed * 100 if result.elapsed else 0.0
        print(
            f"{scenario.name:<8} {len(result.latencies):>6} {result.errors:>6} "
            f"{number(result.requests_per_second):>9} {number(result.percentile_ms(0.5)):>9} "
            f"{number(result.percentile_ms(0.99)):>9} "
            f"{number(result.statements_per_request):>8} "
            f"{number(result.kilobytes_per_response):>8} {client_share:>9.0f}% "
            f"{number(result.cpu_ms_per_request(result.gateway_cpu), 2):>9} "
            f"{number(result.cpu_ms_per_request(result.database_cpu), 2):>9}"
        )
    print(
        "  gw/PG CPU ms: CPU time per request of the gateway's process tree and of the "
        "PostgreSQL backends connected to the benchmark's database"
    )
    for scenario, result in rows:
        print(f"  {scenario.name}: {scenario.describe}")
        if result.first_error:
            print(f"    first error: {result.first_error}")
    ratio = rest_to_wide(rows)
    if ratio is not None:
        print(
            f"  rest/wide gateway CPU: {ratio:.2f} (the REST page over the GraphQL operation "
            "reading the same data; issue 10 asks for at most 1.2)"
        )


def rest_to_wide(rows: list[tuple[Scenario, LoadResult]]) -> float | None:
    """The REST page's gateway CPU per request over that of `wide`, when both were measured."""
    figures = {
        scenario.name: result.cpu_ms_per_request(result.gateway_cpu) for scenario, result in rows
    }
    rest, wide = figures.get("rest"), figures.get("wide")
    if rest is None or not wide:
        return None
    return rest / wide


async def main(args: argparse.Namespace) -> int:
    plan = data_set_plan(args)
    with tempfile.TemporaryDirectory(prefix="scaigate-bench-") as tmp:
        workdir = Path(tmp)
        async with scratch_database(
            args.db, workdir, postgres_admin_dsn=POSTGRES_ADMIN_DSN, label="bench"
        ) as url:
            started = time.perf_counter()
            report = await seed(url, plan)
            print(
                f"Seeded {args.db}: "
                + ", ".join(f"{count} {table}" for table, count in report.rows.items())
                + f" in {time.perf_counter() - started:.1f} s",
                flush=True,
            )
            # Outside production the gateway reports SQL statements per request.
            settings = Settings(database_url=url, env="development")
            token = issue_token(settings, role=Role.SUPER_ADMIN, subject="usr_bench")
            chosen = [s for s in scenarios(token) if not args.scenario or s.name in args.scenario]
            rows = await measure_served(
                args, settings, chosen, workdir, gc_tuning=not args.no_gc_tuning
            )
            print_results(args, rows)
    failed = [scenario.name for scenario, result in rows if result.errors]
    return 1 if failed else 0


async def measure_served(
    args: argparse.Namespace,
    settings: Settings,
    chosen: list[Scenario],
    workdir: Path,
    *,
    gc_tuning: bool,
) -> list[tuple[Scenario, LoadResult]]:
    """Serves `settings`' database with `scaigate serve` (`args.workers` processes, its log in
    `workdir`) and measures each scenario, with the CPU of the gateway and of PostgreSQL."""
    port, log = free_port(), workdir / "gateway.log"
    rows: list[tuple[Scenario, LoadResult]] = []
    with gateway_process(
        settings, port=port, workers=args.workers, gc_tuning=gc_tuning, log=log
    ) as process:
        limits = httpx.Limits(max_connections=args.concurrency)
        async with httpx.AsyncClient(
            base_url=f"http://{HOST}:{port}", limits=limits, timeout=120
        ) as client:
            await wait_until_ready(client, process, log)
            async with database_meter(args.db, settings.database_url) as database:
                meters = Meters(GatewayCpu(process.pid), database)
                for scenario in chosen:
                    rows.append((scenario, await measure(client, scenario, args, meters)))
    return rows


@dataclass(frozen=True)
class Meters:
    gateway: GatewayCpu
    database: PostgresBackendsCpu | None  # None on SQLite: it runs inside the gateway


@contextlib.asynccontextmanager
async def database_meter(kind: str, url: str) -> AsyncIterator[PostgresBackendsCpu | None]:
    if kind != "postgresql":
        yield None
        return
    admin = await asyncpg.connect(POSTGRES_ADMIN_DSN)
    try:
        yield PostgresBackendsCpu(admin, str(make_url(url).database))
    finally:
        await admin.close()


async def measure(
    client: httpx.AsyncClient, scenario: Scenario, args: argparse.Namespace, meters: Meters
) -> LoadResult:
    probe = await scenario.send(client)
    problem = failure_of(probe)
    if problem is not None:
        result = LoadResult()
        result.record_error(problem)
        print(f"{scenario.name}: skipped, the first request failed", file=sys.stderr)
        return result
    print(f"{scenario.name}: warming up, then at most {args.requests} requests or "
          f"{args.duration:g} s", file=sys.stderr)  # fmt: skip
    await run_load(
        client,
        scenario.send,
        concurrency=args.concurrency,
        max_requests=args.warmup,
        duration=args.duration / 4,
    )
    gateway_before = await meters.gateway.snapshot()
    database_before = await meters.database.snapshot() if meters.database else None
    result = await run_load(
        client,
        scenario.send,
        concurrency=args.concurrency,
        max_requests=args.requests,
        duration=args.duration,
    )
    result.gateway_cpu = spent(gateway_before, await meters.gateway.snapshot())
    if meters.database is not None and database_before is not None:
        result.database_cpu = spent(database_before, await meters.database.snapshot())
    return result


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse_args())))
