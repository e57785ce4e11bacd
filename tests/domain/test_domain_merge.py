"""fieldapp.domain.merge.merge_fields: per-field last writer wins by HLC.

Property-based: for random sets of ops (random fields, stamps from several
nodes, with duplicates), every delivery order converges to the same record
and field_hlc, and that state is what "greatest stamp per field" says."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from fieldapp.domain.hlc import Stamp
from fieldapp.domain.merge import merge_fields

FIELD_NAMES = ["head_name", "notes", "tags", "archived", "members"]
NODES = ["phone-a", "phone-b", "server", "desk-1"]
T0 = 1_767_225_600_000

Op = tuple[dict[str, Any], str]  # (fields, hlc)

values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.text(max_size=4),
    st.lists(st.sampled_from(["living_alone", "disabled"]), max_size=2),
)
# few walls/counters so that ties on wall (and on wall+counter across nodes) happen often
stamps = st.builds(
    lambda wall, counter, node: str(Stamp(T0 + wall, counter, node)),
    st.integers(0, 3),
    st.integers(0, 2),
    st.sampled_from(NODES),
)


@st.composite
def op_sets(draw: st.DrawFn) -> list[Op]:
    """Distinct ops carry distinct stamps (a node never issues one twice);
    some ops are then delivered more than once."""
    unique_stamps = draw(st.lists(stamps, min_size=1, max_size=12, unique=True))
    ops = [
        (draw(st.dictionaries(st.sampled_from(FIELD_NAMES), values, min_size=1)), stamp)
        for stamp in unique_stamps
    ]
    duplicates = draw(st.lists(st.sampled_from(ops), max_size=6))
    return ops + duplicates


def apply_all(ops: list[Op], record: dict | None = None, field_hlc: dict | None = None):
    record, field_hlc = dict(record or {}), dict(field_hlc or {})
    for fields, hlc in ops:
        result = merge_fields(record, field_hlc, fields, hlc)
        record, field_hlc = result.record, result.field_hlc
    return record, field_hlc


def expected_state(ops: list[Op]) -> tuple[dict, dict]:
    """Independent model: per field, the value written with the greatest stamp."""
    record: dict[str, Any] = {}
    field_hlc: dict[str, str] = {}
    for fields, hlc in sorted(ops, key=lambda op: Stamp.parse(op[1])):
        for name, value in fields.items():
            record[name], field_hlc[name] = value, hlc
    return record, field_hlc


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_any_delivery_order_converges(data):
    ops = data.draw(op_sets())
    order_one = data.draw(st.permutations(ops))
    order_two = data.draw(st.permutations(ops))
    assert apply_all(order_one) == apply_all(order_two) == expected_state(ops)


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_converges_from_a_held_record_too(data):
    """A record already pulled from the server, then the other ops in any order."""
    ops = data.draw(op_sets())
    split = data.draw(st.integers(0, len(ops)))
    start_record, start_hlc = apply_all(ops[:split])
    shuffled = data.draw(st.permutations(ops[split:]))
    assert apply_all(shuffled, start_record, start_hlc) == expected_state(ops)


@settings(max_examples=150, deadline=None)
@given(op_sets())
def test_reapplying_any_op_changes_nothing(ops):
    record, field_hlc = apply_all(ops)
    for fields, hlc in ops:
        again = merge_fields(record, field_hlc, fields, hlc)
        assert (again.record, again.field_hlc) == (record, field_hlc)
        assert again.changed == {}
        # only what a newer write already replaced shows as lost, never the op's own value
        assert all(field_hlc[name] > hlc for name in again.lost)


@settings(max_examples=150, deadline=None)
@given(op_sets(), st.dictionaries(st.sampled_from(FIELD_NAMES), values, min_size=1), stamps)
def test_changed_and_lost_report_exactly_what_happened(ops, fields, hlc):
    record, field_hlc = apply_all(ops)
    before = (dict(record), dict(field_hlc))
    result = merge_fields(record, field_hlc, fields, hlc)
    assert (record, field_hlc) == before  # the inputs are not modified
    for name, value in fields.items():
        held = field_hlc.get(name)
        if held is None or hlc > held:
            assert result.record[name] == value and result.field_hlc[name] == hlc
            assert (name in result.changed) == (name not in record or record[name] != value)
            assert name not in result.lost
        elif hlc < held:
            assert result.lost[name] == value and result.record[name] == record[name]
            assert name not in result.changed
        else:
            assert name not in result.changed and name not in result.lost
    untouched = set(record) - set(fields)
    assert all(result.record[name] == record[name] for name in untouched)


def test_two_people_editing_different_fields_both_keep_their_change():
    start = {"head_name": "王德福", "notes": "", "tags": []}
    stamps_at_start = dict.fromkeys(start, f"{T0:013d}:00000:server")
    worker = (f"{T0 + 10:013d}:00000:phone-a", {"notes": "轮椅已送到"})
    coordinator = (f"{T0 + 5:013d}:00000:desk-1", {"tags": ["disabled"]})
    for first, second in ((worker, coordinator), (coordinator, worker)):
        one = merge_fields(start, stamps_at_start, first[1], first[0])
        two = merge_fields(one.record, one.field_hlc, second[1], second[0])
        assert two.record == {"head_name": "王德福", "notes": "轮椅已送到", "tags": ["disabled"]}


def test_a_stale_write_is_reported_lost_not_applied():
    newer = f"{T0 + 100:013d}:00000:phone-b"
    older = f"{T0 + 50:013d}:00003:phone-a"
    held = merge_fields({}, {}, {"notes": "new"}, newer)
    stale = merge_fields(held.record, held.field_hlc, {"notes": "old", "archived": True}, older)
    assert stale.record == {"notes": "new", "archived": True}
    assert stale.lost == {"notes": "old"}
    assert stale.changed == {"archived": True}
