"""A PostgreSQL restart under load: what clients see, how fast the gateway heals, what is kept.

Starts a private PostgreSQL cluster (initdb in a temporary directory, run as the `postgres`
OS user on a free port; the machine's own PostgreSQL is never touched), migrates and seeds a
small data set, serves it with `scaigate serve` (2 workers), runs a steady load of REST
writes (partner creates, each with its audit event) and reads (REST and GraphQL) while
`/readyz` is probed, restarts PostgreSQL with `pg_ctl restart -m fast` in the middle, and
prints:

- the cost of logging one unexpected error, in each log format (in this process);
- the status codes answered during the outage, and the slowest `/readyz` answer;
- the time from PostgreSQL accepting connections again to the gateway's first success;
- writes answered 201 vs rows stored, and audit events expected vs stored.

    .venv/bin/python -m bench.outage [--log-format console|json] [--before 4] [--after 4]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import glob
import io
import itertools
import json
import os
import pwd
import re
import shutil
import statistics
import subprocess
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
import httpx

from bench.run import HOST, free_port, gateway_process, tail, wait_until_ready
from core.principals import Role
from core.settings import Settings
from db.scratch import scratch_database
from db.seed import SeedPlan, seed
from gateway.logs import configure_logging
from gateway.tokens import issue_token
from schema.errors import log_unexpected

WRITE_PREFIX = "outage-"
_CONSOLE_LINE = re.compile(r"^\S+ \[(\w+)\s*\] (\S+)")
GRAPHQL_READ = "query Partners { partners(first: 5) { nodes { id name } } }"


# -- the cost of logging one unexpected error -------------------------------------------------


async def _a_real_database_error() -> BaseException:
    """What a request meets when PostgreSQL refuses: SQLAlchemy's error over asyncpg's."""
    from db.engine import create_engine

    engine = create_engine(f"postgresql+asyncpg://u@{HOST}:{free_port()}/x", connect_timeout=1)
    try:
        async with engine.connect():
            pass
    except Exception as exc:
        return exc
    finally:
        await engine.dispose()
    raise AssertionError("nobody listens on a free port")


async def logging_cost(repeat: int = 50) -> dict[str, float]:
    """Median milliseconds to log one unexpected error (with its traceback) per format."""
    error = await _a_real_database_error()
    costs: dict[str, float] = {}
    for log_format in ("console", "json"):
        configure_logging(
            Settings(log_format=log_format, _env_file=None),  # type: ignore[call-arg]
            stream=io.StringIO(),
        )
        samples = []
        for _ in range(repeat):
            started = time.perf_counter()
            log_unexpected(error, route="/bench")
            samples.append(time.perf_counter() - started)
        costs[log_format] = statistics.median(samples) * 1000
    configure_logging(Settings(log_format="json", log_level="WARNING", _env_file=None))  # type: ignore[call-arg]
    return costs


# -- a private PostgreSQL cluster -------------------------------------------------------------


@dataclass
class Cluster:
    directory: Path
    port: int
    binaries: Path

    @property
    def admin_dsn(self) -> str:
        return f"postgresql://postgres@{HOST}:{self.port}/postgres"

    def pg_ctl(self, *args: str) -> list[str]:
        return [
            "runuser", "-u", "postgres", "--", str(self.binaries / "pg_ctl"),
            "-D", str(self.directory / "data"), "-l", str(self.directory / "server.log"),
            "-w", *args,
        ]  # fmt: skip


def _binaries() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise SystemExit("no PostgreSQL server binaries under /usr/lib/postgresql/*/bin")
    return Path(found[-1]).parent


@contextmanager
def private_cluster() -> Iterator[Cluster]:
    directory = Path(tempfile.mkdtemp(prefix="scaigate-outage-pg-"))
    postgres = pwd.getpwnam("postgres")
    os.chown(directory, postgres.pw_uid, postgres.pw_gid)
    cluster = Cluster(directory, free_port(), _binaries())
    subprocess.run(
        ["runuser", "-u", "postgres", "--", str(cluster.binaries / "initdb"),
         "-D", str(directory / "data"), "-A", "trust", "-U", "postgres", "--no-sync"],
        check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    options = f"-p {cluster.port} -k {directory} -c listen_addresses={HOST} -c fsync=off"
    subprocess.run(cluster.pg_ctl("-o", options, "start"), check=True, stdout=subprocess.DEVNULL)
    try:
        yield cluster
    finally:
        subprocess.run(cluster.pg_ctl("-m", "immediate", "stop"), stdout=subprocess.DEVNULL)
        shutil.rmtree(directory, ignore_errors=True)


# -- the load ---------------------------------------------------------------------------------


@dataclass
class Answer:
    kind: str
    status: int | str  # an HTTP status, or the transport error's class name
    started: float
    ended: float


@dataclass
class Run:
    answers: list[Answer] = field(default_factory=list)
    created: set[str] = field(default_factory=set)  # partner ids answered 201
    refused_writes: int = 0  # writes answered other than 201: each leaves a failure event
    readyz: list[Answer] = field(default_factory=list)


async def _timed(
    kind: str, call: Awaitable[httpx.Response]
) -> tuple[Answer, httpx.Response | None]:
    started = time.monotonic()
    try:
        response = await call
    except httpx.HTTPError as exc:
        return Answer(kind, type(exc).__name__, started, time.monotonic()), None
    return Answer(kind, response.status_code, started, time.monotonic()), response


async def steady_load(
    client: httpx.AsyncClient, token: str, run: Run, stop: asyncio.Event, clients: int
) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    numbers = itertools.count()

    async def writer() -> None:
        while not stop.is_set():
            n = next(numbers)
            body = {"name": f"Outage {n}", "slug": f"{WRITE_PREFIX}{n}"}
            call = client.post("/api/v1/admin/partners", json=body, headers=headers)
            answer, response = await _timed("write", call)
            run.answers.append(answer)
            if response is not None and response.status_code == 201:
                run.created.add(response.json()["id"])
            else:
                run.refused_writes += 1

    async def reader() -> None:
        for n in itertools.count():
            if stop.is_set():
                return
            call = (
                client.get("/api/v1/admin/partners?per_page=5", headers=headers)
                if n % 2
                else client.post("/graphql", json={"query": GRAPHQL_READ}, headers=headers)
            )
            run.answers.append((await _timed("read", call))[0])

    async def prober() -> None:
        while not stop.is_set():
            run.readyz.append((await _timed("readyz", client.get("/readyz")))[0])
            await asyncio.sleep(0.1)

    workers = [writer() for _ in range(clients // 2)] + [reader() for _ in range(clients // 2)]
    await asyncio.gather(*workers, prober())


async def restart(cluster: Cluster) -> tuple[float, float]:
    """Restarts PostgreSQL; (when the restart began, when it first accepted a connection)."""
    began = time.monotonic()
    process = await asyncio.create_subprocess_exec(
        *cluster.pg_ctl("-m", "fast", "restart"), stdout=subprocess.DEVNULL
    )
    await asyncio.sleep(0.05)
    while True:  # the moment it accepts connections again, to ~10 ms
        try:
            connection = await asyncpg.connect(cluster.admin_dsn, timeout=1)
        except (OSError, asyncpg.PostgresError, TimeoutError):
            await asyncio.sleep(0.01)
            continue
        accepting = time.monotonic()
        await connection.close()
        break
    await process.wait()
    return began, accepting


async def stored_rows(url: str) -> tuple[set[str], Counter[str]]:
    dsn = url.replace("postgresql+asyncpg://", "postgresql://")
    connection = await asyncpg.connect(dsn)
    try:
        ids = {
            row["id"]
            for row in await connection.fetch(
                "SELECT id FROM partners WHERE slug LIKE $1", f"{WRITE_PREFIX}%"
            )
        }
        events = Counter(
            {
                row["result"]: row["n"]
                for row in await connection.fetch(
                    "SELECT result, count(*) AS n FROM audit_events "
                    "WHERE action = 'partner.create' GROUP BY result"
                )
            }
        )
    finally:
        await connection.close()
    return ids, events


def log_events(log: Path) -> Counter[str]:
    """`level event` of the gateway's warning and error lines, counted."""
    counts: Counter[str] = Counter()
    for line in log.read_text(errors="replace").splitlines():
        if line.startswith("{"):
            with contextlib.suppress(ValueError):
                entry = json.loads(line)
                level, event = entry.get("level"), entry.get("event")
        else:
            match = _CONSOLE_LINE.match(line)
            if match is None:
                continue
            level, event = match.groups()
        if level in ("warning", "error", "critical"):
            counts[f"{level} {event}"] += 1
    return counts


# -- the report -------------------------------------------------------------------------------


def report(
    run: Run, began: float, accepting: float, stored: set[str], events: Counter[str]
) -> None:
    answers = sorted(run.answers, key=lambda a: a.ended)
    first_failure = next(
        (a for a in answers if a.ended >= began and a.status not in (200, 201)), None
    )
    first_success = next(
        (
            a
            for a in answers
            if a.ended > accepting and a.status in (200, 201) and a.started >= accepting
        ),
        None,
    )
    healed = first_success.ended if first_success else None
    during = [a for a in answers if began <= a.ended <= (healed or float("inf"))]
    print()
    print(
        "PostgreSQL restart (pg_ctl restart -m fast): accepting again after "
        f"{accepting - began:.2f} s"
    )
    if first_failure:
        print(f"first failed answer {first_failure.ended - began:+.2f} s after the restart began")
    print("status codes from the restart to the first success after it:")
    for (kind, status), count in sorted(Counter((a.kind, str(a.status)) for a in during).items()):
        print(f"  {kind:<6} {status:<22} {count}")
    if healed is not None:
        print(f"first success {healed - accepting:.3f} s after PostgreSQL accepted connections")
    else:
        print("no success after PostgreSQL accepted connections")
    outage_readyz = [a for a in run.readyz if began <= a.started <= (healed or float("inf"))]
    if outage_readyz:
        slowest = max(a.ended - a.started for a in outage_readyz)
        statuses = Counter(str(a.status) for a in outage_readyz)
        print(f"/readyz during the outage: {dict(statuses)}, slowest answer {slowest:.3f} s")
    print(f"all answers: {dict(Counter(str(a.status) for a in answers))}")
    missing = run.created - stored
    print(
        f"writes answered 201: {len(run.created)}; rows stored: {len(stored)}; "
        f"answered but not stored: {len(missing)}"
    )
    print(
        f"audit events (partner.create): success expected {len(run.created)}, "
        f"stored {events.get('success', 0)}; failure expected {run.refused_writes} "
        f"(one per refused write), stored {events.get('failure', 0)}"
    )


async def main(args: argparse.Namespace) -> int:
    costs = await logging_cost()
    print(
        "logging one unexpected error (traceback included): "
        + ", ".join(f"{name} {ms:.2f} ms" for name, ms in costs.items())
    )
    with (
        private_cluster() as cluster,
        tempfile.TemporaryDirectory(prefix="scaigate-outage-") as tmp,
    ):
        workdir = Path(tmp)
        async with scratch_database(
            "postgresql", workdir, postgres_admin_dsn=cluster.admin_dsn, label="outage"
        ) as url:
            plan = SeedPlan.uniform(
                partners=3, tenants_per_partner=3, users_per_tenant=10, groups_per_tenant=2
            )
            await seed(url, plan)
            settings = Settings(database_url=url, env="development", _env_file=None)  # type: ignore[call-arg]
            token = issue_token(settings, role=Role.SUPER_ADMIN, subject="usr_bench")
            port, log = free_port(), workdir / "gateway.log"
            os.environ["SCAIGATE_LOG_FORMAT"] = args.log_format
            with gateway_process(
                settings, port=port, workers=2, gc_tuning=True, log=log
            ) as process:
                async with httpx.AsyncClient(
                    base_url=f"http://{HOST}:{port}", timeout=30
                ) as client:
                    await wait_until_ready(client, process, log)
                    run, stop = Run(), asyncio.Event()
                    load = asyncio.create_task(steady_load(client, token, run, stop, args.clients))
                    await asyncio.sleep(args.before)
                    began, accepting = await restart(cluster)
                    await asyncio.sleep(args.after)
                    stop.set()
                    await load
            stored, events = await stored_rows(url)
            print(f"\nlog format {args.log_format}, 2 workers, {args.clients} clients")
            report(run, began, accepting, stored, events)
            print(f"gateway log lines above info: {dict(log_events(log))}")
            if args.show_log:
                print(tail(log, 40))
    return 0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--log-format", choices=["console", "json"], default="console")
    parser.add_argument("--clients", type=int, default=8, help="half write, half read")
    parser.add_argument("--before", type=float, default=4.0, help="seconds of load first")
    parser.add_argument("--after", type=float, default=4.0, help="seconds after the restart")
    parser.add_argument("--show-log", action="store_true", help="print the gateway log's end")
    args = parser.parse_args(argv)
    if args.clients < 2:
        parser.error("--clients must be at least 2")
    return args


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        raise SystemExit(asyncio.run(main(parse_args())))
