"""A worker's memory under sustained nested load, with and without `serve`'s GC tuning.

Seeds a scratch database (PostgreSQL by default; 10 partners, 10 tenants each, 50 users
each), starts `scaigate serve` with one worker in production mode, drives the nested
dashboard query with concurrent clients for `--duration` seconds and samples the worker every
`--sample-every` seconds from its `/metrics`: resident size, CPU time, garbage collections
per generation.
Then the same again for each further `--mode`. Prints each run's series, then a summary:
req/s, p50/p99 latency, CPU per request, resident size at the start, the middle and the end,
its growth over the second half of the run (a level worker grows by about nothing), the
full collections run and the mean pause of those the worker scheduled itself.

    .venv/bin/python -m bench.memory [--duration 600] [--sample-every 15] \
        [--mode tuned] [--mode untuned]

On a machine shared with other work, req/s is noisy; CPU per request and resident size are
the figures to compare.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import secrets
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families

from bench.load import LoadResult, failure_of, run_load
from bench.run import (
    HOST,
    NESTED_QUERY,
    POSTGRES_ADMIN_DSN,
    add_data_set_arguments,
    data_set_plan,
    free_port,
    gateway_process,
    number,
    wait_until_ready,
)
from core.principals import Role
from core.settings import Settings
from db.scratch import scratch_database
from db.seed import seed
from gateway.tokens import issue_token

MODES = {"tuned": True, "untuned": False}  # mode → `serve --gc-tuning`
MIB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Sample:
    """The worker as its /metrics reported it, `elapsed` seconds into the run."""

    elapsed: float
    requests: int
    resident_bytes: float
    cpu_seconds: float
    collections: tuple[int, int, int]  # per generation, since the worker started
    scheduled: int  # full collections run by the worker's own schedule (gc tuning only)
    scheduled_seconds: float  # the pauses of those, in all


@dataclass(slots=True)
class Run:
    mode: str
    load: LoadResult = field(default_factory=LoadResult)
    samples: list[Sample] = field(default_factory=list)

    def at(self, fraction: float) -> Sample:
        """The first sample at or after `fraction` of the run."""
        end = self.samples[-1].elapsed
        return next(s for s in self.samples if s.elapsed >= fraction * end)

    @property
    def cpu_ms_per_request(self) -> float | None:
        served = self.samples[-1].requests - self.samples[0].requests
        spent = self.samples[-1].cpu_seconds - self.samples[0].cpu_seconds
        return spent / served * 1000 if served else None

    @property
    def second_half_growth_mib(self) -> float:
        return (self.samples[-1].resident_bytes - self.at(0.5).resident_bytes) / MIB

    @property
    def full_collections(self) -> int:
        return self.samples[-1].collections[2] - self.samples[0].collections[2]

    @property
    def mean_scheduled_pause_ms(self) -> float | None:
        runs = self.samples[-1].scheduled - self.samples[0].scheduled
        paused = self.samples[-1].scheduled_seconds - self.samples[0].scheduled_seconds
        return paused / runs * 1000 if runs else None


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_data_set_arguments(parser, db="postgresql")
    parser.add_argument("--concurrency", type=int, default=16, help="requests in flight")
    parser.add_argument("--duration", type=float, default=600.0, help="seconds per mode")
    parser.add_argument("--sample-every", type=float, default=15.0, help="seconds")
    parser.add_argument("--warmup", type=int, default=32, help="unmeasured requests first")
    parser.add_argument(
        "--mode",
        choices=list(MODES),
        action="append",
        help="serve with (tuned) or without (untuned) the GC tuning; default: both, in turn",
    )
    args = parser.parse_args(argv)
    for name in ("partners", "concurrency"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be at least 1")
    if args.duration <= 0 or args.sample_every <= 0:
        parser.error("--duration and --sample-every must be positive")
    if args.sample_every > args.duration / 2:
        parser.error("--sample-every must be at most half of --duration")
    return args


async def sample(client: httpx.AsyncClient, elapsed: float, requests: int) -> Sample:
    response = await client.get("/metrics")
    response.raise_for_status()
    values: dict[tuple[str, str], float] = {}
    for family in text_string_to_metric_families(response.text):
        for metric in family.samples:
            values[(metric.name, metric.labels.get("generation", ""))] = metric.value
    return Sample(
        elapsed=elapsed,
        requests=requests,
        resident_bytes=values[("process_resident_memory_bytes", "")],
        cpu_seconds=values[("process_cpu_seconds_total", "")],
        collections=(
            int(values[("python_gc_collections_total", "0")]),
            int(values[("python_gc_collections_total", "1")]),
            int(values[("python_gc_collections_total", "2")]),
        ),
        scheduled=int(values.get(("scaigate_gc_full_collection_seconds_count", ""), 0)),
        scheduled_seconds=values.get(("scaigate_gc_full_collection_seconds_sum", ""), 0.0),
    )


async def measure(
    client: httpx.AsyncClient, monitor: httpx.AsyncClient, token: str, args: argparse.Namespace
) -> tuple[LoadResult, list[Sample]]:
    """Runs the nested load for the duration while sampling the worker."""
    headers = {"Authorization": f"Bearer {token}"}
    served = 0

    async def nested(client: httpx.AsyncClient) -> httpx.Response:
        nonlocal served
        response = await client.post("/graphql", json={"query": NESTED_QUERY}, headers=headers)
        served += 1
        return response

    probe = await nested(client)
    problem = failure_of(probe)
    if problem is not None:
        raise SystemExit(f"the nested query failed: {problem}")
    await run_load(
        client, nested, concurrency=args.concurrency, max_requests=args.warmup, duration=60
    )
    started = time.perf_counter()
    samples = [await sample(monitor, 0.0, 0)]
    load = asyncio.create_task(
        run_load(
            client,
            nested,
            concurrency=args.concurrency,
            max_requests=sys.maxsize,
            duration=args.duration,
        )
    )
    first = served
    while not load.done():
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(asyncio.shield(load), timeout=args.sample_every)
        samples.append(await sample(monitor, time.perf_counter() - started, served - first))
        print_sample(samples[-1])
    return load.result(), samples


def print_sample(sample: Sample) -> None:
    gen0, gen1, gen2 = sample.collections
    print(
        f"  {sample.elapsed:>7.0f} {sample.requests:>9,} {sample.resident_bytes / MIB:>8.0f} "
        f"{sample.cpu_seconds:>8.1f} {gen0:>9,} {gen1:>7,} {gen2:>6,}",
        flush=True,
    )


def print_summary(args: argparse.Namespace, runs: list[Run]) -> None:
    header = (
        f"{'mode':<8} {'ok':>7} {'errors':>6} {'req/s':>7} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'CPU ms/req':>10} {'RSS start':>9} {'RSS mid':>8} {'RSS end':>8} "
        f"{'2nd half':>8} {'full GCs':>8} {'pause ms':>8}"
    )
    print()
    print(
        f"nested query, 1 worker, production mode, concurrency={args.concurrency}, "
        f"{args.duration:g} s per mode, db={args.db} "
        f"(client and server share this machine's {os.cpu_count()} CPUs); RSS in MiB"
    )
    print(header)
    print("-" * len(header))
    for run in runs:
        result = run.load
        print(
            f"{run.mode:<8} {len(result.latencies):>7,} {result.errors:>6} "
            f"{number(result.requests_per_second):>7} {number(result.percentile_ms(0.5)):>8} "
            f"{number(result.percentile_ms(0.99)):>8} {number(run.cpu_ms_per_request):>10} "
            f"{run.samples[0].resident_bytes / MIB:>9.0f} {run.at(0.5).resident_bytes / MIB:>8.0f} "
            f"{run.samples[-1].resident_bytes / MIB:>8.0f} "
            f"{run.second_half_growth_mib:>+8.0f} {run.full_collections:>8,} "
            f"{number(run.mean_scheduled_pause_ms):>8}"
        )
        if result.first_error:
            print(f"  {run.mode}: first error: {result.first_error}")


async def main(args: argparse.Namespace) -> int:
    plan = data_set_plan(args)
    modes = args.mode or list(MODES)
    runs: list[Run] = []
    with tempfile.TemporaryDirectory(prefix="scaigate-bench-") as tmp:
        workdir = Path(tmp)
        async with scratch_database(
            args.db, workdir, postgres_admin_dsn=POSTGRES_ADMIN_DSN, label="bench"
        ) as url:
            report = await seed(url, plan)
            print(
                f"Seeded {args.db}: "
                + ", ".join(f"{count} {table}" for table, count in list(report.rows.items())[:4])
            )
            settings = Settings(
                database_url=url, env="production", jwt_signing_key=secrets.token_urlsafe(48)
            )
            token = issue_token(settings, role=Role.SUPER_ADMIN, subject="usr_bench")
            for mode in modes:
                runs.append(await run_mode(settings, token, mode, workdir, args))
    print_summary(args, runs)
    return 1 if any(run.load.errors for run in runs) else 0


async def run_mode(
    settings: Settings, token: str, mode: str, workdir: Path, args: argparse.Namespace
) -> Run:
    port = free_port()
    log = workdir / f"gateway-{mode}.log"
    print(f"\n{mode}: serve --workers 1 {'--gc-tuning' if MODES[mode] else '--no-gc-tuning'}")
    print(f"  {'seconds':>7} {'requests':>9} {'RSS MiB':>8} {'CPU s':>8} "
          f"{'gen0 GCs':>9} {'gen1':>7} {'gen2':>6}")  # fmt: skip
    with gateway_process(settings, port=port, workers=1, gc_tuning=MODES[mode], log=log) as process:
        base_url = f"http://{HOST}:{port}"
        limits = httpx.Limits(max_connections=args.concurrency)
        async with (
            httpx.AsyncClient(base_url=base_url, limits=limits, timeout=120) as client,
            httpx.AsyncClient(base_url=base_url, timeout=120) as monitor,
        ):
            await wait_until_ready(client, process, log)
            load, samples = await measure(client, monitor, token, args)
    return Run(mode, load, samples)


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse_args())))
