"""Properties: pulled changes converge in any order; reopen gives back the same state."""
from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from store_helpers import USER, household

from fieldapp.store import open_store

RECORD_ID = "00000000-0000-4000-8000-00000000000f"
FIELDS = ("notes", "head_name", "tags")
VALUES = {"notes": st.text(max_size=8), "head_name": st.sampled_from(["张红梅", "李四", "王五"]),
          "tags": st.lists(st.sampled_from(["disabled", "living_alone"]), max_size=2, unique=True)}

change = st.tuples(
    st.sampled_from(FIELDS).flatmap(lambda f: st.tuples(st.just(f), VALUES[f])),
    st.integers(1_700_000_000_000, 1_700_000_000_050),
    st.sampled_from(["d-a", "d-b", "server"]),
)
SETTINGS = settings(max_examples=25, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


def as_change(item, seq):
    (field, value), wall, node = item
    stamp = f"{wall:013d}:{seq:05d}:{node}"  # a stamp names one write: never reused
    return {"entity": "household", "id": RECORD_ID, "seq": seq, "record": {"id": RECORD_ID, field: value},
            "field_hlc": {field: stamp}, "field_by": {field: USER}}


@SETTINGS
@given(st.lists(change, min_size=1, max_size=12), st.randoms(use_true_random=False))
def test_any_delivery_order_converges(tmp_path_factory, items, rng: random.Random):
    base = {"entity": "household", "id": RECORD_ID, "seq": 0, "record": {"id": RECORD_ID, **household()},
            "field_hlc": {k: "1600000000000:00000:server" for k in household()}, "field_by": {}}
    changes = [as_change(item, i + 1) for i, item in enumerate(items)]
    shuffled = changes[:]
    rng.shuffle(shuffled)
    results = []
    for order in (changes, shuffled, list(reversed(changes))):
        store = open_store(tmp_path_factory.mktemp("s"), USER)
        store.apply_remote(base)
        for c in order:
            store.apply_remote(c)
        results.append((store.get("household", RECORD_ID), store.field_stamps("household", RECORD_ID)))
        store.close()
    assert results[0] == results[1] == results[2]


@SETTINGS
@given(st.lists(st.tuples(st.sampled_from(["local", "remote", "ack"]), change), min_size=1, max_size=15))
def test_reopen_gives_back_the_same_state(tmp_path_factory, steps):
    path = tmp_path_factory.mktemp("r")
    store = open_store(path, USER, device_id="d-a")
    store.write_local([("household", RECORD_ID, household())], USER)
    for i, (kind, item) in enumerate(steps):
        (field, value), _wall, _node = item
        if kind == "local":
            store.write_local([("household", RECORD_ID, {field: value})], USER)
        elif kind == "remote":
            store.apply_remote(as_change(item, i))
        else:
            store.ack([{"op_id": op["op_id"], "status": "applied"} for op in store.pending_ops(2)])
    before = (store.get("household", RECORD_ID), store.field_stamps("household", RECORD_ID),
              store.pending_ops(100), store.conflicts(), store.get_meta("hlc"))
    store.close()
    again = open_store(path, USER)
    after = (again.get("household", RECORD_ID), again.field_stamps("household", RECORD_ID),
             again.pending_ops(100), again.conflicts(), again.get_meta("hlc"))
    again.close()
    assert before == after
