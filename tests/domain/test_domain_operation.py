"""fieldapp.domain.operation: the envelope of an operation."""

from __future__ import annotations

from typing import Any

import pytest
from domain_samples import VALID, uid

from fieldapp.domain.errors import ValidationError
from fieldapp.domain.operation import Operation, make_op


def raw_op(**changes: Any) -> dict[str, Any]:
    op = {
        "op_id": uid(),
        "entity": "household",
        "id": uid(),
        "fields": dict(VALID["household"]),
        "hlc": "1767225600000:00000:phone-1",
        "author": uid(),
        "device": "phone-1",
    }
    return {**op, **changes}


def refused(raw: Any) -> tuple[str, str]:
    with pytest.raises(ValidationError) as caught:
        Operation.from_dict(raw)
    return caught.value.field, caught.value.code


def test_a_valid_op_round_trips():
    raw = raw_op()
    op = Operation.from_dict(raw)
    assert op.to_dict() == raw


def test_ids_are_normalised():
    op_id = uid()
    op = Operation.from_dict(raw_op(op_id=op_id.upper()))
    assert op.op_id == op_id


def test_make_op_gives_a_fresh_op_id():
    first = make_op("need", uid(), {"title": "x"}, "1767225600000:00000:d", uid(), "d")
    second = make_op("need", first.id, {"title": "x"}, "1767225600000:00000:d", first.author, "d")
    assert first.op_id != second.op_id
    assert Operation.from_dict(first.to_dict()) == first


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ([], ("op", "not_object")),
        ("op", ("op", "not_object")),
        ({k: v for k, v in raw_op().items() if k != "hlc"}, ("hlc", "required")),
        ({k: v for k, v in raw_op().items() if k not in ("author", "device")}, ("author", "required")),
        (raw_op(extra=1), ("extra", "unknown_field")),
        (raw_op(entity="visit"), ("entity", "unknown_entity")),
        (raw_op(entity=["household"]), ("entity", "unknown_entity")),  # unhashable JSON: no TypeError
        (raw_op(hlc="2026-03-01"), ("hlc", "bad_hlc")),
        (raw_op(hlc=None), ("hlc", "bad_hlc")),
        (raw_op(device="my phone"), ("device", "bad_device")),
        (raw_op(device=7), ("device", "bad_device")),
        (raw_op(device="phone-1\n"), ("device", "bad_device")),
        (raw_op(hlc="1767225600000:00000:phone-1\n"), ("hlc", "bad_hlc")),
        (raw_op(fields={}), ("fields", "not_object")),
        (raw_op(fields=["a"]), ("fields", "not_object")),
        (raw_op(op_id="1"), ("op_id", "not_id")),
        (raw_op(id=None), ("id", "not_id")),
        (raw_op(author="me"), ("author", "not_id")),
    ],
)
def test_bad_envelopes_name_the_field_and_the_reason(raw, expected):
    assert refused(raw) == expected


def test_error_as_dict_is_the_api_reason():
    with pytest.raises(ValidationError) as caught:
        Operation.from_dict(raw_op(entity="visit"))
    assert caught.value.as_dict() == {"field": "entity", "code": "unknown_entity", "detail": "visit"}
