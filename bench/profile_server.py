"""Where the server's time goes: push and pull profiled in-process with cProfile.

The HTTP handlers run in a thread pool that cProfile does not follow, so this
calls the handlers' work directly (server.sync_api._push, server.pull.pull_page)
on a seeded SQLite database, one request after another, and prints the top
functions. Usage: .venv/bin/python bench/profile_server.py [--workers 100] [--top 25]
"""
from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from bench.bench_server import PASSWORD, WORKERS_PER_GRID, make_ops  # noqa: E402
from bench.server_seed import seed_database  # noqa: E402
from server.auth import Principal  # noqa: E402
from server.config import Settings  # noqa: E402
from server.db import open_database  # noqa: E402
from server.db import schema as s  # noqa: E402
from server.demo import build_demo  # noqa: E402
from server.pull import pull_page  # noqa: E402
from server.sync_api import _push  # noqa: E402


def principals(engine, workers):  # noqa: ANN001, ANN201
    with Session(engine) as session:
        rows = {r.username: r for r in session.execute(select(s.users))}
    return [(Principal(rows[w.username].id, w.username, "worker", rows[w.username].community_id,
                       frozenset(json.loads(rows[w.username].grid_ids)), w.device), w) for w in workers]


def profiled(label: str, work, top: int) -> None:  # noqa: ANN001
    profile = cProfile.Profile()
    began = time.perf_counter()
    profile.enable()
    count = work()
    profile.disable()
    wall = time.perf_counter() - began
    print(f"\n== {label}: {count} calls in {wall:.2f} s = {1000 * wall / count:.1f} ms each")
    pstats.Stats(profile).sort_stats("cumulative").print_stats(top)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=100)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    grids = max(1, args.workers // WORKERS_PER_GRID)
    demo = build_demo(seed=11, households_per_grid=20, grid_count=grids, entries=grids * 40, needs=grids * 4)
    with tempfile.TemporaryDirectory(prefix="profile-server-") as tmp:
        workers = seed_database(Path(tmp), demo, args.workers, PASSWORD)
        settings = Settings.from_env(tmp)
        engine = open_database(settings.database_url)
        people = principals(engine, workers)

        def pushes() -> int:
            for p, w in people:
                ops = make_ops(p.user_id, w.device, w.grid_id, w.households, 20)
                _push(engine, settings, p, w.device, ops, 0)
            return len(people)

        def pulls() -> int:
            for p, _ in people:
                with Session(engine) as session:
                    since, more = 0, True
                    while more:
                        _, since, more = pull_page(session, p, since, 500)
            return len(people)

        profiled("push of 20 ops", pushes, args.top)
        profiled("full pull of a worker's grid", pulls, args.top)
        engine.dispose()


if __name__ == "__main__":
    main()
