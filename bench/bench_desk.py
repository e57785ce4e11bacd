"""Desk figures at scale: one community with 100,000 diary entries and 20,000
needs; server time per figures request (target <= 1 s), review page and
pending-help board timings, on SQLite and (with PEOPLE_DIARY_PG_URL) PostgreSQL.

Seeding: rows are bulk-inserted straight into the records table
(server/desk/bulk.py), not pushed through the sync API: 120k pushes would
measure sync, not the desk. The timed calls are the same functions the
/api/v1/desk routes call, on a real database, without HTTP in between.

    .venv/bin/python bench/bench_desk.py [--entries 100000 --needs 20000]
    source scripts/pg-temp.sh /tmp/pgbench && .venv/bin/python bench/bench_desk.py; pg_temp_stop /tmp/pgbench
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from fieldapp.domain.enums import ServiceCategory, Tag  # noqa: E402
from server.config import SQLITE_FILE  # noqa: E402
from server.db import open_database  # noqa: E402
from server.desk.board import board  # noqa: E402
from server.desk.bulk import bulk_insert  # noqa: E402
from server.desk.figures import Period  # noqa: E402
from server.desk.report import build_report  # noqa: E402
from server.desk.review import ReviewFilter, review_page  # noqa: E402

GRIDS, WORKERS, HOUSEHOLDS = 10, 20, 6000
TODAY = date(2026, 6, 30)


def uid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def iso(day: date, minute: int) -> str:
    return (datetime.combine(day, datetime.min.time(), UTC) + timedelta(minutes=minute)).isoformat().replace(
        "+00:00", "Z")


def dataset(entries: int, needs: int, seed: int = 11):
    rng = random.Random(seed)
    community = uid(rng)
    grids = [uid(rng) for _ in range(GRIDS)]
    workers = [(uid(rng), grids[i % GRIDS]) for i in range(WORKERS)]
    yield ("community", community, {"name": "基准社区", "monthly_visit_quota": 40})
    for i, grid in enumerate(grids):
        yield ("grid", grid, {"community_id": community, "name": f"第{i + 1}网格"})
    households = []
    for i in range(HOUSEHOLDS):
        grid = grids[i % GRIDS]
        tags = [rng.choice(list(Tag))] if rng.random() < 0.2 else []
        households.append((uid(rng), grid))
        yield ("household", households[-1][0], {
            "grid_id": grid, "address": {"building": str(i // 60 + 1), "room": str(i % 60 + 101)},
            "head_name": f"住户{i}", "tags": tags, "created_at": "2025-01-01T00:00:00Z"})
    by_grid: dict[str, list[str]] = {}
    for household, grid in households:
        by_grid.setdefault(grid, []).append(household)
    categories = list(ServiceCategory)
    entry_ids = []
    for _ in range(entries):
        worker, grid = rng.choice(workers)
        entry_ids.append((uid(rng), worker, grid))
        yield ("diary_entry", entry_ids[-1][0], {
            "household_id": rng.choice(by_grid[grid]), "grid_id": grid, "worker_id": worker,
            "visited_at": iso(TODAY - timedelta(days=rng.randrange(365)), rng.randrange(30, 540)),
            "kind": "regular", "notes": "走访记录：老人身体状况良好，反映楼道灯坏了" * 2,
            "categories": rng.sample(categories, 2)})
    for _ in range(needs):
        entry, worker, grid = rng.choice(entry_ids)
        raised = TODAY - timedelta(days=rng.randrange(365))
        need = {"household_id": rng.choice(by_grid[grid]), "grid_id": grid, "raised_in_entry_id": entry,
                "first_responder_id": worker, "owner_id": worker, "title": "楼道灯坏了", "urgency": "normal",
                "handling": "promised", "deadline": (raised + timedelta(days=7)).isoformat(),
                "raised_at": iso(raised, 60), "status": "open"}
        if rng.random() < 0.8:
            done = raised + timedelta(days=rng.randrange(12))
            need |= {"status": "closed", "outcome": "已修好", "resolved_at": iso(done, 300),
                     "follow_up": {"at": iso(done, 400), "by": worker,
                                   "satisfaction": rng.choice(["satisfied", "satisfied", "basically"])},
                     "closed_at": iso(done, 400)}
        yield ("need", uid(rng), need)
    yield ("__meta__", community, {"workers": workers})


def seed(engine, entries: int, needs: int) -> str:
    records = list(dataset(entries, needs))
    community = records[-1][1]
    workers = records[-1][2]["workers"]
    with engine.begin() as conn:
        for worker, grid in workers:
            conn.execute(text(
                "INSERT INTO users (id, username, display_name, role, community_id, grid_ids, password_hash, "
                "active, created_at) VALUES (:i, :u, :d, 'worker', :c, :g, 'x', :a, '2026-01-01T00:00:00Z')"),
                {"i": worker, "u": "w" + worker[:8], "d": "网格员" + worker[:4], "c": community,
                 "g": json.dumps([grid]), "a": True})
    bulk_insert(engine, community, records[:-1], workers[0][0])
    return community


def settle(engine, label: str) -> None:
    """Statistics and visibility map as a running database would have them
    (autovacuum / ANALYZE); right after a bulk load the planner knows nothing."""
    if label == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE records"))
    else:
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))


def timed(fn, repeat: int) -> tuple[float, float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples), max(samples)


def run(url: str, label: str, entries: int, needs: int, repeat: int) -> list[str]:
    engine = open_database(url)
    start = time.perf_counter()
    community = seed(engine, entries, needs)
    seeded = time.perf_counter() - start
    settle(engine, label)
    lines = [f"{label}: seeded {entries} entries + {needs} needs + {HOUSEHOLDS} households in {seeded:.1f} s"]
    month = Period(date(2026, 6, 1), date(2026, 6, 30))
    year = Period(date(2025, 7, 1), date(2026, 6, 30))
    with Session(engine) as session:
        build_report(session, community, month)  # warm-up (creates the desk indexes once)
        checks = [
            ("figures, one month", lambda: build_report(session, community, month)),
            ("figures, whole year (every entry and need)",
             lambda: build_report(session, community, year)),
            ("review page 1 (50 rows)",
             lambda: review_page(session, community, ReviewFilter(), None, 50, {}, {})),
            ("review filtered by category + text", lambda: review_page(
                session, community, ReviewFilter(category="health", text="楼道"), None, 50, {}, {})),
            ("review filtered by special tag", lambda: review_page(
                session, community, ReviewFilter(tag="any"), None, 50, {}, {})),
            ("pending-help board, active needs",
             lambda: board(session, community, {"status": "active"}, {}, {})),
        ]
        for name, fn in checks:
            median, worst = timed(fn, repeat)
            lines.append(f"  {name}: median {median * 1000:.0f} ms, "
                         f"max {worst * 1000:.0f} ms ({repeat} runs)")
    lines += over_http(engine, url, community, month, year, repeat)
    if label == "postgresql":
        with engine.begin() as conn:
            for table in ("records", "users"):
                conn.execute(text(f"DELETE FROM {table}"))
    engine.dispose()
    return lines


def over_http(engine, url: str, community: str, month: Period, year: Period, repeat: int) -> list[str]:
    """The same figures through a real server process (uvicorn, loopback):
    what a coordinator's request costs end to end."""
    import httpx

    from server.auth import create_user
    from tests.support.server_process import ServerProcess

    with Session(engine) as session:
        create_user(session, "bench_coordinator", "bench-pass-1", "coordinator", "书记", community, [])
        session.commit()
    with tempfile.TemporaryDirectory() as folder:
        server = ServerProcess(Path(folder), None if url.startswith("sqlite") else url)
        if url.startswith("sqlite"):  # serve the very file that was seeded
            server.data_dir = Path(url.removeprefix("sqlite:///")).parent
        server.start()
        try:
            with httpx.Client(base_url=server.api, timeout=60) as client:
                login = client.post("/auth/login", json={"username": "bench_coordinator",
                                                         "password": "bench-pass-1", "device": "bench"})
                headers = {"Authorization": f"Bearer {login.json()['token']}"}
                lines = []
                for name, period in (("one month", month), ("whole year", year)):
                    params = {"from": period.start.isoformat(), "to": period.end.isoformat()}

                    def call(params=params) -> None:
                        answer = client.get("/desk/figures", params=params, headers=headers)
                        assert answer.status_code == 200, answer.text

                    median, worst = timed(call, repeat)
                    lines.append(f"  HTTP GET /desk/figures, {name}: median {median * 1000:.0f} ms, "
                                 f"max {worst * 1000:.0f} ms ({repeat} runs)")
                return lines
        finally:
            server.stop()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--needs", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        targets = [(f"sqlite:///{Path(folder) / SQLITE_FILE}", "sqlite")]  # the file `serve --data` opens
        if os.environ.get("PEOPLE_DIARY_PG_URL"):
            targets.append((os.environ["PEOPLE_DIARY_PG_URL"], "postgresql"))
        for url, label in targets:
            for line in run(url, label, args.entries, args.needs, args.repeat):
                print(line, flush=True)


if __name__ == "__main__":
    main()
