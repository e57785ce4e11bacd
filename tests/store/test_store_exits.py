"""Scope exits in the store: a pulled {"removed": true} drops the record and its
local children from tables and indexes, but never what the user has not yet
had answered (pending ops, open conflicts): that exit waits."""
from __future__ import annotations

from datetime import date

import pytest
from store_helpers import GRID, USER, household, new_id, remote_change

from fieldapp.store import open_store

THEIRS = "1700000000000:00000:d-other"
LATER = "1800000000000:00000:d-other"
ENTITIES = ("household", "diary_entry", "need", "need_event", "errand", "comment")


@pytest.fixture
def store(tmp_path):
    s = open_store(tmp_path, USER, device_id="d-mine")
    yield s
    s.close()


def removed(entity: str, record_id: str, seq: int = 9) -> dict:
    return {"entity": entity, "id": record_id, "seq": seq, "removed": True}


def entry(household_id: str) -> dict:
    return {"household_id": household_id, "grid_id": GRID, "worker_id": USER,
            "visited_at": "2026-01-05T02:00:00Z", "kind": "regular"}


def family(store, household_id: str | None = None) -> dict[str, str]:
    """A household with an entry + comment, a need + event and an errand, as pulled."""
    ids = {name: new_id() for name in ("household", "entry", "comment", "need", "event", "errand")}
    if household_id:
        ids["household"] = household_id
    h, at = ids["household"], "2026-01-05T03:00:00Z"
    records = [
        ("household", "household", household()),
        ("diary_entry", "entry", entry(h)),
        ("comment", "comment", {"entry_id": ids["entry"], "grid_id": GRID, "author_id": USER, "at": at,
                                "text": "好"}),
        ("need", "need", {"household_id": h, "grid_id": GRID, "title": "低保", "status": "open",
                          "deadline": "2026-02-01"}),
        ("need_event", "event", {"need_id": ids["need"], "grid_id": GRID, "kind": "accepted",
                                 "actor_id": USER, "at": at}),
        ("errand", "errand", {"household_id": h, "grid_id": GRID, "type": "other", "status": "requested",
                              "requested_at": at}),
    ]
    changes = [remote_change(entity, ids[name], record, THEIRS) for entity, name, record in records]
    store.apply_remote_many(changes, meta={"pull_cursor": 5})
    return ids


def held(store) -> set[tuple[str, str]]:
    return {(entity, r["id"]) for entity in ENTITIES for r in store.all(entity)}


def test_removed_household_leaves_with_its_children_and_index_entries(store, tmp_path):
    keep = family(store)
    gone = family(store)
    store.apply_remote_many([removed("household", gone["household"])], meta={"pull_cursor": 9})
    assert held(store) == {(e, keep[k]) for e, k in (("household", "household"), ("diary_entry", "entry"),
                                                     ("comment", "comment"), ("need", "need"),
                                                     ("need_event", "event"), ("errand", "errand"))}
    for entity in ("diary_entry", "need", "errand"):
        assert store.find(entity, "household_id", gone["household"]) == []
    assert store.find("need_event", "need_id", gone["need"]) == []
    assert store.find("comment", "entry_id", gone["entry"]) == []
    assert [h["id"] for h in store.households_in_grids([GRID])] == [keep["household"]]
    assert store.last_visit(gone["household"]) is None
    assert gone["household"] not in {item.household_id for item in store.round_items(date(2026, 3, 1))}
    assert store.get_meta("pull_cursor") == 9
    store.close()  # the removal is durable: a reopened store agrees
    again = open_store(tmp_path, USER, device_id="d-mine")
    try:
        assert held(again) == held(store)
        assert again.find("diary_entry", "household_id", gone["household"]) == []
    finally:
        again.close()


def test_removed_errand_leaves_alone_and_unknown_ids_are_ignored(store):
    ids = family(store)
    store.apply_remote_many([removed("errand", ids["errand"]), removed("household", new_id()),
                             removed("not_an_entity", new_id())])
    assert store.get("errand", ids["errand"]) is None
    assert store.get("household", ids["household"]) is not None
    assert store.find("errand", "household_id", ids["household"]) == []


def test_exit_and_children_arriving_in_the_same_page(store):
    """Records put earlier in the same page (not yet in the indexes) leave too."""
    h, visit = new_id(), new_id()
    store.apply_remote_many([remote_change("household", h, household(), THEIRS),
                             remote_change("diary_entry", visit, entry(h), THEIRS), removed("household", h)])
    assert store.get("household", h) is None and store.get("diary_entry", visit) is None
    assert store.find("diary_entry", "household_id", h) == []


def test_pending_op_defers_the_whole_exit_until_it_is_answered(store):
    ids = family(store)
    store.write_local([("need", ids["need"], {"title": "低保申请（已补材料）"})], USER)
    [op] = store.pending_ops()
    store.apply_remote_many([removed("household", ids["household"])])
    assert store.get("household", ids["household"]) is not None  # kept: the edit is not answered yet
    assert store.get("need", ids["need"])["title"] == "低保申请（已补材料）"
    assert store.deferred_exits() == [("household", ids["household"])]
    store.settle_exits()  # still pending: nothing moves
    assert store.get("diary_entry", ids["entry"]) is not None
    store.ack([{"op_id": op["op_id"], "status": "rejected",
                "reason": {"field": "grid_id", "code": "out_of_scope"}}])
    store.settle_exits()
    assert held(store) == set() and store.deferred_exits() == []
    [kept] = store.rejected_ops()  # what the user typed is still there, with the server's reason
    assert kept["fields"] == {"title": "低保申请（已补材料）"} and kept["reason"]["code"] == "out_of_scope"


def test_open_conflict_defers_the_exit_until_resolved(store):
    ids = family(store)
    store.write_local([("household", ids["household"], {"notes": "我的"})], USER)
    [op] = store.pending_ops()
    store.ack([{"op_id": op["op_id"], "status": "applied"}])
    store.apply_remote_many([remote_change("household", ids["household"], {"notes": "他们的"}, LATER)])
    [conflict] = store.conflicts()
    store.apply_remote_many([removed("household", ids["household"])])
    assert store.get("household", ids["household"]) is not None
    store.resolve_conflict(conflict["id"], "theirs")
    store.settle_exits()
    assert store.get("household", ids["household"]) is None and store.deferred_exits() == []


def test_a_deferred_record_sent_again_is_back_in_scope(store):
    ids = family(store)
    store.write_local([("household", ids["household"], {"notes": "待同步"})], USER)
    [op] = store.pending_ops()
    store.apply_remote_many([removed("household", ids["household"])])
    assert store.deferred_exits() == [("household", ids["household"])]
    store.apply_remote_many([remote_change("household", ids["household"], {"head_name": "张红梅"}, LATER)])
    assert store.deferred_exits() == []
    store.ack([{"op_id": op["op_id"], "status": "applied"}])
    store.settle_exits()
    assert store.get("household", ids["household"])["notes"] == "待同步"
    assert store.get("diary_entry", ids["entry"]) is not None


def test_removed_then_sent_again_in_one_page_is_held(store):
    ids = family(store)
    store.apply_remote_many([removed("household", ids["household"], seq=10),
                             remote_change("household", ids["household"], household(), LATER)])
    assert store.get("household", ids["household"]) is not None
    assert store.get("diary_entry", ids["entry"]) is None  # its children come with their own new seqs


def test_conflict_made_in_the_same_page_as_the_exit_defers_it(store):
    ids = family(store)
    other = family(store)
    store.write_local([("household", ids["household"], {"notes": "我的"})], USER)
    [op] = store.pending_ops()
    store.ack([{"op_id": op["op_id"], "status": "applied"}])
    store.apply_remote_many([removed("household", other["household"]),
                             remote_change("household", ids["household"], {"notes": "他们的"}, LATER),
                             removed("household", ids["household"])])
    assert store.get("household", other["household"]) is None
    assert store.get("household", ids["household"]) is not None and len(store.conflicts()) == 1
    assert store.deferred_exits() == [("household", ids["household"])]
