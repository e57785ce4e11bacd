"""Records that leave a user's scope leave their devices, and follow the move.

Against a real server process (SQLite and PostgreSQL), with real app stores
and SyncEngines as the devices: a household moved grid A→B takes its whole
history to B's worker and leaves A's worker's phone; an errand reassigned
V1→V2 leaves V1's phone and reaches V2's with its household; unsent work on a
record that leaves is answered, never silently dropped.
"""
from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from fieldapp.store import Store, open_store
from fieldapp.sync import ApiClient, RetryPolicy, SyncEngine, SyncReport
from tests.server.world import diary_entry, errand, household
from tests.support import create_user
from tests.support.api import ApiSession, new_id
from tests.support.server_process import ServerProcess

PASSWORD = "scope-pass"
FAST_RETRY = RetryPolicy(attempts=4, base_delay=0.01, max_delay=0.1, total_seconds=10.0)
GRID_ENTITIES = ("household", "diary_entry", "need", "need_event", "errand", "comment")
USERS = {  # username -> (role, community, grids)
    "worker_a": ("worker", "社区S", ["甲网格"]), "worker_b": ("worker", "社区S", ["乙网格"]),
    "worker_ab": ("worker", "社区S", ["甲网格", "乙网格"]), "coord": ("coordinator", "社区S", []),
    "vol1": ("volunteer", "社区S", []), "vol2": ("volunteer", "社区S", []),
    "coord_t": ("coordinator", "社区T", ["丙网格"]), "admin": ("admin", None, []),
}


@dataclass
class Device:
    """A phone: a real store and sync engine on the real server."""
    user: dict[str, Any]
    store: Store
    client: ApiClient
    engine: SyncEngine

    def sync(self) -> SyncReport:
        report = asyncio.run(self.engine.run())
        assert report.ok, report
        return report

    def held(self) -> set[tuple[str, str]]:
        return {(entity, r["id"]) for entity in GRID_ENTITIES for r in self.store.all(entity)}

    def close(self) -> None:
        self.client.close()
        self.store.close()


@dataclass
class Scope:
    srv: ServerProcess
    root: Path
    ids: dict[str, dict[str, Any]] = field(default_factory=dict)  # username -> create_user output
    api: dict[str, ApiSession] = field(default_factory=dict)
    devices: list[Device] = field(default_factory=list)

    def grid(self, name: str) -> str:
        return {"A": self.ids["worker_a"]["grid_ids"][0], "B": self.ids["worker_b"]["grid_ids"][0],
                "C": self.ids["coord_t"]["grid_ids"][0]}[name]

    def user_id(self, username: str) -> str:
        return self.ids[username]["user_id"]

    def device(self, username: str) -> Device:
        name = f"{username}-{uuid.uuid4().hex[:8]}"
        with ApiClient(self.srv.base_url) as auth:
            login = auth.login(username, PASSWORD, name)
        client = ApiClient(self.srv.base_url, token=login.token, timeout=30.0)
        store = open_store(self.root / name, login.user["id"], device_id=name)
        device = Device(login.user, store, client, SyncEngine(store, client, pull_limit=7, retry=FAST_RETRY))
        self.devices.append(device)
        return device

    def push(self, username: str, ops: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return self.api[username].push(ops)

    def op(self, username: str, entity: str, record_id: str, fields: dict[str, Any]) -> dict[str, Any]:
        return self.api[username].op(entity, record_id, fields)


@contextlib.contextmanager
def open_scope(server: ServerProcess, root: Path,
               users: dict[str, tuple[str, str | None, list[str]]]) -> Iterator[Scope]:
    """The users made through the CLI, each with an API session; phones closed after."""
    s = Scope(server, root)
    for username, (role, community, grids) in users.items():
        s.ids[username] = create_user(server.data_dir, server.db_url, username, PASSWORD, role,
                                      community=community, grids=grids)
        s.api[username] = ApiSession(server.api, device=f"api-{username}").login(username, PASSWORD)
    try:
        yield s
    finally:
        for device in s.devices:
            device.close()
        for api in s.api.values():
            api.close()


@pytest.fixture(scope="module")
def scope(server: ServerProcess, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scope]:
    with open_scope(server, tmp_path_factory.mktemp("phones"), USERS) as s:
        yield s


def history(s: Scope, grid: str, volunteer: str | None = "vol1") -> dict[str, str]:
    """A household in `grid` with a visit + coordinator's comment, a need + its event,
    and an errand (for `volunteer`), pushed by the coordinator."""
    ids = {name: new_id() for name in ("household", "entry", "comment", "need", "event", "errand")}
    g, h, coord = s.grid(grid), ids["household"], s.user_id("coord")
    worker = s.user_id("worker_a" if grid == "A" else "worker_b")
    ops = [
        s.op("coord", "household", h, household(g, head="刘玉兰")),
        s.op("coord", "diary_entry", ids["entry"], diary_entry(h, g, coord, notes="门口积水")),
        s.op("coord", "comment", ids["comment"], {"entry_id": ids["entry"], "grid_id": g, "author_id": coord,
                                                  "at": "2026-01-06T05:00:00Z", "text": "跟进排水"}),
        s.op("coord", "need", ids["need"], {
            "household_id": h, "grid_id": g, "first_responder_id": worker, "owner_id": worker,
            "title": "申请低保", "urgency": "normal", "handling": "promised", "deadline": "2026-02-01",
            "status": "open", "raised_at": "2026-01-06T02:30:00Z"}),
        s.op("coord", "need_event", ids["event"], {"need_id": ids["need"], "grid_id": g, "kind": "accepted",
                                                   "actor_id": coord, "at": "2026-01-06T02:31:00Z"}),
        s.op("coord", "errand", ids["errand"], errand(h, g, s.user_id(volunteer) if volunteer else None)),
    ]
    assert [r["status"] for r in s.push("coord", ops)] == ["applied"] * len(ops)
    return ids


def family_keys(ids: dict[str, str]) -> set[tuple[str, str]]:
    names = {"household": "household", "entry": "diary_entry", "comment": "comment", "need": "need",
             "event": "need_event", "errand": "errand"}
    return {(entity, ids[name]) for name, entity in names.items()}


def move(s: Scope, username: str, household_id: str, grid: str) -> dict[str, Any]:
    [result] = s.push(username, [s.op(username, "household", household_id, {"grid_id": s.grid(grid)})])
    return result


# ---------------------------------------------------------------- household moved

def test_household_moved_to_another_grid_takes_its_history_and_leaves_the_old_grid(scope: Scope) -> None:
    s = scope
    phone_a, phone_b, phone_ab = s.device("worker_a"), s.device("worker_b"), s.device("worker_ab")
    ids = history(s, "A")
    family = family_keys(ids)
    for phone in (phone_a, phone_b, phone_ab):
        phone.sync()
    assert family <= phone_a.held() and family <= phone_ab.held()
    assert not family & phone_b.held()
    cursor_ab = phone_ab.store.get_meta("pull_cursor")

    assert move(s, "coord", ids["household"], "B")["status"] == "applied"

    phone_b.sync()  # B's worker gets the household with its whole history, in grid B
    assert family <= phone_b.held()
    for entity, record_id in family:
        assert phone_b.store.get(entity, record_id)["grid_id"] == s.grid("B")
    assert [h["id"] for h in phone_b.store.households_in_grids([s.grid("B")])] == [ids["household"]]
    assert [c["id"] for c in phone_b.store.comments_for(ids["entry"])] == [ids["comment"]]

    phone_a.sync()  # A's worker: gone, with every child, from tables and indexes
    assert not family & phone_a.held()
    assert phone_a.store.find("diary_entry", "household_id", ids["household"]) == []
    assert phone_a.store.find("need_event", "need_id", ids["need"]) == []
    assert phone_a.store.households_in_grids([s.grid("A")]) == []
    assert phone_a.sync().requests == 1  # and the next sync is idle

    phone_ab.sync()  # holds both grids: keeps it all, now in B, and is sent no removal
    assert family <= phone_ab.held()
    assert phone_ab.store.get("need_event", ids["event"])["grid_id"] == s.grid("B")
    changes = s.api["worker_ab"].pull_all(cursor_ab)
    assert not [c for c in changes.values() if c.get("removed")]

    coord_view = s.api["coord"].pull_all()  # the coordinator sees the whole community: keeps everything
    assert family <= set(coord_view)
    assert not [c for c in coord_view.values() if c.get("removed")]
    assert all(coord_view[key]["record"]["grid_id"] == s.grid("B") for key in family)


def test_moved_children_carry_a_server_stamp_above_the_move_and_the_movers_name(scope: Scope) -> None:
    s = scope
    ids = history(s, "A")
    before = s.api["coord"].pull_all()
    result = move(s, "worker_ab", ids["household"], "B")  # a worker holding both grids may move it
    assert result["status"] == "applied"
    after = s.api["coord"].pull_all(max(c["seq"] for c in before.values()))
    moved_hlc = after[("household", ids["household"])]["field_hlc"]["grid_id"]
    for key in family_keys(ids) - {("household", ids["household"])}:
        change = after[key]
        assert change["record"]["grid_id"] == s.grid("B")
        assert change["field_hlc"]["grid_id"] > max(moved_hlc, before[key]["field_hlc"]["grid_id"])
        assert change["field_by"]["grid_id"] == s.user_id("worker_ab")
        assert change["seq"] > before[key]["seq"]
        # the other fields keep their stamps: only grid_id was the server's
        other = {k: v for k, v in change["field_hlc"].items() if k != "grid_id"}
        assert other == {k: v for k, v in before[key]["field_hlc"].items() if k != "grid_id"}


def test_moved_there_and_back_before_a_sync_arrives_whole(scope: Scope) -> None:
    s = scope
    phone_a = s.device("worker_a")
    ids = history(s, "A")
    phone_a.sync()
    assert move(s, "coord", ids["household"], "B")["status"] == "applied"
    assert move(s, "coord", ids["household"], "A")["status"] == "applied"
    phone_a.sync()
    assert family_keys(ids) <= phone_a.held()
    assert phone_a.store.get("comment", ids["comment"])["grid_id"] == s.grid("A")


def test_new_work_in_the_new_grid_reaches_its_worker_not_the_old_one(scope: Scope) -> None:
    s = scope
    phone_a, phone_b = s.device("worker_a"), s.device("worker_b")
    ids = history(s, "A")
    phone_a.sync()
    move(s, "coord", ids["household"], "B")
    phone_b.sync()
    visit = new_id()
    fields = diary_entry(ids["household"], s.grid("B"), phone_b.user["id"], notes="搬来后首次走访")
    phone_b.store.write_local([("diary_entry", visit, fields)], phone_b.user["id"])
    assert phone_b.sync().pushed == 1
    phone_a.sync()
    assert ("diary_entry", visit) not in phone_a.held() and not family_keys(ids) & phone_a.held()


def test_household_moved_out_of_the_community_leaves_its_coordinator(scope: Scope) -> None:
    s = scope
    ids = history(s, "A", volunteer=None)
    cursor = max(c["seq"] for c in s.api["coord"].pull_all().values())
    assert move(s, "admin", ids["household"], "C")["status"] == "applied"
    old = s.api["coord"].pull_all(cursor)
    assert old[("household", ids["household"])] == {"entity": "household", "id": ids["household"],
                                                     "seq": old[("household", ids["household"])]["seq"],
                                                     "removed": True}
    assert not [k for k in old if k[0] != "household" and k[1] in ids.values()]
    new = s.api["coord_t"].pull_all()
    assert family_keys(ids) <= set(new)
    assert all(new[k]["record"]["grid_id"] == s.grid("C") for k in family_keys(ids))


# ---------------------------------------------------------------- errand reassigned

def test_errand_reassigned_leaves_the_first_volunteer_and_reaches_the_second(scope: Scope) -> None:
    s = scope
    v1, v2 = s.device("vol1"), s.device("vol2")
    alone = history(s, "A")  # vol1's only errand in that household
    shared = history(s, "B")  # vol1 keeps another errand in this one
    second = new_id()
    assert s.push("coord", [s.op("coord", "errand", second, errand(
        shared["household"], s.grid("B"), s.user_id("vol1")))])[0]["status"] == "applied"
    v1.sync()
    v2.sync()
    mine = {("errand", alone["errand"]), ("household", alone["household"]), ("errand", shared["errand"]),
            ("errand", second), ("household", shared["household"])}
    assert mine <= v1.held() and not mine & v2.held()

    reassign = [s.op("coord", "errand", errand_id, {"volunteer_id": s.user_id("vol2")})
                for errand_id in (alone["errand"], shared["errand"])]
    assert [r["status"] for r in s.push("coord", reassign)] == ["applied", "applied"]

    v1.sync()
    assert mine & v1.held() == {("errand", second), ("household", shared["household"])}
    assert v1.store.find("errand", "household_id", shared["household"])[0]["id"] == second
    v2.sync()
    assert mine & v2.held() == {("errand", alone["errand"]), ("household", alone["household"]),
                                ("errand", shared["errand"]), ("household", shared["household"])}
    assert set(v2.store.get("household", alone["household"])) == {
        "id", "grid_id", "address", "head_name", "members", "created_at"}  # the reduced view

    back = s.op("coord", "errand", alone["errand"], {"volunteer_id": s.user_id("vol1")})
    assert s.push("coord", [back])[0]["status"] == "applied"
    v1.sync()  # assigned back: arrives again with its household
    assert {("errand", alone["errand"]), ("household", alone["household"])} <= v1.held()
    v2.sync()
    assert ("errand", alone["errand"]) not in v2.held() and ("household", alone["household"]) not in v2.held()


def test_reassigned_away_and_back_before_a_sync_keeps_the_household(scope: Scope) -> None:
    """The stale household exit of the first reassignment is not sent once the
    volunteer holds an errand there again (the page re-sends the household)."""
    s = scope
    v1 = s.device("vol1")
    ids = history(s, "A")
    v1.sync()
    for volunteer in ("vol2", "vol1"):
        op = s.op("coord", "errand", ids["errand"], {"volunteer_id": s.user_id(volunteer)})
        assert s.push("coord", [op])[0]["status"] == "applied"
    v1.sync()
    assert {("errand", ids["errand"]), ("household", ids["household"])} <= v1.held()


def test_errand_unassigned_leaves_its_volunteer(scope: Scope) -> None:
    s = scope
    v1 = s.device("vol1")
    ids = history(s, "A")
    v1.sync()
    op = s.op("coord", "errand", ids["errand"], {"volunteer_id": None, "status": "requested"})
    assert s.push("coord", [op])[0]["status"] == "applied"
    v1.sync()
    assert ("errand", ids["errand"]) not in v1.held() and ("household", ids["household"]) not in v1.held()


# ---------------------------------------------------------------- unsent work is not lost

def test_unsent_work_on_a_record_that_leaves_is_answered_not_lost(scope: Scope) -> None:
    s = scope
    phone_a = s.device("worker_a")
    ids = history(s, "A")
    phone_a.sync()
    move(s, "coord", ids["household"], "B")
    user = phone_a.user["id"]
    visit = new_id()  # typed offline, before the phone heard of the move
    phone_a.store.write_local([("household", ids["household"], {"notes": "老人说腿疼"}),
                               ("diary_entry", visit, diary_entry(ids["household"], s.grid("A"), user,
                                                                  notes="送药上门"))], user)
    # a pull that lands before the push (e.g. a sync that started before the save): the exit waits
    page = phone_a.client.pull(phone_a.store.get_meta("pull_cursor"), 500)
    phone_a.store.apply_remote_many(page["changes"], meta={"pull_cursor": page["next"]})
    assert phone_a.store.get("household", ids["household"])["notes"] == "老人说腿疼"
    assert phone_a.store.get("diary_entry", visit) is not None
    assert phone_a.store.deferred_exits() == [("household", ids["household"])]

    report = phone_a.sync()  # sent, answered (out of the worker's scope now), then the exit applies
    assert sorted(r["reason"]["code"] for r in report.rejected) == ["grid_mismatch", "out_of_scope"]
    assert not family_keys(ids) & phone_a.held() and ("diary_entry", visit) not in phone_a.held()
    assert phone_a.store.deferred_exits() == [] and phone_a.store.pending_count() == 0
    kept = {op["id"]: op for op in phone_a.store.rejected_ops()}  # what was typed, with the reason
    assert kept[ids["household"]]["fields"] == {"notes": "老人说腿疼"}
    assert kept[visit]["fields"]["notes"] == "送药上门"
    server_view = s.api["coord"].pull_all()
    assert "notes" not in server_view[("household", ids["household"])]["record"] or \
        server_view[("household", ids["household"])]["record"]["notes"] != "老人说腿疼"


def test_volunteer_progress_on_a_reassigned_errand_is_answered_not_lost(scope: Scope) -> None:
    s = scope
    v1 = s.device("vol1")
    ids = history(s, "A")
    v1.sync()
    s.push("coord", [s.op("coord", "errand", ids["errand"], {"volunteer_id": s.user_id("vol2")})])
    v1.store.write_local([("errand", ids["errand"], {"status": "in_progress",
                                                     "started_at": "2026-01-07T01:00:00Z"})], v1.user["id"])
    report = v1.sync()
    assert [(r["id"], r["reason"]["code"]) for r in report.rejected] == [(ids["errand"], "out_of_scope")]
    assert ("errand", ids["errand"]) not in v1.held()
    [kept] = v1.store.rejected_ops()
    assert kept["fields"]["status"] == "in_progress"


# ---------------------------------------------------------------- refusals stay refusals

def test_moves_out_of_the_movers_scope_are_refused_and_change_nothing(scope: Scope) -> None:
    s = scope
    ids = history(s, "A")
    before = s.api["coord"].pull_all()
    refused = {
        "worker_a": s.op("worker_a", "household", ids["household"], {"grid_id": s.grid("B")}),
        "worker_b": s.op("worker_b", "household", ids["household"], {"grid_id": s.grid("B")}),
        "coord": s.op("coord", "household", ids["household"], {"grid_id": s.grid("C")}),
        "vol1": s.op("vol1", "errand", ids["errand"], {"volunteer_id": s.user_id("vol2")}),
    }
    codes = {user: s.push(user, [op])[0] for user, op in refused.items()}
    assert {u: (r["status"], r["reason"]["code"]) for u, r in codes.items()} == {
        "worker_a": ("rejected", "out_of_scope"), "worker_b": ("rejected", "out_of_scope"),
        "coord": ("rejected", "out_of_scope"), "vol1": ("rejected", "forbidden")}
    bad = s.op("coord", "household", ids["household"], {"grid_id": "not-a-grid"})
    assert s.push("coord", [bad])[0]["reason"] == {"field": "grid_id", "code": "not_id", "detail": ""}
    unknown = s.op("coord", "household", ids["household"], {"grid_id": str(uuid.uuid4())})
    assert s.push("coord", [unknown])[0]["reason"] == {"field": "grid_id", "code": "not_found", "detail": ""}
    cursor = max(c["seq"] for c in before.values())
    assert not [k for k in s.api["coord"].pull_all(cursor) if k[1] in ids.values()]
    assert not [c for c in s.api["worker_a"].pull_all(cursor).values() if c.get("removed")
                and c["id"] in ids.values()]


def test_pull_pages_mix_exits_and_records_in_one_sequence(scope: Scope) -> None:
    """Paged one change at a time, a worker's pull is strictly increasing in seq,
    with removed changes shaped {entity, id, seq, removed}."""
    s = scope
    ids = history(s, "A")
    api = s.api["worker_a"]
    start = api.pull(0, 1000)
    while start["more"]:
        start = api.pull(start["next"], 1000)
    move(s, "coord", ids["household"], "B")
    history(s, "A")
    seqs, since, removed = [], start["next"], []
    for _ in range(200):
        page = api.pull(since, 1)
        seqs += [c["seq"] for c in page["changes"]]
        removed += [c for c in page["changes"] if c.get("removed")]
        since = page["next"]
        if not page["more"]:
            break
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs) and len(seqs) >= 7
    assert removed == [{"entity": "household", "id": ids["household"], "seq": removed[0]["seq"],
                        "removed": True}]


def test_pull_response_is_json_with_removed_true(scope: Scope) -> None:
    s = scope
    ids = history(s, "A")
    cursor = max(c["seq"] for c in s.api["worker_a"].pull_all().values())
    move(s, "coord", ids["household"], "B")
    raw = httpx.get(s.srv.api + "/sync/pull", params={"since": cursor},
                    headers=s.api["worker_a"].headers, timeout=30)
    assert raw.status_code == 200
    body = json.loads(raw.text)
    assert [c.get("removed") for c in body["changes"]] == [True] and body["more"] is False
