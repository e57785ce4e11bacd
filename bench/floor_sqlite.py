"""How much CPU SQLite alone needs for the writes of the server benchmark's burst.

What it proves: a lower bound for the write side of `bench/bench_server.py
--workers 500 --spread 0`, below which no change to the server's Python can go
while it keeps SQLite. The same database the benchmark seeds (server schema,
indexes, demo community, worker accounts: `bench.server_seed.seed_database`)
receives the same 500 x 20 ops (`bench.bench_server.make_ops`) through raw
`sqlite3`, in transactions of 4 pushes each (about what group commit forms in
the burst), with only the statements a push cannot do without:

- per transaction: BEGIN IMMEDIATE, the change-sequence counter bump, COMMIT;
- per push: read the records the ops touch and the op ids already applied
  (one `IN (...)` query each), then one executemany each for applied_ops,
  new records and updated records (the updated record's JSON merged with the
  op's fields).

No HTTP, no token check, no validation, scope check or per-field merge, no
derived columns, device_status, scope exits or pulls: each of those only adds
to the figure. The CPU seconds printed are this process's (SQLite runs in it).

Usage: .venv/bin/python bench/floor_sqlite.py [--workers 500] [--ops 20] [--group 4]
"""
from __future__ import annotations

import argparse
import json
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_server import PASSWORD, WORKERS_PER_GRID, make_ops  # noqa: E402
from bench.server_seed import seed_database  # noqa: E402
from server.demo import build_demo  # noqa: E402

NOW = "2026-12-01T08:00:00Z"
INSERT_RECORD = ("INSERT INTO records (id, entity, community_id, grid_id, household_id, person_id, status,"
                 " at, data, field_hlc, field_by, seq, updated_at, deadline)"
                 " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
UPDATE_RECORD = ("UPDATE records SET data = ?, field_hlc = ?, field_by = ?, seq = ?, updated_at = ?"
                 " WHERE id = ?")
INSERT_APPLIED = "INSERT INTO applied_ops (op_id, user_id, device, applied_at) VALUES (?, ?, ?, ?)"

Push = tuple[str, str, str, list[dict[str, Any]]]  # user id, device, grid id, ops


def seeded(data_dir: Path, workers: int) -> tuple[Path, list[Push]]:
    """The benchmark's database and each worker's push, made as bench_server makes them."""
    grids = max(1, workers // WORKERS_PER_GRID)
    demo = build_demo(seed=11, households_per_grid=20, grid_count=grids, entries=grids * 40, needs=grids * 4)
    bench_workers = seed_database(data_dir, demo, workers, PASSWORD)
    path = data_dir / "people-diary.sqlite3"
    with sqlite3.connect(path) as db:
        user_ids = dict(db.execute("SELECT username, id FROM users"))
    return path, [(user_ids[w.username], w.device, w.grid_id, w.households) for w in bench_workers]


def write_push(db: sqlite3.Connection, push: Push, seq: int) -> int:
    """One push's statements; returns the last seq used."""
    user_id, device, grid_id, ops = push
    marks = ",".join("?" * len(ops))
    ids, op_ids = [o["id"] for o in ops], [o["op_id"] for o in ops]
    held = {row[0]: row for row in db.execute(
        f"SELECT id, data, field_hlc, field_by, seq FROM records WHERE id IN ({marks})", ids)}
    db.execute(f"SELECT op_id FROM applied_ops WHERE op_id IN ({marks})", op_ids).fetchall()
    applied, inserts, updates = [], [], []
    for op in ops:
        seq += 1
        applied.append((op["op_id"], user_id, device, NOW))
        fields = op["fields"]
        row = held.get(op["id"])
        if row is None:
            data = json.dumps(fields, ensure_ascii=False)
            inserts.append((op["id"], op["entity"], None, grid_id, fields.get("household_id"), user_id,
                            fields.get("status"), NOW, data, "{}", "{}", seq, NOW, fields.get("deadline")))
        else:
            record = {**json.loads(row[1]), **fields}
            updates.append((json.dumps(record, ensure_ascii=False), row[2], row[3], seq, NOW, op["id"]))
    db.executemany(INSERT_APPLIED, applied)
    db.executemany(INSERT_RECORD, inserts)
    db.executemany(UPDATE_RECORD, updates)
    return seq


def run(path: Path, pushes: list[Push], group: int) -> tuple[float, float, int]:
    """(wall s, CPU s, transactions) for all pushes, `group` per transaction."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    seq = db.execute("SELECT max(seq) FROM records").fetchone()[0] or 0
    began, cpu = time.perf_counter(), time.process_time()
    transactions = 0
    for start in range(0, len(pushes), group):
        db.execute("BEGIN IMMEDIATE")
        db.execute("UPDATE counters SET value = value WHERE name = 'seq'")
        for push in pushes[start:start + group]:
            seq = write_push(db, push, seq)
        db.execute("UPDATE counters SET value = ? WHERE name = 'seq'", (seq,))
        db.execute("COMMIT")
        transactions += 1
    wall, cpu = time.perf_counter() - began, time.process_time() - cpu
    db.close()
    return wall, cpu, transactions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=500)
    parser.add_argument("--ops", type=int, default=20, help="ops per push")
    parser.add_argument("--group", type=int, default=4, help="pushes per transaction")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="floor-sqlite-") as tmp:
        path, workers = seeded(Path(tmp), args.workers)
        pushes = [(user_id, device, grid_id, make_ops(user_id, device, grid_id, households, args.ops))
                  for user_id, device, grid_id, households in workers]
        wall, cpu, transactions = run(path, pushes, args.group)
    ops = args.workers * args.ops
    print(f"raw sqlite3 {sqlite3.sqlite_version}: {args.workers} pushes x {args.ops} ops = {ops} ops in "
          f"{transactions} transactions: wall {wall:.2f} s, CPU {cpu:.2f} s "
          f"({1e6 * cpu / ops:.0f} us per op)")


if __name__ == "__main__":
    main()
