"""CPU time spent serving a benchmark, read from /proc (Linux).

Two meters, each a snapshot of CPU seconds (user + system) per process taken before and after
a scenario:

- the gateway's process tree: the `scaigate serve` process and every descendant (uvicorn's
  worker processes);
- the PostgreSQL client backends connected to the benchmark's database, found in
  `pg_stat_activity` by the database's name (autovacuum's workers left out).

CPU time is what a request costs whatever else the machine is doing, so it stays meaningful
on a shared, noisy machine where requests per second do not. A process that exits between
the two snapshots takes its CPU time with it (uncounted); one that starts in between counts
from zero.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import asyncpg

PROC = Path("/proc")
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

CpuSnapshot = dict[int, float]


def _stat_fields(pid: int) -> list[str] | None:
    """The fields of /proc/<pid>/stat after the command name, or None once it has exited."""
    try:
        text = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    # The command name is in parentheses and may itself hold spaces and parentheses.
    return text[text.rindex(")") + 2 :].split()


def cpu_seconds(pid: int) -> float | None:
    """User plus system CPU seconds of one process (its threads included)."""
    fields = _stat_fields(pid)
    if fields is None:
        return None
    # stat(5): utime and stime are fields 14 and 15, the 12th and 13th after the name.
    return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS


def _parents() -> dict[int, int]:
    parents = {}
    for entry in PROC.iterdir():
        if entry.name.isdigit() and (fields := _stat_fields(int(entry.name))) is not None:
            parents[int(entry.name)] = int(fields[1])
    return parents


def process_tree(root: int) -> set[int]:
    """`root` and all its living descendants."""
    children: dict[int, list[int]] = {}
    for pid, parent in _parents().items():
        children.setdefault(parent, []).append(pid)
    tree, pending = set(), [root]
    while pending:
        pid = pending.pop()
        tree.add(pid)
        pending.extend(children.get(pid, ()))
    return tree


def snapshot(pids: Iterable[int]) -> CpuSnapshot:
    return {pid: seconds for pid in pids if (seconds := cpu_seconds(pid)) is not None}


def spent(before: CpuSnapshot, after: CpuSnapshot) -> float:
    """CPU seconds spent between two snapshots by the processes alive at the second."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


class GatewayCpu:
    """The CPU time of a served gateway's process tree."""

    def __init__(self, root: int) -> None:
        self.root = root

    async def snapshot(self) -> CpuSnapshot:
        return snapshot(process_tree(self.root))


class PostgresBackendsCpu:
    """The CPU time of the PostgreSQL backends connected to one database.

    Reads /proc of the server's processes, so PostgreSQL must run on this machine.
    """

    def __init__(self, admin: asyncpg.Connection, database: str) -> None:
        self.admin = admin
        self.database = database

    async def snapshot(self) -> CpuSnapshot:
        rows = await self.admin.fetch(
            # Client backends only: autovacuum workers visit a freshly seeded database too.
            "SELECT pid FROM pg_stat_activity WHERE datname = $1"
            " AND backend_type = 'client backend' AND pid <> pg_backend_pid()",
            self.database,
        )
        return snapshot(row["pid"] for row in rows)
