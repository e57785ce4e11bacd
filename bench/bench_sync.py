"""Sync engine benchmark, end to end on loopback: real server process, real store.

    .venv/bin/python bench/bench_sync.py            # grid of 500 households, 10,000 entries, 2,000 needs
    .venv/bin/python bench/bench_sync.py --small    # 100 / 2,000 / 400: a quick look

Prints figures; asserts nothing. Targets: initial pull ≥ 4,000 records/s into
the store; a sync with nothing to do ≤ 50 ms and one round trip.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy.orm import Session  # noqa: E402

from fieldapp.store import open_store  # noqa: E402
from fieldapp.sync import ApiClient, SyncEngine  # noqa: E402
from server import auth  # noqa: E402
from server.config import Settings  # noqa: E402
from server.db import open_database  # noqa: E402
from server.demo import DEMO_PASSWORD, build_demo  # noqa: E402
from server.records import seed_many  # noqa: E402
from tests.support.server_process import start_server  # noqa: E402


def seed(data_dir: Path, households: int, entries: int, needs: int) -> tuple[int, dict[str, int]]:
    demo = build_demo(households_per_grid=households, entries=entries, needs=needs, grid_count=1)
    engine = open_database(Settings.from_env(data_dir).database_url)
    with Session(engine) as session:
        seed_many(session, list(demo.records), demo.community_id)
        for u in demo.users:
            auth.create_user(session, u.username, u.password, u.role, u.display_name, demo.community_id,
                             list(u.grid_ids), u.phone, user_id=u.id or None)
        session.commit()
    engine.dispose()
    entities = ("household", "diary_entry", "need", "need_event", "errand", "comment")
    counts = {e: demo.count(e) for e in entities}
    return len(demo.records), counts


def raw_pull(base_url: str, token: str, limit: int) -> tuple[int, float]:
    """Pages only (no store): how much of the time is server + network."""
    with ApiClient(base_url, token=token) as client:
        started, since, total = time.perf_counter(), 0, 0
        while True:
            page = client.pull(since, limit)
            total += len(page["changes"])
            since = page["next"]
            if not page["more"]:
                return total, time.perf_counter() - started


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def bench(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-sync-") as tmp:
        data = Path(tmp) / "server"
        data.mkdir()
        started = time.perf_counter()
        seeded, counts = seed(data, args.households, args.entries, args.needs)
        print(f"seeded {seeded} records {counts} in {time.perf_counter() - started:.1f} s")
        server = start_server(data)
        try:
            run_figures(server.base_url, Path(tmp) / "app", args)
        finally:
            server.stop()


def initial_sync(client: ApiClient, user_id: str, folder: Path, limit: int) -> tuple[Any, float]:
    """One initial sync into a fresh store; (report, seconds). The store is left open
    (report.store, report.engine) for the runs that follow."""
    store = open_store(folder, user_id, device_id="bench-" + folder.name)
    engine = SyncEngine(store, client, pull_limit=limit)
    started = time.perf_counter()
    report = asyncio.run(engine.run())
    seconds = time.perf_counter() - started
    report.store, report.engine = store, engine
    return report, seconds


def rate_line(label: str, rates: list[float], count: int) -> str:
    return (f"{label}: {count} records, median {statistics.median(rates):,.0f} records/s "
            f"(runs: {', '.join(f'{r:,.0f}' for r in rates)})")


def run_figures(base_url: str, app_dir: Path, args: argparse.Namespace) -> None:
    print(f"load average before: {os.getloadavg()[0]:.2f} (2 cores, shared)")
    client = ApiClient(base_url)
    login = client.login("worker1", DEMO_PASSWORD, "bench-phone")
    raw, synced = [], []
    last = None
    for run in range(args.repeat):  # interleaved, so machine load hits both alike
        pulled, seconds = raw_pull(base_url, login.token, args.limit)
        raw.append(pulled / seconds)
        report, seconds = initial_sync(client, login.user["id"], app_dir / f"run{run}", args.limit)
        synced.append(report.pulled / seconds)
        if last is not None:
            last.store.close()
        last = report
    print(rate_line(f"raw pull pages, no store (limit {args.limit})", raw, pulled))
    label = f"initial sync into the store ({last.requests} requests, ok={last.ok})"
    print(rate_line(label, synced, last.pulled))

    store, engine = last.store, last.engine
    idle = []
    for _ in range(args.idle_runs):
        started = time.perf_counter()
        report = asyncio.run(engine.run())
        idle.append((time.perf_counter() - started) * 1000)
        assert report.requests == 1, report
    idle.sort()
    print(f"sync with nothing to do ({args.idle_runs} runs, 1 request each): median "
          f"{statistics.median(idle):.1f} ms, p90 {idle[int(0.9 * len(idle)) - 1]:.1f} ms, "
          f"min {idle[0]:.1f} ms")

    household = store.all("household")[0]
    for start in range(0, args.push, 100):
        store.write_local([("diary_entry", str(uuid.uuid4()), {
            "household_id": household["id"], "grid_id": household["grid_id"], "worker_id": login.user["id"],
            "visited_at": now_iso(), "kind": "regular", "notes": f"走访 {i}"})
            for i in range(start, min(start + 100, args.push))], login.user["id"])
    started = time.perf_counter()
    report = asyncio.run(engine.run())
    seconds = time.perf_counter() - started
    print(f"push {report.pushed} new diary entries (batches of {engine.batch_size}) + pull them back: "
          f"{seconds:.2f} s = {report.pushed / seconds:,.0f} ops/s ({report.requests} requests)")
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    store.close()
    client.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--small", action="store_true")
    parser.add_argument("--limit", type=int, default=1000, help="pull page size (server max 1000)")
    parser.add_argument("--idle-runs", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=3, help="initial-sync runs per variant")
    parser.add_argument("--push", type=int, default=2000)
    args = parser.parse_args()
    args.households, args.entries, args.needs = (100, 2000, 400) if args.small else (500, 10_000, 2000)
    bench(args)


if __name__ == "__main__":
    main()
