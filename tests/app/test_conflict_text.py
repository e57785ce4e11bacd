"""The sync screen's conflict card in words: field labels, readable values,
which record, who changed it. Plain Python, no browser; the review objects
come from a real store where a store is needed."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest

from fieldapp import i18n
from fieldapp.domain.records import ENTITIES
from fieldapp.services import Services
from fieldapp.services.conflicts import ConflictReview, stamp_time
from fieldapp.views.conflict_text import conflict_text, field_label, record_text, value_text

GRID = str(uuid.uuid4())
COORDINATOR = str(uuid.uuid4())


def review(entity: str, field: str, mine: object, theirs: object, **extra: object) -> ConflictReview:
    base: dict = {"id": "c1", "entity": entity, "record_id": "r1", "field": field, "mine": mine,
                  "theirs": theirs, "theirs_by": None, "theirs_at": None, "record": {}}
    return ConflictReview(**{**base, **extra})


def local_form(iso: str) -> str:
    """What the screen should show for a UTC stamp: this machine's local time."""
    moment = datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone()
    return f"{moment.year}年{moment.month}月{moment.day}日 {moment:%H:%M}"


def test_every_field_of_every_record_has_a_label_in_both_languages() -> None:
    for entity, spec in ENTITIES.items():
        for name in spec.fields:
            key = f"field.{entity}.{name}"
            assert i18n.has(key), key
            zh, en = field_label("zh-CN", entity, name), field_label("en", entity, name)
            assert zh != name and en != name and zh != en, key
    assert field_label("zh-CN", "household", "head_name") == "户主姓名"
    assert field_label("en", "need", "deadline") == "Deadline"


def test_values_read_as_a_person_reads_them() -> None:
    members = [{"name": "张红梅", "relation": "head"}, {"name": "李建国", "relation": "spouse"}]
    assert value_text("zh-CN", "household", "members", members) == "张红梅（户主）、李建国（配偶）"
    assert value_text("en", "household", "members", members) == "张红梅 (Head), 李建国 (Spouse)"
    assert value_text("zh-CN", "household", "tags", ["living_alone", "low_income"]) == "孤寡、低保"
    assert value_text("en", "household", "tags", ["disabled"]) == "Disabled"
    for empty in (None, "", [], {}):
        assert value_text("zh-CN", "household", "notes", empty) == "—"
    assert value_text("zh-CN", "household", "address", {"street": "幸福小区", "building": "9栋",
                                                        "room": "101"}) == "幸福小区 9栋 101"
    assert value_text("zh-CN", "household", "archived", True) == "是"
    assert value_text("zh-CN", "need", "status", "escalated") == "已上报"
    assert value_text("zh-CN", "need", "handling", "promised") == "承诺件"
    assert value_text("en", "errand", "type", "heating_subsidy") == "Heating subsidy"
    assert value_text("zh-CN", "need", "deadline", "2026-03-10") == "2026年3月10日"
    at = "2026-03-10T06:30:00Z"
    assert value_text("zh-CN", "need", "resolved_at", at) == local_form(at)
    assert value_text("zh-CN", "need", "owner_id", COORDINATOR, {COORDINATOR: "李淑华"}) == "李淑华"
    assert value_text("zh-CN", "errand", "receipt_photo", "ab" * 32) == "有照片"
    follow_up = {"at": "2026-03-10T06:30:00Z", "by": COORDINATOR, "satisfaction": "satisfied",
                 "notes": "很满意"}
    assert value_text("zh-CN", "need", "follow_up", follow_up, {COORDINATOR: "李淑华"}) == (
        f"满意 · {local_form('2026-03-10T06:30:00Z')} · 李淑华 · 很满意")
    assert "[" not in value_text("zh-CN", "community", "cadence_days", {"living_alone": 7})


def test_members_that_differ_only_in_details_are_shown_in_detail() -> None:
    mine = [{"name": "张红梅", "relation": "head", "phone": "13900001111"}]
    theirs = [{"name": "张红梅", "relation": "head", "phone": "13900002222"}]
    text = conflict_text("zh-CN", review("household", "members", mine, theirs))
    assert (text.mine, text.theirs) == ("张红梅（户主，13900001111）", "张红梅（户主，13900002222）")
    assert text.field == "家庭成员"


def test_which_record_and_who_changed_it() -> None:
    household = {"head_name": "张红梅", "address": {"street": "幸福小区", "building": "9栋", "room": "101"}}
    assert record_text("zh-CN", review("household", "notes", "a", "b", record=household)) == (
        "住户 · 张红梅 · 幸福小区 9栋 101")
    need = review("need", "deadline", "2026-03-01", "2026-03-09", record={"title": "申请低保"},
                  household=household)
    assert record_text("zh-CN", need) == "诉求 · 申请低保 · 张红梅"
    errand = review("errand", "status", "done", "confirmed", record={"type": "medical_insurance"},
                    household=household)
    assert record_text("en", errand) == "Errand · Pay medical insurance · 张红梅"
    entry = review("diary_entry", "notes", "a", "b", record={"visited_at": "2026-03-10T02:00:00Z"},
                   household=household)
    assert record_text("zh-CN", entry) == "民情日记 · 2026年3月10日 · 张红梅"

    at = "2026-03-10T06:30:00Z"
    known = review("household", "notes", "a", "b", theirs_by=COORDINATOR, theirs_at=at,
                   names={COORDINATOR: "李淑华"})
    assert conflict_text("zh-CN", known).changed_by == f"李淑华 于 {local_form(at)} 修改"
    assert conflict_text("en", known).changed_by.startswith("Changed by 李淑华, ")
    nobody = review("household", "notes", "a", "b")
    assert conflict_text("zh-CN", nobody).changed_by == ""


def test_stamp_time_reads_the_wall_clock_of_an_hlc() -> None:
    assert stamp_time("1773124200000:00003:desk-1") == "2026-03-10T06:30:00Z"
    assert stamp_time("not a stamp") is None and stamp_time(None) is None


@pytest.fixture()
def worker(tmp_path: Path):
    user = {"id": str(uuid.uuid4()), "username": "w", "display_name": "王芳", "role": "worker",
            "community_id": None, "grid_ids": [GRID]}
    services = Services.open(tmp_path, user)
    try:
        yield services
    finally:
        services.close()


def test_a_pulled_change_over_an_unsynced_edit_reads_in_words(worker: Services) -> None:
    """A real store: my unsynced edit, then a newer pulled change by a known coordinator."""
    store = worker.store
    store.apply_remote({"entity": "user", "id": COORDINATOR, "seq": 1, "field_hlc": {}, "field_by": {},
                        "record": {"id": COORDINATOR, "username": "c", "display_name": "李淑华",
                                   "role": "coordinator"}})
    household = worker.households.save_household({"head_name": "张红梅", "address": {"building": "9栋"}})
    worker.households.save_household({"tags": ["living_alone"]}, household["id"])
    theirs_stamp = f"{int(datetime.now(UTC).timestamp() * 1000) + 60_000:013d}:00000:desk-1"
    store.apply_remote({"entity": "household", "id": household["id"], "seq": 2,
                        "record": {"tags": ["empty_nest", "disabled"]},
                        "field_hlc": {"tags": theirs_stamp}, "field_by": {"tags": COORDINATOR}})
    (found,) = worker.sync.conflict_reviews()
    text = conflict_text("zh-CN", found)
    assert text.record == "住户 · 张红梅 · 9栋"
    assert (text.field, text.mine, text.theirs) == ("重点人群标签", "孤寡", "空巢、残疾")
    assert text.changed_by == f"李淑华 于 {local_form(stamp_time(theirs_stamp))} 修改"
