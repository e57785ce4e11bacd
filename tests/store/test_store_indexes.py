"""In-memory indexes stay right through writes, remote merges and reopen."""
from __future__ import annotations

from datetime import date

from store_helpers import GRID, USER, household, new_id, remote_change

from fieldapp.store import open_store

STAMP = "1800000000000:00000:d-other"


def entry(household_id: str, at: str) -> dict:
    return {"household_id": household_id, "grid_id": GRID, "worker_id": USER, "visited_at": at,
            "kind": "regular"}


def need(household_id: str, status: str, owner: str = USER, deadline: str = "2026-02-01") -> dict:
    return {"household_id": household_id, "grid_id": GRID, "first_responder_id": USER, "owner_id": owner,
            "title": "事", "urgency": "normal", "handling": "promised", "deadline": deadline,
            "status": status, "raised_at": "2026-01-01T00:00:00Z"}


def test_indexes_follow_changes_and_reopen(tmp_path):
    store = open_store(tmp_path, USER)
    hid, other_grid_hid = new_id(), new_id()
    other_grid = "00000000-0000-4000-8000-0000000000f0"
    store.write_local([("household", hid, household()),
                       ("household", other_grid_hid, household(grid=other_grid))], USER)
    e1, e2, e3 = new_id(), new_id(), new_id()
    store.write_local([("diary_entry", e1, entry(hid, "2026-03-01T08:00:00Z")),
                       ("diary_entry", e2, entry(hid, "2026-03-05T08:00:00Z"))], USER)
    store.apply_remote(remote_change("diary_entry", e3, entry(hid, "2026-02-01T08:00:00Z"), STAMP))
    n1, n2 = new_id(), new_id()
    other_user = "00000000-0000-4000-8000-0000000000bb"
    store.write_local([("need", n1, need(hid, "open")),
                       ("need", n2, need(hid, "accepted", other_user))], USER)
    store.write_local([("need", n1, {"status": "escalated"})], USER)
    for reopened in (False, True):
        if reopened:
            store.close()
            store = open_store(tmp_path, USER)
        assert [h["id"] for h in store.households_in_grids([GRID])] == [hid]
        assert [e["id"] for e in store.entries_for_household(hid)] == [e2, e1, e3]
        assert store.last_visit(hid) == "2026-03-05T08:00:00Z"
        assert {n["id"] for n in store.find("need", "status", "escalated")} == {n1}
        assert store.find("need", "status", "open") == []
        assert {n["id"] for n in store.find("need", "owner_id", other_user)} == {n2}
    store.close()


def test_round_items_most_urgent_first(tmp_path):
    store = open_store(tmp_path, USER)
    alone, plain, never, fresh = new_id(), new_id(), new_id(), new_id()
    store.write_local([
        ("household", alone, household("独居", tags=["living_alone"])),  # every 7 days
        ("household", plain, household("普通")),  # every 90 days
        ("household", never, household("新户", created_at="2026-03-09T00:00:00Z")),
        ("household", fresh, household("刚访", tags=["disabled"])),
    ], USER)
    store.write_local([
        ("diary_entry", new_id(), entry(alone, "2026-03-01T08:00:00Z")),
        ("diary_entry", new_id(), entry(plain, "2025-12-10T08:00:00Z")),
        ("diary_entry", new_id(), entry(fresh, "2026-03-09T08:00:00Z")),
    ], USER)
    items = store.round_items(date(2026, 3, 10), [GRID])
    order = [i.household_id for i in items]
    assert order == [alone, never, plain, fresh]
    assert items[0].days_overdue == 2 and items[-1].days_overdue < 0
    store.close()
