"""Visits, photos, needs through their life, drafts and the round."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from services_helpers import COLLEAGUE, address, jpeg_bytes

from fieldapp.domain.errors import ValidationError
from fieldapp.services import NeedDraft, PhotoInput


@pytest.fixture
def household(services):
    return services.households.save_household({"address": address(), "head_name": "周淑珍",
                                               "tags": ["living_alone"]})


def test_visit_with_photo_and_need_in_one_commit(services, household):
    lines_before = (services.store.path / "journal.log").read_text(encoding="utf-8").count("\n")
    result = services.diary.record_visit(
        household["id"], "special", "家中保险丝烧了，已更换", ["safety", "elderly_care"],
        photos=[PhotoInput(jpeg_bytes(), consent=True, caption="电表箱")],
        needs=[NeedDraft("更换老化电线", urgency="urgent", handling="joint")],
    )
    lines_after = (services.store.path / "journal.log").read_text(encoding="utf-8").count("\n")
    assert lines_after == lines_before + 1, "entry, need, event, photo and ops: one durable line"
    assert result.entry["photos"][0]["sha256"] == result.photos[0]
    assert services.store.pending_photos() == result.photos
    assert services.store.photo_file(result.photos[0]).exists()
    (need,) = result.needs
    raised_on = date.fromisoformat(result.entry["visited_at"][:10])
    assert need["deadline"] == (raised_on + timedelta(days=15)).isoformat(), "joint: 15 days by default"
    assert need["owner_id"] == need["first_responder_id"] == services.user["id"]
    assert need["raised_in_entry_id"] == result.entry["id"]
    entities = sorted(op["entity"] for op in services.store.pending_ops(100))
    assert entities == ["diary_entry", "household", "need", "need_event"]


@pytest.mark.parametrize("kwargs, field, code", [
    ({"kind": "party"}, "kind", "bad_choice"),
    ({"categories": ["astrology"]}, "categories", "bad_choice"),
    ({"needs": [NeedDraft("")]}, "needs[0].title", "required"),
    ({"needs": [NeedDraft("x", handling="someday")]}, "needs[0].handling", "bad_choice"),
    ({"needs": [NeedDraft("x", deadline="next week")]}, "needs[0].deadline", "not_date"),
    ({"photos": [PhotoInput(b"not a jpeg", consent=True)]}, "photos[0]", "photo.not_image"),
    ({"photos": [PhotoInput(b"\xff\xd8", consent=False)]}, "photos[0].consent", "consent_required"),
])
def test_bad_visit_names_the_field_and_writes_nothing(services, household, kwargs, field, code):
    before = services.store.pending_count()
    args = {"kind": "regular", **kwargs}
    with pytest.raises(ValidationError) as err:
        services.diary.record_visit(household["id"], **args)
    assert (err.value.field, err.value.code) == (field, code)
    assert services.store.pending_count() == before
    assert services.store.count("diary_entry") == 0 and services.store.pending_photos() == []


def test_need_lifecycle_close_needs_follow_up(services, household):
    need = services.needs.raise_need(household["id"], NeedDraft("低保申请", handling="promised"))
    need_id = need["id"]
    services.needs.accept(need_id)
    with pytest.raises(ValidationError) as err:
        services.needs.close(need_id)
    assert err.value.code == "transition_not_allowed"
    with pytest.raises(ValidationError) as err:
        services.needs.resolve(need_id, "   ")
    assert err.value.field == "outcome"
    services.needs.resolve(need_id, "低保金已到账")
    with pytest.raises(ValidationError) as err:
        services.needs.close(need_id)
    assert err.value.code == "close_needs_follow_up"
    with pytest.raises(ValidationError):
        services.needs.record_follow_up(need_id, "delighted")
    services.needs.record_follow_up(need_id, "satisfied", "老人很满意")
    closed = services.needs.close(need_id)
    assert closed["status"] == "closed" and closed["follow_up"]["satisfaction"] == "satisfied"
    kinds = [e["kind"] for e in services.needs.history(need_id)]
    assert kinds == ["raised", "accepted", "resolved", "followed_up", "closed"]
    follow_ups = [e for e in services.diary.entries_for(household["id"]) if e["kind"] == "follow_up"]
    assert len(follow_ups) == 1, "the follow-up visit is a diary entry too"


def test_hand_off_and_escalate(services, household):
    need = services.needs.raise_need(household["id"], NeedDraft("邻里纠纷"))
    with pytest.raises(ValidationError) as err:
        services.needs.hand_off(need["id"], "00000000-0000-4000-8000-00000000dead")
    assert err.value.code == "not_found"
    with pytest.raises(ValidationError) as err:
        services.needs.hand_off(need["id"], services.user["id"])
    assert err.value.code == "same_user"
    handed = services.needs.hand_off(need["id"], COLLEAGUE, "他负责这栋楼")
    assert handed["owner_id"] == COLLEAGUE and handed["status"] == "open"
    assert services.needs.my_needs("open") == [], "no longer mine"
    event = services.needs.history(need["id"])[-1]
    assert event["kind"] == "handed_off" and event["to_user_id"] == COLLEAGUE
    assert event["note"] == "他负责这栋楼"
    danger = services.needs.raise_need(household["id"], NeedDraft("精神障碍患者危及邻居", urgency="critical"))
    escalated = services.needs.escalate(danger["id"], COLLEAGUE, "已联系派出所和医院")
    assert escalated["status"] == "escalated" and escalated["assignee_id"] == COLLEAGUE
    assert escalated["owner_id"] == services.user["id"], "escalating keeps ownership (首问负责)"
    assert [n["id"] for n in services.needs.my_needs("open")] == [danger["id"]]


def test_my_needs_buckets_and_deadline_label(services, household):
    today = date(2026, 6, 10)
    overdue = services.needs.raise_need(household["id"], NeedDraft("a", deadline="2026-06-01"))
    soon = services.needs.raise_need(household["id"], NeedDraft("b", deadline="2026-06-11"))
    later = services.needs.raise_need(household["id"], NeedDraft("c", deadline="2026-07-01"))
    assert [n["title"] for n in services.needs.my_needs("open", today)] == ["a", "b", "c"]
    assert [n["id"] for n in services.needs.my_needs("overdue", today)] == [overdue["id"]]
    assert [n["id"] for n in services.needs.my_needs("due_soon", today)] == [soon["id"]]
    label = services.needs.deadline_label(overdue, today)
    assert (label.state, label.days) == ("overdue", 9)
    assert services.needs.deadline_label(later, today).state == "ok"
    with pytest.raises(ValidationError):
        services.needs.my_needs("someday")


def test_my_round_most_urgent_first(services):
    make = services.households.save_household
    alone = make({"address": address(room="1"), "head_name": "独居老人", "tags": ["living_alone"]})
    plain = make({"address": address(room="2"), "head_name": "普通户"})
    services.diary.record_visit(alone["id"], "special", visited_at="2026-01-01T08:00:00Z")
    services.diary.record_visit(plain["id"], "regular", visited_at="2026-01-01T08:00:00Z")
    entries = services.round.my_round(date(2026, 1, 20))
    assert [e.household["head_name"] for e in entries] == ["独居老人"], "plain is due only after 90 days"
    assert entries[0].item.days_overdue == 12
    later = services.round.my_round(date(2026, 4, 15))
    assert [e.household["head_name"] for e in later] == ["独居老人", "普通户"]


def test_drafts_survive_reopen(tmp_path):
    from services_helpers import WORKER

    from fieldapp.services import Services

    first = Services.open(tmp_path, WORKER, token="t")
    first.diary.save_draft("visit:123", {"notes": "写了一半", "categories": ["health"]})
    first.close()
    second = Services.open(tmp_path, WORKER)
    assert second.diary.load_draft("visit:123") == {"notes": "写了一半", "categories": ["health"]}
    assert second.diary.draft_keys() == ["visit:123"]
    second.diary.clear_draft("visit:123")
    assert second.diary.load_draft("visit:123") is None
    second.close()
