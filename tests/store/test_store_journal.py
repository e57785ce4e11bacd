"""The journal storage: durability, compaction, torn lines, file modes, encoding."""
from __future__ import annotations

import json
import os
import stat

import pytest
from store_helpers import USER, household, new_id
from tinydb import TinyDB

from fieldapp.store import JournalStorage, StoreLockedError, open_store
from fieldapp.store import journal as journal_module


def test_saves_survive_reopen(tmp_path):
    store = open_store(tmp_path, USER)
    ids = [new_id() for _ in range(50)]
    for i, record_id in enumerate(ids):
        store.write_local([("household", record_id, household(f"户主{i}"))], USER)
    store.set_meta("cursor", 42)
    store.close()
    again = open_store(tmp_path, USER)
    assert [again.get("household", r)["head_name"] for r in ids] == [f"户主{i}" for i in range(50)]
    assert again.get_meta("cursor") == 42
    assert again.pending_count() == 50
    again.close()


def test_compaction_keeps_state_and_restarts_journal(tmp_path, monkeypatch):
    monkeypatch.setattr(journal_module, "MIN_COMPACT_BYTES", 2000)
    store = open_store(tmp_path, USER)
    ids = [new_id() for _ in range(40)]
    for record_id in ids:
        store.write_local([("household", record_id, household())], USER)
    snapshot = store.path / "snapshot.json"
    assert snapshot.exists(), "the journal passed the threshold: a snapshot must have been written"
    # the journal is restarted at each compaction: it stays well under the snapshot's size
    assert store.storage.journal_bytes < snapshot.stat().st_size
    store.write_local([("household", ids[0], {"head_name": "李四"})], USER)
    store.close()
    again = open_store(tmp_path, USER)
    assert again.count("household") == 40
    assert again.get("household", ids[0])["head_name"] == "李四"
    assert not (again.path / "snapshot.json.tmp").exists()
    again.close()


def test_stale_journal_after_compaction_crash_replays_harmlessly(tmp_path):
    """Crash between renaming the snapshot and truncating the journal: both hold
    the same puts; replaying them again must give the same state."""
    store = open_store(tmp_path, USER)
    record_id = new_id()
    store.write_local([("household", record_id, household())], USER)
    store.write_local([("household", record_id, {"head_name": "王五"})], USER)
    journal_copy = (store.path / "journal.log").read_bytes()
    store.compact()
    store.close()
    (tmp_path / USER / "journal.log").write_bytes(journal_copy)
    again = open_store(tmp_path, USER)
    assert again.get("household", record_id)["head_name"] == "王五"
    assert again.pending_count() == 2
    again.close()


@pytest.mark.parametrize("tail", [b'{"c":[["household","9",{"id":"x', b"\x00\x00\x00", b'{"c": [}\n'])
def test_torn_last_line_is_dropped_and_cut(tmp_path, tail):
    store = open_store(tmp_path, USER)
    record_id = new_id()
    store.write_local([("household", record_id, household())], USER)
    store.close()
    journal = tmp_path / USER / "journal.log"
    good_size = journal.stat().st_size
    with open(journal, "ab") as fh:
        fh.write(tail)
    again = open_store(tmp_path, USER)
    assert again.get("household", record_id)["head_name"] == "张红梅"
    assert again.storage.dropped_bytes == len(tail)
    assert journal.stat().st_size == good_size, "the torn tail must be cut so new lines start clean"
    second = new_id()
    again.write_local([("household", second, household("李四"))], USER)
    again.close()
    third = open_store(tmp_path, USER)
    assert third.get("household", second)["head_name"] == "李四"
    third.close()


def test_file_and_directory_modes(tmp_path):
    store = open_store(tmp_path / "data", USER)
    store.write_local([("household", new_id(), household())], USER)
    store.compact()
    store.write_local([("household", new_id(), household())], USER)
    for path in (tmp_path / "data", store.path, store.photo_dir):
        assert stat.S_IMODE(path.stat().st_mode) == 0o700, path
    for name in ("journal.log", "snapshot.json"):
        assert stat.S_IMODE((store.path / name).stat().st_mode) == 0o600, name
    store.close()


def test_utf8_without_escapes(tmp_path):
    store = open_store(tmp_path, USER)
    store.write_local([("household", new_id(), household("张红梅"))], USER)
    raw = (store.path / "journal.log").read_bytes()
    assert "张红梅".encode() in raw
    assert b"\\u" not in raw
    store.compact()
    assert "张红梅".encode() in (store.path / "snapshot.json").read_bytes()
    store.close()


def test_tinydb_reads_the_store(tmp_path):
    store = open_store(tmp_path, USER)
    record_id = new_id()
    store.write_local([("household", record_id, household("赵六"))], USER)
    store.close()
    db = TinyDB(tmp_path / USER, storage=JournalStorage)
    found = db.table("household").search(lambda doc: doc.get("head_name") == "赵六")
    assert [d["id"] for d in found] == [record_id]
    db.table("meta").insert({"key": "via_tinydb", "value": 1})  # TinyDB's own write path compacts
    db.close()
    again = open_store(tmp_path, USER)
    assert again.get_meta("via_tinydb") == 1
    assert again.get("household", record_id)["head_name"] == "赵六"
    again.close()


def test_second_open_in_another_handle_is_refused(tmp_path):
    store = open_store(tmp_path, USER)
    with pytest.raises(StoreLockedError):
        open_store(tmp_path, USER)
    store.close()
    open_store(tmp_path, USER).close()


def test_invariant_failure_writes_nothing(tmp_path):
    from fieldapp.domain.errors import ValidationError

    store = open_store(tmp_path, USER)
    size = os.path.getsize(store.path / "journal.log")
    need_id = new_id()
    bad_need = {"status": "closed", "household_id": new_id(), "grid_id": new_id(), "title": "x"}
    with pytest.raises(ValidationError) as err:
        store.write_local([("household", new_id(), household()), ("need", need_id, bad_need)], USER)
    assert err.value.code == "close_needs_follow_up"
    assert os.path.getsize(store.path / "journal.log") == size
    assert store.count("household") == 0 and store.pending_count() == 0
    store.close()


def test_journal_lines_are_single_commits(tmp_path):
    store = open_store(tmp_path, USER)
    store.write_local([("household", new_id(), household()), ("household", new_id(), household())], USER)
    lines = (store.path / "journal.log").read_text(encoding="utf-8").splitlines()
    last = json.loads(lines[-1])["c"]
    tables = sorted({change[0] for change in last})
    assert tables == ["household", "meta", "outbox"]
    assert sum(1 for change in last if change[0] == "outbox") == 2
    store.close()


def test_disk_full_mid_line_leaves_no_fragment(tmp_path, monkeypatch):
    """ENOSPC after half a line: the commit fails, nothing changes in memory or on
    disk, and the next save (space freed) starts on a clean line."""
    import errno

    store = open_store(tmp_path, USER)
    kept = new_id()
    store.write_local([("household", kept, household("留"))], USER)
    size = (store.path / "journal.log").stat().st_size
    real_write = os.write

    def half_then_full(fd, data):
        real_write(fd, bytes(data[: len(data) // 2]))
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(journal_module.os, "write", half_then_full)
    lost = new_id()
    with pytest.raises(OSError):
        store.write_local([("household", lost, household("失"))], USER)
    monkeypatch.setattr(journal_module.os, "write", real_write)
    assert (store.path / "journal.log").stat().st_size == size
    assert store.get("household", lost) is None and store.pending_count() == 1
    after = new_id()
    store.write_local([("household", after, household("后"))], USER)
    store.close()
    again = open_store(tmp_path, USER)
    assert again.storage.dropped_bytes == 0
    assert {h["head_name"] for h in again.all("household")} == {"留", "后"}
    again.close()


def test_failed_compaction_does_not_fail_the_save(tmp_path, monkeypatch):
    """Compaction is housekeeping: if it cannot write (disk full), the save that
    triggered it is still committed and reported as saved."""
    import errno

    monkeypatch.setattr(journal_module, "MIN_COMPACT_BYTES", 500)
    store = open_store(tmp_path, USER)

    def no_space(*_args, **_kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(store.storage, "compact", no_space)
    ids = [new_id() for _ in range(5)]
    for record_id in ids:
        store.write_local([("household", record_id, household())], USER)  # each passes the threshold
    assert {h["id"] for h in store.households_in_grids([household()["grid_id"]])} == set(ids)
    store.close()
    again = open_store(tmp_path, USER)
    assert again.count("household") == 5 and not (again.path / "snapshot.json").exists()
    again.close()


def test_default_data_dir_prefers_flet_storage(monkeypatch, tmp_path):
    from fieldapp.store import default_data_dir

    monkeypatch.setenv("FLET_APP_STORAGE_DATA", str(tmp_path / "flet"))
    assert default_data_dir() == tmp_path / "flet"
    monkeypatch.delenv("FLET_APP_STORAGE_DATA")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_data_dir() == tmp_path / "xdg" / "people-diary"


def test_user_ids_cannot_escape_the_data_dir(tmp_path):
    for bad in ("", "../x", ".hidden", "a/b"):
        with pytest.raises(ValueError):
            open_store(tmp_path, bad)
