"""The store interface the sync engine uses: outbox, acks, remote merge, conflicts, photos, HLC."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from store_helpers import USER, household, new_id, remote_change

from fieldapp.domain.hlc import Stamp
from fieldapp.store import open_store

OTHER_DEVICE_STAMP = "9999999999000:00000:d-other"


@pytest.fixture
def store(tmp_path):
    s = open_store(tmp_path, USER, device_id="d-mine")
    yield s
    s.close()


def test_outbox_order_limit_and_ack(store):
    ids = [new_id() for _ in range(5)]
    for record_id in ids:
        store.write_local([("household", record_id, household())], USER)
    ops = store.pending_ops(limit=3)
    assert [op["id"] for op in ops] == ids[:3]
    assert set(ops[0]) == {"op_id", "entity", "id", "fields", "hlc", "author", "device"}
    assert ops[0]["author"] == USER and ops[0]["device"] == "d-mine"
    assert ops[0]["hlc"] < ops[1]["hlc"] < ops[2]["hlc"]
    store.ack([
        {"op_id": ops[0]["op_id"], "status": "applied"},
        {"op_id": ops[1]["op_id"], "status": "duplicate"},
        {"op_id": ops[2]["op_id"], "status": "rejected",
         "reason": {"field": "grid_id", "code": "out_of_scope"}},
    ])
    assert store.pending_count() == 2
    assert [op["id"] for op in store.pending_ops(10)] == ids[3:]
    rejected = store.rejected_ops()
    assert [r["op_id"] for r in rejected] == [ops[2]["op_id"]]
    assert rejected[0]["reason"]["code"] == "out_of_scope"


def test_acks_and_rejections_survive_reopen(tmp_path):
    s = open_store(tmp_path, USER)
    s.write_local([("household", new_id(), household())], USER)
    s.write_local([("household", new_id(), household())], USER)
    first, second = s.pending_ops(10)
    s.ack([{"op_id": first["op_id"], "status": "applied"},
           {"op_id": second["op_id"], "status": "rejected", "reason": {"code": "forbidden"}}])
    s.close()
    again = open_store(tmp_path, USER)
    assert again.pending_count() == 0
    assert [r["op_id"] for r in again.rejected_ops()] == [second["op_id"]]
    again.close()


def test_apply_remote_merges_per_field(store):
    record_id = new_id()
    store.write_local([("household", record_id, household(notes="mine"))], USER)
    local_stamp = store.field_stamps("household", record_id)["notes"]
    older = "0000000000001:00000:d-other"
    stale = {"notes": "old remote", "head_name": "李四"}
    store.apply_remote(remote_change("household", record_id, stale, older))
    held = store.get("household", record_id)
    assert held["notes"] == "mine" and held["head_name"] == "张红梅", "older remote fields lose"
    store.apply_remote(remote_change("household", record_id, {"tags": ["disabled"]}, OTHER_DEVICE_STAMP))
    held = store.get("household", record_id)
    assert held["tags"] == ["disabled"] and held["notes"] == "mine"
    assert store.field_stamps("household", record_id)["notes"] == local_stamp
    assert store.conflicts() == [], "a field I never changed is no conflict"


def test_new_remote_record_and_indexes(store):
    grid = "00000000-0000-4000-8000-0000000000c1"
    record_id = new_id()
    record = household("王五", grid=grid)
    store.apply_remote(remote_change("household", record_id, record, OTHER_DEVICE_STAMP))
    assert [h["id"] for h in store.households_in_grids([grid])] == [record_id]
    assert store.pending_count() == 0


def test_conflict_on_pending_local_change_then_keep_mine(store):
    record_id = new_id()
    store.apply_remote(remote_change("household", record_id, household(), "1700000000000:00000:d-other"))
    store.write_local([("household", record_id, {"notes": "门锁坏了"})], USER)
    store.apply_remote(remote_change("household", record_id, {"notes": "已修好"}, OTHER_DEVICE_STAMP,
                                     by="00000000-0000-4000-8000-0000000000cc"))
    assert store.get("household", record_id)["notes"] == "已修好", "greatest HLC wins"
    (conflict,) = store.conflicts()
    assert conflict["field"] == "notes" and conflict["mine"] == "门锁坏了" and conflict["theirs"] == "已修好"
    assert conflict["theirs_by"] == "00000000-0000-4000-8000-0000000000cc"
    assert conflict["entity"] == "household" and conflict["record_id"] == record_id
    before = store.pending_count()
    op = store.resolve_conflict(conflict["id"], "mine")
    assert op["fields"] == {"notes": "门锁坏了"} and op["hlc"] > OTHER_DEVICE_STAMP
    assert store.get("household", record_id)["notes"] == "门锁坏了"
    assert store.pending_count() == before + 1 and store.conflicts() == []


def test_conflict_after_ack_until_echoed_and_accept_theirs(store):
    record_id = new_id()
    store.write_local([("household", record_id, household(notes="a"))], USER)
    (op,) = store.pending_ops(10)
    store.ack([{"op_id": op["op_id"], "status": "applied"}])
    store.apply_remote(remote_change("household", record_id, {"notes": "b"}, OTHER_DEVICE_STAMP))
    (conflict,) = store.conflicts()
    assert store.resolve_conflict(conflict["id"], "theirs") is None
    assert store.conflicts() == [] and store.get("household", record_id)["notes"] == "b"
    assert store.pending_count() == 0


def test_own_echo_confirms_and_later_remote_is_no_conflict(store):
    record_id = new_id()
    store.write_local([("household", record_id, household(notes="a"))], USER)
    (op,) = store.pending_ops(10)
    store.ack([{"op_id": op["op_id"], "status": "applied"}])
    echoed = remote_change("household", record_id, household(notes="a"), op["hlc"], by=USER)
    store.apply_remote(echoed)
    store.apply_remote(remote_change("household", record_id, {"notes": "b"}, OTHER_DEVICE_STAMP))
    assert store.conflicts() == []
    assert store.get("household", record_id)["notes"] == "b"


def test_same_value_is_no_conflict(store):
    record_id = new_id()
    store.write_local([("household", record_id, household(notes="same"))], USER)
    store.apply_remote(remote_change("household", record_id, {"notes": "same"}, OTHER_DEVICE_STAMP))
    assert store.conflicts() == []


def test_conflicts_survive_reopen(tmp_path):
    s = open_store(tmp_path, USER)
    record_id = new_id()
    s.write_local([("household", record_id, household(notes="x"))], USER)
    s.apply_remote(remote_change("household", record_id, {"notes": "y"}, OTHER_DEVICE_STAMP))
    s.close()
    again = open_store(tmp_path, USER)
    assert [c["mine"] for c in again.conflicts()] == ["x"]
    again.close()


def test_observe_hlc_persists_and_orders_later_stamps(tmp_path):
    s = open_store(tmp_path, USER)
    future = "4000000000000:00007:server"
    s.observe_hlc(future)
    s.close()
    again = open_store(tmp_path, USER)
    again.write_local([("household", new_id(), household())], USER)
    (op,) = again.pending_ops(10)
    assert Stamp.parse(op["hlc"]) > Stamp.parse(future)
    again.close()


def test_device_id_is_kept(tmp_path):
    s = open_store(tmp_path, USER)
    device = s.device_id
    s.close()
    again = open_store(tmp_path, USER, device_id="ignored")
    assert again.device_id == device
    again.close()


@dataclass
class FakeProcessed:  # the shape of fieldapp.photos.ProcessedPhoto
    sha256: str
    path: Path
    thumb_path: Path
    width: int = 1600
    height: int = 1200
    bytes: int = 1234


def test_photos_pending_until_uploaded(store, tmp_path):
    sha = "a" * 64
    store.add_photo(FakeProcessed(sha, tmp_path / "a.jpg", tmp_path / "a_t.jpg"))
    assert store.pending_photos() == [sha]
    assert store.photo_file(sha) == tmp_path / "a.jpg"
    store.mark_photo_uploaded(sha)
    assert store.pending_photos() == []
    store.add_photo(FakeProcessed(sha, tmp_path / "a.jpg", tmp_path / "a_t.jpg"))
    assert store.pending_photos() == [], "re-adding an uploaded photo does not queue it again"
    with pytest.raises(KeyError):
        store.photo_file("b" * 64)


def test_meta_roundtrip_and_delete(store):
    store.set_meta("session", {"token": "t", "名字": "王"})
    assert store.get_meta("session") == {"token": "t", "名字": "王"}
    store.set_meta("session", None)
    assert store.get_meta("session", "gone") == "gone"


def test_a_pull_page_and_its_cursor_are_one_commit(store):
    ids = [new_id() for _ in range(3)]
    page = [remote_change("household", r, household(f"户{i}"), OTHER_DEVICE_STAMP) for i, r in enumerate(ids)]
    journal = store.path / "journal.log"
    lines_before = journal.read_text(encoding="utf-8").count("\n")
    store.apply_remote_many(page, {"pull_cursor": 17})
    assert journal.read_text(encoding="utf-8").count("\n") == lines_before + 1
    assert [store.get("household", r)["head_name"] for r in ids] == ["户0", "户1", "户2"]
    assert store.get_meta("pull_cursor") == 17
    assert store.get_meta("hlc") == OTHER_DEVICE_STAMP, "the newest pulled stamp is observed"


def test_unknown_entities_in_a_pull_are_ignored(store):
    store.apply_remote({"entity": "spaceship", "id": new_id(), "record": {}, "field_hlc": {}})
    store.apply_remote_many([{"entity": "household"}])  # no id: skipped, not a crash
    assert store.count("household") == 0


def test_clamped_future_stamp_yields_to_the_servers_echo(tmp_path):
    """A phone whose clock runs years ahead: the server clamps the op's HLC. The
    echo (with the server's real stamp) must replace our future stamp, or later
    edits by others would lose here while winning on the server."""
    future = lambda: 4102444800000  # noqa: E731 - 2100-01-01, a badly wrong phone clock
    s = open_store(tmp_path, USER, device_id="d-mine")
    s.clock._now_ms = future
    record_id = new_id()
    s.write_local([("household", record_id, household(notes="mine"))], USER)
    (op,) = s.pending_ops(10)
    s.ack([{"op_id": op["op_id"], "status": "applied", "clamped": True}])
    server_stamp = "1800000000000:00000:server"
    s.apply_remote(remote_change("household", record_id, household(notes="mine"), server_stamp, by=USER))
    assert s.field_stamps("household", record_id)["notes"] == server_stamp
    later = "1800000000500:00000:d-other"
    s.apply_remote(remote_change("household", record_id, {"notes": "theirs"}, later))
    assert s.get("household", record_id)["notes"] == "theirs"
    assert s.conflicts() == []
    s.close()


def test_tinydb_cannot_open_a_store_in_use(tmp_path):
    from tinydb import TinyDB

    from fieldapp.store import JournalStorage, StoreLockedError

    s = open_store(tmp_path, USER)
    with pytest.raises(StoreLockedError):
        TinyDB(tmp_path / USER, storage=JournalStorage)
    s.close()
