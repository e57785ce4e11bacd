"""Sync through a proxy that drops, cuts, repeats requests and restarts the server.

Afterwards the server must hold each op exactly once, and the devices' stores
must equal what the server holds for their scope.
"""
from __future__ import annotations

import random
import sqlite3
import uuid
from pathlib import Path
from typing import Any

import pytest
from fault_proxy import FaultProxy
from sync_helpers import (
    Device,
    edit,
    login_device,
    make_photo,
    new_entry,
    new_household,
    now_iso,
    server_records,
    store_records,
)

from fieldapp.sync import ApiClient, LoginFailed, Unreachable
from server.config import SQLITE_FILE

GRID_ENTITIES = ("household", "diary_entry", "need", "need_event", "errand", "comment")
MAX_RUNS = 25  # sync attempts per device; each one ends by itself (bounded retries)


def faulty_plan(seed: int, restart_on_pushes: set[int]):
    """Every other push and every other pull is faulted, all faults in turn and
    then in a seeded order, so the schedule does not depend on timing; photo
    uploads (PUT) are faulted at random; the server restarts right after it applied
    the given push requests (counted from 1)."""
    rng = random.Random(seed)
    faults = ["drop_request", "drop_response", "cut_body", "repeat"]
    counts = {"push": 0, "pull": 0, "other": 0}

    def plan(_number: int, method: str, path: str) -> str:
        kind = "push" if path.endswith("/sync/push") else "pull" if "/sync/pull" in path else "other"
        counts[kind] += 1
        n = counts[kind]
        if kind == "push" and n in restart_on_pushes:
            return "restart"
        if kind == "other":  # photo uploads; the test's own read-back GETs pass
            return rng.choice(faults) if method == "PUT" and rng.random() < 0.35 else "pass"
        if n % 2 == 0:  # the request after a fault passes: every retry makes progress
            return faults[(n // 2) % len(faults)] if n <= 16 else rng.choice(faults)
        return "pass"

    return plan


def write_work(device: Device, label: str, shared: str) -> list[dict[str, Any]]:
    """Three households, their visits, and edits (some on a household both devices edit)."""
    ops: list[dict[str, Any]] = []
    store = device.store
    before = {op["op_id"] for op in store.pending_ops(10_000)}
    households = [new_household(device, f"{label}户主{i}") for i in range(3)]
    for i in range(24):
        new_entry(device, households[i % 3], f"{label} 第{i}次走访")
    for i in range(6):
        edit(device, "household", households[i % 3], notes=f"{label} 备注 {i}")
        edit(device, "household", shared, notes=f"{label} 共同编辑 {i}")
    ops = [op for op in store.pending_ops(10_000) if op["op_id"] not in before]
    assert len(ops) == 3 + 24 + 12
    return ops


def sync_until_done(device: Device) -> list[Any]:
    reports = []
    for _ in range(MAX_RUNS):
        report = device.sync()
        reports.append(report)
        assert not report.auth_required and report.rejected == []
        if report.ok and device.store.pending_count() == 0:
            return reports
    raise AssertionError(f"not done after {MAX_RUNS} runs: {reports[-1]}")


def applied_op_counts(db_file: Path, op_ids: list[str]) -> dict[str, int]:
    """How many times the server logged each op as applied (read from its SQLite file)."""
    counts = dict.fromkeys(op_ids, 0)
    with sqlite3.connect(f"file:{db_file}?mode=ro", uri=True) as db:
        for (op_id,) in db.execute("SELECT op_id FROM applied_ops"):
            if op_id in counts:
                counts[op_id] += 1
    return counts


def record_ids(db_file: Path, entity: str) -> list[str]:
    with sqlite3.connect(f"file:{db_file}?mode=ro", uri=True) as db:
        return [row[0] for row in db.execute("SELECT id FROM records WHERE entity = ?", (entity,))]


def test_faults_deliver_each_op_once_and_devices_converge(server, tmp_path: Path) -> None:
    proxy = FaultProxy(server.port, faulty_plan(20261122, restart_on_pushes={3, 9}), server.restart)
    app = tmp_path / "app"
    worker = login_device(server.base_url, app, "worker1", "phone-w", sync_url=proxy.url,
                          batch_size=8, pull_limit=60)
    coordinator = login_device(server.base_url, app, "coordinator1", "desk-c", sync_url=proxy.url,
                               batch_size=8, pull_limit=120)
    try:
        shared = new_household(worker, "共同户")
        sync_until_done(worker)
        sync_until_done(coordinator)
        ops = write_work(worker, "网格员", shared) + write_work(coordinator, "专干", shared)
        photo = make_photo(tmp_path, "green")
        visit = {"household_id": shared, "grid_id": worker.grid_id, "worker_id": worker.user["id"],
                 "visited_at": now_iso(), "kind": "regular",
                 "photos": [{"sha256": photo.sha256, "consent": True}]}
        worker.store.write_local([("diary_entry", str(uuid.uuid4()), visit)], worker.user["id"],
                                 photos=[photo])
        reports = []
        for _ in range(2):  # interleaved, so each device pulls what the other pushed
            reports += sync_until_done(worker) + sync_until_done(coordinator)
        # answers were lost after the server applied them: re-sent, and acknowledged as duplicates
        assert sum(r.duplicates for r in reports) >= 1
        assert sum(r.pushed + r.duplicates for r in reports) >= len(ops)

        assert {"drop_request", "drop_response", "cut_body", "repeat", "restart"} <= proxy.faults_used()
        faulty_pushes = [e for e in proxy.log if e.fault != "pass" and e.path.endswith("/sync/push")]
        faulty_pulls = [e for e in proxy.log if e.fault != "pass" and "/sync/pull" in e.path]
        assert len(faulty_pushes) >= 5 and len(faulty_pulls) >= 5
        db_file = tmp_path / "server" / SQLITE_FILE
        counts = applied_op_counts(db_file, [op["op_id"] for op in ops])
        assert set(counts.values()) == {1}, {k: v for k, v in counts.items() if v != 1}
        entries = [op["id"] for op in ops if op["entity"] == "diary_entry"]
        held = record_ids(db_file, "diary_entry")
        assert len(held) == len(set(held)) and set(entries) <= set(held) and len(entries) == 48
        assert worker.store.pending_photos() == []
        assert coordinator.client.get_photo(photo.sha256) == photo.path.read_bytes()

        worker_view = server_records(server.base_url, "worker1")
        coordinator_view = server_records(server.base_url, "coordinator1")
        assert store_records(worker.store, GRID_ENTITIES) == _only(worker_view, GRID_ENTITIES)
        assert store_records(coordinator.store, GRID_ENTITIES) == _only(coordinator_view, GRID_ENTITIES)
        final = coordinator_view[("household", shared)]["notes"]
        assert worker.store.get("household", shared)["notes"] == final
        assert coordinator.store.get("household", shared)["notes"] == final
        assert final == "专干 共同编辑 5"  # written last
    finally:
        worker.close()
        coordinator.close()
        proxy.stop()


def _only(view: dict[tuple[str, str], dict[str, Any]], entities: tuple[str, ...]) -> dict:
    return {key: record for key, record in view.items() if key[0] in entities}


def test_proxy_faults_are_what_they_say(server) -> None:
    """The proxy itself: a dropped response and a cut body both look unreachable,
    and the server did process the dropped login (its next login works)."""
    proxy = FaultProxy(server.port, lambda n, m, p: ["drop_response", "pass", "cut_body", "pass"][n % 4])
    try:
        with ApiClient(proxy.url, timeout=5) as client:
            with pytest.raises(LoginFailed) as failed:
                client.login("worker1", "demo1234", "p-" + uuid.uuid4().hex[:6])
            assert failed.value.code == "unreachable"
            assert client.login("worker1", "demo1234", "p2").token
            with pytest.raises(Unreachable):
                client.me()
            assert client.me()["username"] == "worker1"
        assert [e.fault for e in proxy.log] == ["drop_response", "pass", "cut_body", "pass"]
    finally:
        proxy.stop()
