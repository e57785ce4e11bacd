"""Kill a process that is saving, with SIGKILL, at 200 random moments; every
reopen must succeed and hold every save that had returned before the kill."""
from __future__ import annotations

import os
import random
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

from fieldapp.store import open_store

CHILD = Path(__file__).with_name("store_crash_child.py")
KILLS = 200
ROUNDS_PER_DIR = 20  # state accumulates across kills, then a fresh directory
USER = "00000000-0000-4000-8000-0000000000aa"


def read_line(proc: subprocess.Popen, timeout: float) -> str:
    ready, _, _ = select.select([proc.stdout], [], [], timeout)
    assert ready, "child did not start"
    return proc.stdout.readline().decode()


def run_and_kill(data_dir: Path, seed: int, delay: float) -> list[tuple[str, str]]:
    """Start a saving child, SIGKILL it after `delay` s; return the acknowledged saves."""
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root)}
    proc = subprocess.Popen([sys.executable, str(CHILD), str(data_dir), USER, "6000", str(seed)],
                            stdout=subprocess.PIPE, env=env)
    try:
        assert read_line(proc, 30).strip() == "ready"
        time.sleep(delay)
        os.kill(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
    text = out.decode("utf-8", "replace")
    complete = text[: text.rfind("\n") + 1]  # a line cut by the kill was never acknowledged
    return [tuple(line.split()) for line in complete.splitlines()]


def test_sigkill_at_random_moments_loses_no_acknowledged_save(tmp_path):
    rng = random.Random(20261121)
    acknowledged: dict[str, str] = {}
    data_dir = tmp_path / "d0"
    reopened = total_saves = torn_tails = 0
    for kill in range(KILLS):
        if kill % ROUNDS_PER_DIR == 0:
            data_dir, acknowledged = tmp_path / f"d{kill}", {}
        saved = run_and_kill(data_dir, seed=kill, delay=rng.uniform(0.0, 0.05))
        acknowledged.update({record_id: f"户{i}" for record_id, i in saved})
        total_saves += len(saved)
        store = open_store(data_dir, USER)  # must never fail
        torn_tails += bool(store.storage.dropped_bytes)
        try:
            missing = [r for r in acknowledged if store.get("household", r) is None]
            assert not missing, f"kill {kill}: {len(missing)} acknowledged saves lost"
            wrong = [r for r, name in acknowledged.items() if store.get("household", r)["head_name"] != name]
            assert not wrong, f"kill {kill}: records changed"
            queued = {op["id"] for op in store.pending_ops(limit=100_000)}
            assert set(acknowledged) <= queued, f"kill {kill}: an acknowledged record lost its operation"
            for household in store.all("household"):  # acknowledged or not: never half a commit
                entries = store.entries_for_household(household["id"])
                assert len(entries) == 1 and entries[0]["id"] in queued, f"kill {kill}: half a commit"
            assert store.count("diary_entry") == store.count("household")
        finally:
            store.close()
        reopened += 1
    assert reopened == KILLS
    assert total_saves > KILLS, "the children must actually have been saving when killed"
    print(f"{KILLS} kills, {total_saves} acknowledged saves, {torn_tails} torn tails dropped on reopen")
