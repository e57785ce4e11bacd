"""fieldapp.domain.needs.event_changes: how a need moves, event by event."""

from __future__ import annotations

import pytest
from domain_samples import WORKER_ID, need, uid

from fieldapp.domain.enums import NeedEventKind, NeedStatus
from fieldapp.domain.errors import ValidationError
from fieldapp.domain.needs import event_changes
from fieldapp.domain.records import check_invariants, validate_fields

AT = "2026-03-02T10:00:00Z"
STAFF = uid()
FOLLOW_UP = {"at": "2026-03-09T10:00:00Z", "by": WORKER_ID, "satisfaction": "satisfied"}


def changes(status: str, kind: str, **kwargs) -> dict:
    return event_changes(
        need(status=status), kind, actor_id=kwargs.pop("actor_id", WORKER_ID), at=AT, **kwargs
    )


def refused(status: str, kind: str, **kwargs) -> tuple[str, str]:
    with pytest.raises(ValidationError) as caught:
        changes(status, kind, **kwargs)
    return caught.value.field, caught.value.code


def test_accept_takes_ownership():
    other = uid()
    assert changes("open", "accepted", actor_id=other) == {"status": "accepted", "owner_id": other}
    assert changes("escalated", "accepted")["status"] == "accepted"


def test_hand_off_moves_ownership_only_explicitly():
    target = uid()
    assert changes("accepted", "handed_off", to_user_id=target) == {"status": "open", "owner_id": target}
    assert refused("accepted", "handed_off") == ("to_user_id", "required")


def test_escalation_assigns_staff():
    assert changes("open", "escalated", to_user_id=STAFF) == {"status": "escalated", "assignee_id": STAFF}
    assert refused("open", "escalated") == ("to_user_id", "required")
    assert refused("escalated", "escalated", to_user_id=STAFF) == ("status", "transition_not_allowed")


def test_assign_errand_keeps_the_status():
    volunteer = uid()
    assert changes("accepted", "assigned_errand", to_user_id=volunteer) == {"assignee_id": volunteer}


def test_resolve_needs_an_outcome():
    assert changes("accepted", "resolved", note="  低保已批  ") == {
        "status": "resolved",
        "outcome": "低保已批",
        "resolved_at": AT,
    }
    assert refused("accepted", "resolved", note="   ") == ("outcome", "required")


def test_follow_up_only_after_resolving():
    assert changes("resolved", "followed_up", follow_up=FOLLOW_UP) == {"follow_up": FOLLOW_UP}
    assert refused("resolved", "followed_up") == ("follow_up", "required")
    assert refused("accepted", "followed_up", follow_up=FOLLOW_UP) == ("status", "transition_not_allowed")


def test_close_only_after_the_follow_up_visit():
    assert refused("resolved", "closed") == ("status", "close_needs_follow_up")
    followed = need(status="resolved", outcome="ok", follow_up=FOLLOW_UP)
    assert event_changes(followed, "closed", actor_id=WORKER_ID, at=AT) == {
        "status": "closed",
        "closed_at": AT,
    }


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        ("accepted", "raised"),
        ("accepted", "accepted"),
        ("resolved", "accepted"),
        ("closed", "resolved"),
        ("resolved", "handed_off"),
        ("closed", "escalated"),
        ("open", "closed"),
        ("closed", "followed_up"),
    ],
)
def test_transitions_that_are_not_allowed(status, kind):
    assert refused(status, kind, to_user_id=STAFF, note="x", follow_up=FOLLOW_UP) == (
        "status",
        "transition_not_allowed",
    )


@pytest.mark.parametrize("status", list(NeedStatus))
def test_a_note_is_allowed_in_every_status_and_changes_nothing(status):
    assert changes(status, "note", note="called again") == {}


@pytest.mark.parametrize("kind", ["vanished", ["accepted"], None])
def test_unknown_event_kind_is_a_validation_error(kind):
    assert refused("open", kind) == ("kind", "bad_choice")


def test_a_whole_life_keeps_the_invariants():
    """open -> accepted -> escalated -> accepted -> resolved -> followed up -> closed,
    each change valid as an update and the merged record valid throughout."""
    record = need()
    steps = [
        ("accepted", {}),
        ("escalated", {"to_user_id": STAFF}),
        ("accepted", {}),
        ("resolved", {"note": "低保已批，下月到账"}),
        ("followed_up", {"follow_up": FOLLOW_UP}),
        ("closed", {}),
    ]
    for kind, extra in steps:
        assert kind in set(NeedEventKind)
        update = event_changes(record, kind, actor_id=WORKER_ID, at=AT, **extra)
        if update:
            update = validate_fields("need", update, creating=False)
        record = {**record, **update}
        check_invariants("need", record)
    assert record["status"] == "closed" and record["closed_at"] == AT
    assert record["first_responder_id"] == WORKER_ID
