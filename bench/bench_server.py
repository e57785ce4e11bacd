"""Server benchmark: many grid workers syncing at once, and one big grid pull.

Runs the real server (`python -m server serve`, via tests/support) on SQLite
in a temporary directory, seeded with a demo community from server.demo.

1. Concurrency, for each N in --workers (default 100 and 500): N worker
   accounts spread over grids (5 per grid); all at once, each logs in, pushes
   20 ops (4 diary entries, 4 needs with their "raised" events, 8 household
   edits) in one batch as the app does, then pulls the changes of its grid
   since the cursor of the moment before. Prints ops/s, p50/p99 latency per
   request kind, errors and the server's CPU seconds. Then the same workers
   again, arriving spread over --spread seconds (default 10; open loop:
   arrivals do not wait for answers), on the same server.
2. Grid pull: a grid of 500 households + 10,000 diary entries + 2,000 needs
   (+ their events), pulled from cursor 0 by its worker in pages of 1,000.
   Prints records/s.

Bench-only seeding: accounts are written straight into the users table with a
cheap argon2 hash (time_cost=1, memory 1 MiB) — argon2 reads its parameters
from the hash, so the server verifies them unchanged; creating 500 users with
the production parameters would take minutes and measures nothing here.

Usage: .venv/bin/python bench/bench_server.py [--workers 100 500] [--skip-pull] [--db PG_URL]
       [--spread 10] [--server-workers 1] [--null-server]
Where the time goes: .venv/bin/python bench/profile_server.py
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.server_seed import (  # noqa: E402
    BenchWorker,
    fresh_database,
    seed_database,
    start_bench_server,
    start_null_server,
)
from fieldapp.domain.hlc import HybridClock  # noqa: E402
from server.demo import build_demo  # noqa: E402

API = "/api/v1"
PASSWORD = "bench-pass-1"
WORKERS_PER_GRID = 5


@dataclass
class Timings:
    login: list[float] = field(default_factory=list)
    push: list[float] = field(default_factory=list)
    pull: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    login_errors: list[str] = field(default_factory=list)
    wall: float = 0.0
    server_cpu: float = 0.0  # CPU seconds the server process used during the burst
    server_sys: float = 0.0  # of which in the kernel (system time)
    client_cpu: float = 0.0  # CPU seconds this benchmark process used during the burst
    ops_applied: int = 0
    records_pulled: int = 0


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def now_iso() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def make_ops(user_id: str, device: str, grid_id: str, households: list[str], count: int) -> list[dict]:
    """A morning's work: diary entries, needs with their first event, household edits."""
    clock = HybridClock(device)
    ops: list[dict[str, Any]] = []

    def op(entity: str, record_id: str, fields: dict[str, Any]) -> None:
        ops.append({"op_id": str(uuid.uuid4()), "entity": entity, "id": record_id, "fields": fields,
                    "hlc": clock.now(), "author": user_id, "device": device})

    while len(ops) < count:
        i = len(ops)
        household = households[i % len(households)]
        kind = i % 5
        if kind == 0:
            op("diary_entry", str(uuid.uuid4()), {
                "household_id": household, "grid_id": grid_id, "worker_id": user_id,
                "visited_at": now_iso(), "kind": "regular", "notes": "入户走访，家庭情况无变化。",
                "categories": ["safety"], "photos": []})
        elif kind == 1:
            need_id = str(uuid.uuid4())
            op("need", need_id, {
                "household_id": household, "grid_id": grid_id, "first_responder_id": user_id,
                "owner_id": user_id, "title": "楼道灯不亮", "urgency": "normal", "handling": "joint",
                "deadline": time.strftime("%Y-%m-%d", time.gmtime(time.time() + 15 * 86400)),
                "status": "open", "raised_at": now_iso()})
            op("need_event", str(uuid.uuid4()), {
                "need_id": need_id, "grid_id": grid_id, "kind": "raised", "actor_id": user_id,
                "at": now_iso()})
        else:
            op("household", household, {"notes": f"电话已核实 {device} {i}"})
    return ops[:count]


async def timed(bucket: list[float], request: Any) -> httpx.Response:
    start = time.perf_counter()
    response = await request
    bucket.append(time.perf_counter() - start)
    return response


async def log_in(client: httpx.AsyncClient, worker: BenchWorker, timings: Timings,
                 gate: asyncio.Semaphore) -> str | None:
    """Log in before the burst (a token lasts 30 days: the morning sync does not log in).
    A 503 is retried twice and every failure counted."""
    async with gate:
        for _ in range(3):
            response = await timed(timings.login, client.post("/auth/login", json={
                "username": worker.username, "password": PASSWORD, "device": worker.device}))
            if response.status_code == 200:
                login = response.json()
                client.headers["Authorization"] = f"Bearer {login['token']}"
                return login["user"]["id"]
            timings.login_errors.append(f"login {response.status_code} {response.text[:100]}")
            if response.status_code != 503:
                return None
    return None


async def one_worker(client: httpx.AsyncClient, worker: BenchWorker, user_id: str, cursor: int,
                     ops_per_worker: int, timings: Timings, start: asyncio.Event, delay_s: float) -> None:
    ops = make_ops(user_id, worker.device, worker.grid_id, worker.households, ops_per_worker)
    await start.wait()
    if delay_s:
        await asyncio.sleep(delay_s)  # open loop: this worker presses sync later
    try:
        response = await timed(timings.push, client.post("/sync/push", json={"device": worker.device,
                                                                               "ops": ops}))
        if response.status_code != 200:
            timings.errors.append(f"push {response.status_code} {response.text[:120]}")
            return
        results = response.json()["results"]
        bad = [r for r in results if r["status"] not in ("applied", "duplicate")]
        timings.errors += [f"op rejected {r.get('reason')}" for r in bad]
        timings.ops_applied += len(results) - len(bad)
        await pull_all(client, cursor, timings)
    except httpx.HTTPError as exc:
        timings.errors.append(f"{type(exc).__name__}: {exc}")


async def pull_all(client: httpx.AsyncClient, cursor: int, timings: Timings, limit: int = 500) -> int:
    while True:
        params = {"since": cursor, "limit": limit}
        response = await timed(timings.pull, client.get("/sync/pull", params=params))
        if response.status_code != 200:
            timings.errors.append(f"pull {response.status_code} {response.text[:120]}")
            return cursor
        page = response.json()
        timings.records_pulled += len(page["changes"])
        cursor = page["next"]
        if not page["more"]:
            return cursor


async def current_cursor(base_url: str, username: str) -> int:
    """The latest change number, read by one untimed full pull."""
    async with httpx.AsyncClient(base_url=base_url + API, timeout=300) as client:
        login = (await client.post("/auth/login", json={"username": username, "password": PASSWORD,
                                                         "device": "bench-cursor"})).json()
        client.headers["Authorization"] = f"Bearer {login['token']}"
        return await pull_all(client, 0, Timings(), limit=1000)


def process_cpu_s(pid: int, system_only: bool = False) -> float:
    """User + system (or only system) CPU seconds of a process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[12]) if system_only else int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def servers_cpu_s(pids: list[int], system_only: bool = False) -> float:
    """CPU seconds of the server's processes (the main one and its workers)."""
    total = 0.0
    for pid in pids:
        with contextlib.suppress(OSError):
            total += process_cpu_s(pid, system_only)
    return total


def server_pids(pid: int) -> list[int]:
    """The server process and its children (uvicorn worker processes)."""
    children = Path(f"/proc/{pid}/task/{pid}/children")
    found = [int(c) for c in children.read_text().split()] if children.exists() else []
    return [pid, *found]


async def run_concurrency(base_url: str, workers: list[BenchWorker], ops_per_worker: int,
                          server_pids: list[int], spread_s: float = 0.0) -> Timings:
    """All workers push at once (spread_s=0, the burst), or worker i at i·spread_s/N
    seconds after the start (open loop: arrivals do not wait for answers)."""
    cursor = await current_cursor(base_url, "admin")  # sees every grid: the latest change number
    timings = Timings()
    limits = httpx.Limits(max_connections=4)
    logins = [httpx.AsyncClient(base_url=base_url + API, timeout=300, limits=limits) for _ in workers]
    gate = asyncio.Semaphore(8)
    try:
        user_ids = await asyncio.gather(*(log_in(c, w, timings, gate) for c, w in zip(logins, workers,
                                                                                      strict=True)))
    finally:
        await asyncio.gather(*(c.aclose() for c in logins))
    # fresh connections for the burst: the login ones may have idled past the server's keep-alive
    clients = [httpx.AsyncClient(base_url=base_url + API, timeout=300, limits=limits,
                                 headers=c.headers) for c in logins]
    try:
        start = asyncio.Event()
        delays = [i * spread_s / len(workers) for i in range(len(workers))]
        tasks = [asyncio.create_task(one_worker(c, w, uid, cursor, ops_per_worker, timings, start, d))
                 for c, w, uid, d in zip(clients, workers, user_ids, delays, strict=True) if uid]
        await asyncio.sleep(0.5)  # every client ready, then all at once
        began, server_cpu, client_cpu = time.perf_counter(), servers_cpu_s(server_pids), time.process_time()
        server_sys = servers_cpu_s(server_pids, system_only=True)
        start.set()
        await asyncio.gather(*tasks)
        timings.wall = time.perf_counter() - began
        timings.server_cpu = servers_cpu_s(server_pids) - server_cpu
        timings.server_sys = servers_cpu_s(server_pids, system_only=True) - server_sys
        timings.client_cpu = time.process_time() - client_cpu
    finally:
        await asyncio.gather(*(c.aclose() for c in clients))
    return timings


def report_concurrency(n: int, timings: Timings, label: str) -> dict[str, Any]:
    wall = timings.wall
    row = {
        "mode": label, "workers": n, "wall_s": round(wall, 2), "ops_applied": timings.ops_applied,
        "ops_per_s": round(timings.ops_applied / wall, 1), "errors": len(timings.errors),
        "push_p50_ms": round(1000 * percentile(timings.push, 0.5)),
        "push_p99_ms": round(1000 * percentile(timings.push, 0.99)),
        "pull_p50_ms": round(1000 * percentile(timings.pull, 0.5)),
        "pull_p99_ms": round(1000 * percentile(timings.pull, 0.99)),
        "login_errors": len(timings.login_errors),
        "login_p50_ms": round(1000 * percentile(timings.login, 0.5)),
        "login_p99_ms": round(1000 * percentile(timings.login, 0.99)),
        "records_pulled": timings.records_pulled,
        "server_cpu_s": round(timings.server_cpu, 2), "server_sys_s": round(timings.server_sys, 2),
        "client_cpu_s": round(timings.client_cpu, 2),
    }
    all_requests = timings.push + timings.pull
    row["sync_p99_ms"] = round(1000 * percentile(all_requests, 0.99))
    print(" ".join(f"{k}={v}" for k, v in row.items()), flush=True)
    for error in sorted(set(timings.errors + timings.login_errors))[:5]:
        print("   error:", error, flush=True)
    return row


def bench_concurrency(n: int, ops_per_worker: int, db: str | None, spread_s: float,
                      server_workers: int, null_server: bool = False) -> list[dict[str, Any]]:
    grids = max(1, n // WORKERS_PER_GRID)
    demo = build_demo(seed=11, households_per_grid=20, grid_count=grids, entries=grids * 40,
                      needs=grids * 4, errands=10)
    with tempfile.TemporaryDirectory(prefix="bench-server-") as tmp, fresh_database(db) as url:
        data = Path(tmp)
        workers = seed_database(data, demo, n, PASSWORD, url)
        launch = start_null_server() if null_server else start_bench_server(data, url, server_workers)
        with launch as server:
            pids = server_pids(server.process.pid)
            load = os.getloadavg()[0]
            burst = asyncio.run(run_concurrency(server.base_url, workers, ops_per_worker, pids))
            rows = [report_concurrency(n, burst, f"burst(load={load:.1f})")]
            if spread_s:
                load = os.getloadavg()[0]
                spread = asyncio.run(run_concurrency(server.base_url, workers, ops_per_worker, pids,
                                                     spread_s))
                rows.append(report_concurrency(n, spread, f"open-loop-{spread_s:g}s(load={load:.1f})"))
    return rows


async def run_grid_pull(base_url: str, worker: BenchWorker) -> tuple[int, float, int]:
    timings = Timings()
    async with httpx.AsyncClient(base_url=base_url + API, timeout=600) as client:
        login = (await client.post("/auth/login", json={"username": worker.username, "password": PASSWORD,
                                                         "device": worker.device})).json()
        client.headers["Authorization"] = f"Bearer {login['token']}"
        began = time.perf_counter()
        await pull_all(client, 0, timings, limit=1000)
        wall = time.perf_counter() - began
    if timings.errors:
        print("   error:", timings.errors[0])
    return timings.records_pulled, wall, len(timings.pull)


def bench_grid_pull(db: str | None) -> dict[str, Any]:
    began = time.perf_counter()
    demo = build_demo(seed=12, households_per_grid=500, grid_count=1, entries=10_000, needs=2_000)
    with tempfile.TemporaryDirectory(prefix="bench-pull-") as tmp, fresh_database(db) as url:
        data = Path(tmp)
        workers = seed_database(data, demo, 1, PASSWORD, url)
        seeded = time.perf_counter() - began
        with start_bench_server(data, url) as server:
            records, wall, pages = asyncio.run(run_grid_pull(server.base_url, workers[0]))
    row = {"households": demo.count("household"), "diary_entries": demo.count("diary_entry"),
           "needs": demo.count("need"), "need_events": demo.count("need_event"),
           "records_pulled": records, "pages": pages, "wall_s": round(wall, 2),
           "records_per_s": round(records / wall), "seed_s": round(seeded, 1)}
    print("grid pull:", " ".join(f"{k}={v}" for k, v in row.items()), flush=True)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, nargs="*", default=[100, 500])
    parser.add_argument("--ops", type=int, default=20)
    parser.add_argument("--skip-pull", action="store_true")
    parser.add_argument("--spread", type=float, default=10.0,
                        help="second figure: the same workers arriving spread over this many seconds "
                             "(open loop); 0 = burst only")
    parser.add_argument("--server-workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument("--null-server", action="store_true",
                        help="drive bench/null_server.py instead (same stack, no work): the floor")
    parser.add_argument("--db", default=None,
                        help="PostgreSQL URL ($PEOPLE_DIARY_PG_URL): each run gets a fresh database")
    args = parser.parse_args()
    backend = "PostgreSQL" if args.db else "SQLite"
    backend = "null server (floor)" if args.null_server else backend
    print(f"python {sys.version.split()[0]}, {backend}, {args.ops} ops per worker, "
          f"{args.server_workers} server process(es)", flush=True)
    for n in args.workers:
        bench_concurrency(n, args.ops, args.db, args.spread, args.server_workers, args.null_server)
    if not args.skip_pull:
        bench_grid_pull(args.db)


if __name__ == "__main__":
    main()
