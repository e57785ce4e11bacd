"""The SQL side of the figures on a real SQLite file with the server's schema."""
from __future__ import annotations

import json
from pathlib import Path

import desk_dataset as dataset
import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from server.db import open_database
from server.desk.bulk import bulk_insert
from server.desk.figures import Period
from server.desk.report import build_report

W1, W2, BOSS = dataset.uid("w1"), dataset.uid("w2"), dataset.uid("boss")


@pytest.fixture()
def report(tmp_path: Path) -> dict:
    engine = open_database(f"sqlite:///{tmp_path / 'desk.sqlite3'}")
    data = dataset.build(W1, W2)
    with engine.begin() as conn:
        for user_id, name, role, grids in [(W1, "刘红梅", "worker", [data.grid1]),
                                           (W2, "王建军", "worker", [data.grid2]),
                                           (BOSS, "书记", "coordinator", [])]:
            conn.execute(text(
                "INSERT INTO users (id, username, display_name, role, community_id, grid_ids, password_hash,"
                " active, created_at) VALUES (:i, :u, :d, :r, :c, :g, 'x', :a, '2026-01-01T00:00:00Z')"),
                {"i": user_id, "u": user_id[:8], "d": name, "r": role, "c": data.community_id,
                 "g": json.dumps(grids), "a": True})
    bulk_insert(engine, data.community_id, data.records, BOSS)
    with Session(engine) as session:
        yield build_report(session, data.community_id, Period.parse(*dataset.PERIOD))
    engine.dispose()


def test_community_row(report: dict):
    row = report["community"]
    assert (row["visits"], row["quota"]) == (4, 60.0)
    assert row["coverage"] == {"special_households": 2, "in_cadence": 1, "rate": 0.5}
    needs = row["needs"]
    assert (needs["raised"], needs["resolved"], needs["resolved_on_time"], needs["closed"]) == (3, 2, 1, 1)
    assert needs["on_time_rate"] == 0.5 and needs["avg_days_to_resolve"] == 7.5
    assert needs["closure_rate"] == 0.3333
    assert (needs["satisfaction_rate"], needs["satisfaction_rate_strict"]) == (1.0, 0.5)


def test_grid_and_worker_rows(report: dict):
    grids = {r["label"]: r for r in report["grids"]}
    assert grids["一网格"]["visits"] == 3 and grids["二网格"]["visits"] == 1
    assert grids["一网格"]["coverage"]["rate"] == 1.0 and grids["二网格"]["coverage"]["rate"] == 0.0
    assert grids["二网格"]["needs"]["raised"] == 1 and grids["二网格"]["needs"]["resolved"] == 0
    workers = {r["label"]: r for r in report["workers"]}
    assert set(workers) == {"刘红梅", "王建军"}  # the coordinator is not a worker row
    w1 = workers["刘红梅"]
    assert (w1["visits"], w1["quota"], w1["quota_rate"]) == (3, 30.0, 0.1)
    assert w1["needs"]["raised"] == 2 and w1["needs"]["closure_rate"] == 0.5
    assert workers["王建军"]["needs"]["satisfaction_rate"] is None
