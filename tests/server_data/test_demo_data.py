"""The demo community: deterministic, valid, realistic enough for every screen."""
from __future__ import annotations

import re
from collections import Counter
from datetime import date

import pytest

from fieldapp.domain.cadence import in_cadence
from fieldapp.domain.checks import MASKED_ID_RE
from fieldapp.domain.enums import ErrandStatus, Handling, NeedStatus, Role, Tag
from fieldapp.domain.needs import event_changes
from fieldapp.domain.records import check_invariants, validate_record
from server.demo import DEMO_PASSWORD, build_demo

TODAY = date(2026, 11, 20)


@pytest.fixture(scope="module")
def demo():
    return build_demo(seed=7, today=TODAY)


def by_entity(demo, entity):
    return {rid: fields for e, rid, fields in demo.records if e == entity}


def test_same_seed_same_community_other_seed_other_community(demo):
    again = build_demo(seed=7, today=TODAY)
    assert again.records == demo.records
    assert again.users == demo.users
    other = build_demo(seed=8, today=TODAY)
    assert other.community_id != demo.community_id
    assert [f for e, _, f in other.records if e == "household"] != [
        f for e, _, f in demo.records if e == "household"]


def test_every_record_validates_and_keeps_its_invariants(demo):
    for entity, _, fields in demo.records:
        clean = validate_record(entity, fields)
        check_invariants(entity, clean)
        assert "id" not in fields


def test_ids_unique_and_records_in_dependency_order(demo):
    seen: dict[str, str] = {}
    refs = {"community_id": "community", "grid_id": "grid", "household_id": "household",
            "need_id": "need", "entry_id": "diary_entry", "raised_in_entry_id": "diary_entry"}
    for entity, rid, fields in demo.records:
        assert rid not in seen
        for key, target in refs.items():
            if fields.get(key) is not None:
                assert seen.get(fields[key]) == target, (entity, key)
        seen[rid] = entity
    assert demo.records[0] == ("community", demo.community_id, demo.records[0][2])


def test_people_named_in_records_are_demo_users(demo):
    user_ids = {u.id for u in demo.users}
    for entity, _, fields in demo.records:
        for key in ("worker_id", "first_responder_id", "owner_id", "actor_id", "author_id", "volunteer_id"):
            if fields.get(key):
                assert fields[key] in user_ids, (entity, key)


def test_about_300_households_a_fifth_of_them_special(demo):
    households = list(by_entity(demo, "household").values())
    assert len(households) == 300
    special = [h for h in households if h["tags"]]
    assert 0.15 <= len(special) / len(households) <= 0.25
    assert any(len(h["tags"]) == 2 for h in special)
    assert {t for h in special for t in h["tags"]} == {t.value for t in Tag}
    addresses = [(h["grid_id"], tuple(sorted(h["address"].items()))) for h in households]
    assert len(set(addresses)) == len(addresses)


def test_residents_look_real_and_id_numbers_are_masked(demo):
    for household in by_entity(demo, "household").values():
        head = household["members"][0]
        assert head["relation"] == "head" and head["name"] == household["head_name"]
        assert 2 <= len(head["name"]) <= 3
        names = [m["name"] for m in household["members"]]
        assert len(names) == len(set(names))
        for member in household["members"]:
            assert 1900 <= member["birth_year"] <= TODAY.year
            if "id_number" in member:
                assert MASKED_ID_RE.match(member["id_number"])
            if "phone" in member:
                assert re.fullmatch(r"1[3-9][0-9]{9}", member["phone"])
        if "living_alone" in household["tags"]:
            assert len(household["members"]) == 1 and TODAY.year - head["birth_year"] >= 65


def test_special_households_mostly_visited_some_overdue(demo):
    households = by_entity(demo, "household")
    last: dict[str, str] = {}
    for entry in by_entity(demo, "diary_entry").values():
        assert entry["visited_at"] < TODAY.isoformat()
        last[entry["household_id"]] = max(last.get(entry["household_id"], ""), entry["visited_at"])
    community = by_entity(demo, "community")[demo.community_id]
    special = [hid for hid, h in households.items() if h["tags"]]
    within = [hid for hid in special if in_cadence(households[hid]["tags"], last.get(hid), TODAY, community)]
    assert 0.6 <= len(within) / len(special) < 1.0


def test_needs_in_every_status_and_handling_with_legal_event_histories(demo):
    needs = by_entity(demo, "need")
    assert {n["status"] for n in needs.values()} == {s.value for s in NeedStatus}
    assert {n["handling"] for n in needs.values()} == {h.value for h in Handling}
    events = sorted((e for e in by_entity(demo, "need_event").values()), key=lambda e: e["at"])
    replay = {nid: {"status": "open"} for nid in needs}
    for event in events:
        follow = needs[event["need_id"]].get("follow_up") if event["kind"] == "followed_up" else None
        replay[event["need_id"]].update(event_changes(
            replay[event["need_id"]], event["kind"], actor_id=event["actor_id"], at=event["at"],
            to_user_id=event["to_user_id"], note=event["note"], follow_up=follow))
    for nid, need in needs.items():
        assert replay[nid]["status"] == need["status"]
    overdue = [n for n in needs.values() if n["status"] in ("open", "accepted", "escalated")
               and n["deadline"] < TODAY.isoformat()]
    assert overdue
    closed = [n for n in needs.values() if n["status"] == "closed"]
    assert closed and all(n["follow_up"]["satisfaction"] for n in closed)


def test_errands_for_the_volunteer_in_every_status(demo):
    volunteer = next(u for u in demo.users if u.role == Role.VOLUNTEER)
    errands = by_entity(demo, "errand").values()
    assert {e["status"] for e in errands} == {s.value for s in ErrandStatus}
    assert all(e["volunteer_id"] in (None, volunteer.id) for e in errands)
    assert any(e["type"] == "pension_verification" for e in errands)


def test_demo_users_one_worker_per_grid_and_each_role(demo):
    roles = Counter(u.role for u in demo.users)
    assert roles == {"worker": 3, "volunteer": 1, "coordinator": 1, "admin": 1}
    workers = [u for u in demo.users if u.role == Role.WORKER]
    assert sorted(g for u in workers for g in u.grid_ids) == sorted(g.id for g in demo.grids)
    assert [u.username for u in workers] == ["worker1", "worker2", "worker3"]
    assert {u.username for u in demo.users} >= {"volunteer1", "coordinator1", "admin"}
    assert all(u.password == DEMO_PASSWORD for u in demo.users)
    coordinator = next(u for u in demo.users if u.role == Role.COORDINATOR)
    assert set(coordinator.grid_ids) == {g.id for g in demo.grids}
    assert len({u.id for u in demo.users}) == len(demo.users)


def test_benchmark_sizes_are_exact():
    big = build_demo(households_per_grid=500, entries=10_000, needs=2_000, grid_count=1, today=TODAY)
    assert (big.count("household"), big.count("diary_entry"), big.count("need")) == (500, 10_000, 2_000)
    for entity, _, fields in big.records[:: max(1, len(big.records) // 500)]:
        validate_record(entity, fields)


def test_benchmark_ops_are_valid_operations():
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from bench.bench_server import make_ops
    from fieldapp.domain.operation import Operation
    from fieldapp.domain.records import validate_fields

    demo = build_demo(households_per_grid=5, grid_count=1, entries=5, needs=1, today=TODAY)
    households = [rid for e, rid, _ in demo.records if e == "household"]
    ops = make_ops(demo.users[0].id, "bench-dev-1", demo.grids[0].id, households, 20)
    assert len(ops) == 20 and len({op["op_id"] for op in ops}) == 20
    assert [op["hlc"] for op in ops] == sorted(op["hlc"] for op in ops)
    for raw in ops:
        op = Operation.from_dict(raw)
        validate_fields(op.entity, op.fields, creating=op.id not in households)


def test_hand_offs_and_needs_passed_to_the_volunteer_as_errands(demo):
    needs = by_entity(demo, "need")
    events = list(by_entity(demo, "need_event").values())
    volunteer = next(u for u in demo.users if u.role == Role.VOLUNTEER)
    handed = [e for e in events if e["kind"] == "handed_off"]
    assert handed and all(needs[e["need_id"]]["owner_id"] == e["to_user_id"] for e in handed)
    linked = [e for e in by_entity(demo, "errand").values() if e.get("need_id")]
    assert len(linked) >= 3
    for errand in linked:
        assert needs[errand["need_id"]]["assignee_id"] == volunteer.id
        assert any(e["kind"] == "assigned_errand" and e["need_id"] == errand["need_id"] for e in events)


def test_big_grids_still_have_distinct_addresses():
    big = build_demo(households_per_grid=2_000, grid_count=2, entries=10, needs=2, today=TODAY)
    addresses = [(f["grid_id"], tuple(sorted(f["address"].items())))
                 for e, _, f in big.records if e == "household"]
    assert len(addresses) == 4_000 and len(set(addresses)) == 4_000
