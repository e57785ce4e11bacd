"""Push and pull over HTTP: applied/duplicate/rejected, per-field LWW,
append-only, clamping, batch isolation, paging and cursors."""
from __future__ import annotations

import time

import pytest

from tests.server.world import World, diary_entry, household
from tests.support.api import ApiSession, new_id


@pytest.fixture
def worker(world: World) -> ApiSession:
    return world.session("worker_a1")


def by_id(api: ApiSession, since: int = 0) -> dict[str, dict]:
    return {rid: change for (_, rid), change in api.pull_all(since).items()}


def test_push_applied_then_duplicate(world: World, worker: ApiSession) -> None:
    op = worker.op("household", new_id(), household(world.grids["A1"]))
    assert worker.push([op]) == [{"op_id": op["op_id"], "status": "applied"}]
    assert worker.push([op]) == [{"op_id": op["op_id"], "status": "duplicate"}]
    twice = worker.op("household", op["id"], {"notes": "一次"})
    assert [r["status"] for r in worker.push([twice, twice])] == ["applied", "duplicate"]


def test_rejected_op_says_why(world: World, worker: ApiSession) -> None:
    fields = household(world.grids["A1"])
    del fields["head_name"]
    [result] = worker.push([worker.op("household", new_id(), fields)])
    assert result["status"] == "rejected"
    assert result["reason"]["field"] == "head_name" and result["reason"]["code"] == "required"


def test_pushed_record_comes_back_in_pull_with_stamps_and_authors(world: World, worker: ApiSession) -> None:
    hid = new_id()
    op = worker.op("household", hid, household(world.grids["A1"], head="李桂兰"))
    worker.push([op])
    change = by_id(worker)[hid]
    assert change["entity"] == "household" and change["record"]["head_name"] == "李桂兰"
    assert change["record"]["id"] == hid
    assert change["field_hlc"]["head_name"] == op["hlc"]
    assert change["field_by"]["head_name"] == worker.user_id


def test_two_devices_editing_different_fields_both_keep_their_change(world: World) -> None:
    phone = ApiSession(world.srv.api, device="phone").login("worker_a1", "secret-pass")
    desk = ApiSession(world.srv.api, device="desk").login("coord_a", "secret-pass")
    hid = new_id()
    phone.push([phone.op("household", hid, household(world.grids["A1"]))])
    now = int(time.time() * 1000)
    # the desk edits later in real time but pushes first; the phone's older notes still land
    desk.push([desk.op("household", hid, {"tags": ["disabled"]}, hlc=desk.hlc(now + 2000))])
    phone.push([phone.op("household", hid, {"notes": "轮椅已送到"}, hlc=phone.hlc(now + 1000))])
    record = by_id(desk)[hid]
    assert record["record"]["tags"] == ["disabled"] and record["record"]["notes"] == "轮椅已送到"
    assert record["field_by"]["tags"] == desk.user_id and record["field_by"]["notes"] == phone.user_id
    phone.close(), desk.close()


def test_same_field_greatest_hlc_wins_whatever_the_arrival_order(world: World) -> None:
    a = ApiSession(world.srv.api, device="dev-a").login("worker_a1", "secret-pass")
    b = ApiSession(world.srv.api, device="dev-b").login("coord_a", "secret-pass")
    hid = new_id()
    a.push([a.op("household", hid, household(world.grids["A1"]))])
    now = int(time.time() * 1000)
    newer = b.op("household", hid, {"notes": "新"}, hlc=b.hlc(now + 5000))
    older = a.op("household", hid, {"notes": "旧"}, hlc=a.hlc(now + 1000))
    results = b.push([newer]) + a.push([older])
    assert results == [{"op_id": newer["op_id"], "status": "applied"},
                       {"op_id": older["op_id"], "status": "applied"}]
    change = by_id(a)[hid]
    assert change["record"]["notes"] == "新", (change, newer, older)
    assert change["field_hlc"]["notes"] == newer["hlc"]
    a.close(), b.close()


def test_append_only_entries_refuse_updates(world: World, worker: ApiSession) -> None:
    eid = new_id()
    worker.push([worker.op("diary_entry", eid, diary_entry(world.ids["hh_A1"], world.grids["A1"],
                                                              worker.user_id))])
    before = by_id(worker)[eid]
    [result] = worker.push([worker.op("diary_entry", eid, {"notes": "改写"})])
    assert result["status"] == "rejected" and result["reason"]["code"] == "append_only"
    assert by_id(worker)[eid] == before


def test_future_hlc_is_clamped_to_the_server_clock(world: World, worker: ApiSession) -> None:
    hid = new_id()
    far = int(time.time() * 1000) + 24 * 3600 * 1000
    op = worker.op("household", hid, household(world.grids["A1"]), hlc=worker.hlc(far))
    response = worker.push_raw({"device": worker.device, "ops": [op]})
    [result] = response.json()["results"]
    assert result == {"op_id": op["op_id"], "status": "applied", "clamped": True}
    stamp = by_id(worker)[hid]["field_hlc"]["head_name"]
    assert stamp.endswith(":server") and stamp < response.json()["server_hlc"]
    assert int(stamp[:13]) < far
    near = worker.op("household", hid, {"notes": "近"}, hlc=worker.hlc(int(time.time() * 1000) + 60_000))
    assert "clamped" not in worker.push([near])[0]


def test_one_bad_op_does_not_block_the_others(world: World, worker: ApiSession) -> None:
    good1, good2, bad_hh = new_id(), new_id(), new_id()
    bad_fields = household(world.grids["A1"], tags=["not_a_tag"])
    ops = [worker.op("household", good1, household(world.grids["A1"])),
           worker.op("household", bad_hh, bad_fields),
           {"op_id": new_id(), "entity": "household"},  # broken envelope
           worker.op("household", new_id(), household(world.grids["A2"])),  # out of scope
           worker.op("household", good2, household(world.grids["A1"]))]
    results = worker.push(ops)
    assert [r["status"] for r in results] == ["applied", "rejected", "rejected", "rejected", "applied"]
    assert results[1]["reason"]["field"] == "tags" and results[2]["reason"]["code"] == "required"
    assert results[3]["reason"] == {"field": "grid_id", "code": "out_of_scope", "detail": ""}
    seen = by_id(worker)
    assert good1 in seen and good2 in seen and bad_hh not in seen


def test_entry_must_sit_in_its_households_grid(world: World) -> None:
    coord = world.session("coord_a")
    fields = diary_entry(world.ids["hh_A1"], world.grids["A2"], coord.user_id)
    [result] = coord.push([coord.op("diary_entry", new_id(), fields)])
    assert result["status"] == "rejected" and result["reason"]["code"] == "grid_mismatch"


def test_worker_cannot_move_a_household_out_of_scope(world: World, worker: ApiSession) -> None:
    hid = new_id()
    worker.push([worker.op("household", hid, household(world.grids["A1"]))])
    [result] = worker.push([worker.op("household", hid, {"grid_id": world.grids["A2"]})])
    assert result["status"] == "rejected" and result["reason"]["code"] == "out_of_scope"
    assert by_id(worker)[hid]["record"]["grid_id"] == world.grids["A1"]


def test_author_must_be_the_caller(world: World, worker: ApiSession) -> None:
    someone_else = world.users["admin"]["user_id"]
    op = worker.op("household", new_id(), household(world.grids["A1"]), author=someone_else)
    [result] = worker.push([op])
    assert result["status"] == "rejected" and result["reason"]["code"] == "author_mismatch"


def test_pull_pages_follow_the_cursor_without_gaps_or_repeats(world: World, worker: ApiSession) -> None:
    worker.push([worker.op("household", new_id(), household(world.grids["A1"])) for _ in range(7)])
    everything = worker.pull(0, 1000)
    assert not everything["more"]
    seqs, since, pages = [], 0, 0
    while True:
        page = worker.pull(since, 3)
        pages += 1
        assert len(page["changes"]) <= 3
        seqs += [c["seq"] for c in page["changes"]]
        assert page["next"] == (page["changes"][-1]["seq"] if page["changes"] else since)
        since = page["next"]
        if not page["more"]:
            break
        assert pages < 1000
    assert seqs == [c["seq"] for c in everything["changes"]] and seqs == sorted(set(seqs))
    assert pages >= 3
    empty = worker.pull(since)
    assert empty["changes"] == [] and empty["next"] == since and empty["more"] is False
    hid = new_id()
    worker.push([worker.op("household", hid, household(world.grids["A1"]))])
    fresh = worker.pull(since)
    assert [c["id"] for c in fresh["changes"]] == [hid] and fresh["changes"][0]["seq"] > since


def test_push_records_the_device_status(world: World, worker: ApiSession) -> None:
    from sqlalchemy import select

    from server.config import Settings
    from server.db import make_engine
    from server.db import schema as s

    worker.pull()
    worker.push([worker.op("household", new_id(), {"head_name": "x"})], pending=42)  # rejected: required
    engine = make_engine(Settings(world.srv.data_dir, world.srv.db_url).database_url)
    with engine.connect() as conn:
        row = conn.execute(select(s.device_status).where(s.device_status.c.device == worker.device)).one()
    engine.dispose()
    assert row.user_id == worker.user_id and row.pending_reported == 42 and row.rejected_total >= 1
    assert row.last_push_at and row.last_pull_at
