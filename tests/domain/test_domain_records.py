"""fieldapp.domain.records: validate_fields per entity, and invariants."""

from __future__ import annotations

from typing import Any

import pytest
from domain_samples import VALID, diary_entry, errand, household, need, uid

from fieldapp.domain.errors import ValidationError
from fieldapp.domain.records import ENTITIES, check_invariants, spec_of, validate_fields, validate_record


def refused(entity: str, fields: Any, creating: bool = True) -> tuple[str, str]:
    with pytest.raises(ValidationError) as caught:
        validate_fields(entity, fields, creating=creating)
    return caught.value.field, caught.value.code


@pytest.mark.parametrize("entity", sorted(ENTITIES))
def test_a_complete_record_of_every_entity_is_valid(entity):
    clean = validate_record(entity, VALID[entity])
    assert set(clean) == set(VALID[entity])


@pytest.mark.parametrize("entity", sorted(ENTITIES))
def test_every_required_field_is_required(entity):
    for name in spec_of(entity).required():
        fields = {k: v for k, v in VALID[entity].items() if k != name}
        assert refused(entity, fields) == (name, "required"), name


def test_unknown_entity_and_unknown_field():
    assert refused("visit", {"a": 1}) == ("entity", "unknown_entity")
    assert refused("household", household(floor=3)) == ("floor", "unknown_field")
    assert refused("household", {"head_name": "x", "colour": "red"}, creating=False) == (
        "colour",
        "unknown_field",
    )


@pytest.mark.parametrize("fields", [{}, None, [], "x"])
def test_fields_must_be_a_non_empty_object(fields):
    assert refused("household", fields) == ("fields", "not_object")


def test_immutable_fields_are_set_once():
    assert validate_fields("household", household(), creating=True)["created_at"] == "2026-01-05T08:00:00Z"
    assert refused("household", {"created_at": "2026-02-01T00:00:00Z"}, creating=False) == (
        "created_at",
        "immutable",
    )
    assert refused("need", {"first_responder_id": uid()}, creating=False) == (
        "first_responder_id",
        "immutable",
    )
    # the mutable ones may change
    assert validate_fields("need", {"owner_id": uid(), "status": "accepted"}, creating=False)


def test_append_only_records_are_never_updated():
    for entity in ("diary_entry", "need_event", "comment"):
        assert spec_of(entity).append_only
    assert refused("diary_entry", {"notes": "edited"}, creating=False) == ("id", "append_only")
    assert refused("comment", {"text": "edited"}, creating=False) == ("id", "append_only")
    assert validate_fields("diary_entry", diary_entry(), creating=True)


def test_id_numbers_are_masked_never_stored_whole():
    member = {"name": "王德福", "id_number": "22010219510304123x"}
    clean = validate_fields("household", household(members=[member]), creating=True)
    assert clean["members"][0]["id_number"] == "2201**********123X"
    already = {"name": "王德福", "id_number": "2201**********1234"}
    again = validate_fields("household", household(members=[already]), creating=True)
    assert again["members"][0]["id_number"] == "2201**********1234"


@pytest.mark.parametrize(
    "bad", ["123", "22010219510304123", "2201021951030412345", "abcdefghijklmnopqr", 220102]
)
def test_bad_id_numbers(bad):
    fields = household(members=[{"name": "王", "id_number": bad}])
    assert refused("household", fields) == ("members[0].id_number", "bad_id_number")


def test_nested_objects_are_checked_field_by_field():
    assert refused("household", household(address={"unit": "1"})) == ("address.building", "required")
    assert refused("household", household(address={"building": "1", "floor": 2})) == (
        "address.floor",
        "unknown_field",
    )
    assert refused("household", household(members=[{"relation": "head"}])) == ("members[0].name", "required")
    assert refused("diary_entry", diary_entry(photos=[{"sha256": "A" * 64, "consent": True}])) == (
        "photos[0].sha256",
        "not_sha256",
    )
    assert refused("diary_entry", diary_entry(photos=[{"sha256": "a" * 64}])) == (
        "photos[0].consent",
        "required",
    )


def test_values_are_normalised():
    clean = validate_fields(
        "diary_entry",
        diary_entry(
            notes="  见面了  ", visited_at="2026-03-01T09:30:00+08:00", categories=["law", "law", "health"]
        ),
        creating=True,
    )
    assert clean["notes"] == "见面了"
    assert clean["visited_at"] == "2026-03-01T01:30:00Z"
    assert clean["categories"] == ["law", "health"]


@pytest.mark.parametrize(
    ("entity", "fields", "expected"),
    [
        ("household", household(head_name="   "), ("head_name", "required")),
        ("household", household(head_name="x" * 51), ("head_name", "too_long")),
        ("household", household(head_name=5), ("head_name", "not_text")),
        ("household", household(tags=["rich"]), ("tags", "bad_choice")),
        ("household", household(tags="living_alone"), ("tags", "not_list")),
        ("household", household(archived="yes"), ("archived", "not_bool")),
        ("household", household(created_at="2026-01-05 08:00"), ("created_at", "time_without_zone")),
        ("household", household(created_at="last monday"), ("created_at", "not_time")),
        # valid ISO text whose UTC instant falls outside datetime's range: no OverflowError
        ("household", household(created_at="0001-01-01T00:00:00+01:00"), ("created_at", "not_time")),
        ("household", household(created_at="9999-12-31T23:00:00-02:00"), ("created_at", "not_time")),
        (
            "household",
            household(members=[{"name": "a", "birth_year": True}]),
            ("members[0].birth_year", "not_int"),
        ),
        (
            "household",
            household(members=[{"name": "a", "birth_year": 1800}]),
            ("members[0].birth_year", "out_of_range"),
        ),
        (
            "household",
            household(members=[{"name": "a", "phone": "call me"}]),
            ("members[0].phone", "bad_phone"),
        ),
        ("household", household(grid_id="grid-1"), ("grid_id", "not_id")),
        ("need", need(deadline="next week"), ("deadline", "not_date")),
        ("errand", errand(receipt_photo="a" * 64 + "\n"), ("receipt_photo", "not_sha256")),
        ("need", need(handling="someday"), ("handling", "bad_choice")),
        (
            "diary_entry",
            diary_entry(photos=[{"sha256": "a" * 64, "consent": True}] * 21),
            ("photos", "too_many"),
        ),
        (
            "community",
            {"name": "c", "cadence_days": {"living_alone": 0}},
            ("cadence_days.living_alone", "out_of_range"),
        ),
        ("community", {"name": "c", "cadence_days": {"pets": 7}}, ("cadence_days", "bad_choice")),
    ],
)
def test_field_errors(entity, fields, expected):
    assert refused(entity, fields) == expected


def test_optional_fields_accept_null():
    clean = validate_fields("need", {"assignee_id": None, "resolved_at": None}, creating=False)
    assert clean == {"assignee_id": None, "resolved_at": None}


# --- invariants over the merged record ---

FOLLOW_UP = {"at": "2026-03-10T10:00:00Z", "by": uid(), "satisfaction": "satisfied"}


def broken(entity: str, record: dict[str, Any]) -> tuple[str, str]:
    with pytest.raises(ValidationError) as caught:
        check_invariants(entity, record)
    return caught.value.field, caught.value.code


def test_need_invariants():
    assert broken("need", need(status="closed", outcome="done")) == ("status", "close_needs_follow_up")
    assert broken("need", need(status="resolved")) == ("outcome", "required")
    assert broken("need", need(status="closed", follow_up=FOLLOW_UP)) == ("outcome", "required")
    check_invariants("need", need(status="resolved", outcome="低保已批"))
    check_invariants("need", need(status="closed", outcome="低保已批", follow_up=FOLLOW_UP))
    check_invariants("need", need())


def test_errand_invariants():
    volunteer = uid()
    assert broken("errand", errand(status="assigned")) == ("volunteer_id", "required")
    assert broken("errand", errand(status="done", volunteer_id=volunteer)) == ("done_at", "required")
    done = errand(status="done", volunteer_id=volunteer, done_at="2026-03-02T10:00:00Z")
    check_invariants("errand", done)
    assert broken("errand", {**done, "status": "confirmed"}) == ("resident_confirmed", "required")
    check_invariants("errand", {**done, "status": "confirmed", "resident_confirmed": True})
    check_invariants("errand", errand())


def test_validate_record_checks_invariants_too():
    with pytest.raises(ValidationError) as caught:
        validate_record("need", need(status="resolved"))
    assert caught.value.code == "required"
