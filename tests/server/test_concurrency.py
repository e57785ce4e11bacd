"""Concurrent pushes while a device keeps pulling with its cursor: every
record arrives, none is skipped by the cursor, seqs are unique. Also: the
server keeps its data across a restart (same port, same data)."""
from __future__ import annotations

import threading

from tests.server.world import World, household
from tests.support.api import ApiSession, new_id

PUSHERS, BATCHES, OPS_PER_BATCH = 4, 5, 10


def _push_many(api_url: str, grid_id: str, made: list[str], errors: list[str]) -> None:
    api = ApiSession(api_url, device=f"burst-{new_id()[:8]}").login("worker_a1", "secret-pass")
    try:
        for _ in range(BATCHES):
            ops = [api.op("household", new_id(), household(grid_id)) for _ in range(OPS_PER_BATCH)]
            results = api.push(ops)
            errors += [str(r) for r in results if r["status"] != "applied"]
            made += [op["id"] for op in ops]
    except Exception as exc:  # noqa: BLE001 -- reported by the test below
        errors.append(repr(exc))
    finally:
        api.close()


def test_a_pulling_device_never_skips_rows_committed_concurrently(world: World) -> None:
    puller = world.session("worker_a1")
    since = puller.pull(0, 1000)["next"]
    while (page := puller.pull(since, 1000))["more"]:
        since = page["next"]
    since = page["next"]
    made: list[str] = []
    errors: list[str] = []
    threads = [threading.Thread(target=_push_many, args=(world.srv.api, world.grids["A1"], made, errors))
               for _ in range(PUSHERS)]
    for thread in threads:
        thread.start()
    pulled: dict[str, int] = {}
    seqs: list[int] = []
    for _ in range(10_000):  # bounded: pull small pages while the pushers run
        page = puller.pull(since, 7)
        for change in page["changes"]:
            pulled[change["id"]] = change["seq"]
            seqs.append(change["seq"])
        since = page["next"]
        if not page["more"] and not any(t.is_alive() for t in threads):
            break
    for thread in threads:
        thread.join(timeout=120)
    final = puller.pull(since, 1000)  # anything committed after the last look
    for change in final["changes"]:
        pulled[change["id"]] = change["seq"]
        seqs.append(change["seq"])
    assert errors == []
    assert len(made) == PUSHERS * BATCHES * OPS_PER_BATCH
    assert set(made) <= set(pulled), f"{len(set(made) - set(pulled))} records skipped by the cursor"
    assert seqs == sorted(seqs) and len(seqs) == len(set(seqs))


def test_restart_keeps_the_data_and_the_tokens(world: World) -> None:
    api = world.session("coord_a")
    hid = new_id()
    api.push([api.op("household", hid, household(world.grids["A1"]))])
    before = api.pull_all()
    old_pid = world.srv.pid
    world.srv.restart()
    assert world.srv.pid != old_pid
    after = api.pull_all()
    assert after == before and ("household", hid) in after
