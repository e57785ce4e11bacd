"""Households: validation, masking, search (names, pinyin, address, phone), archive."""
from __future__ import annotations

import pytest
from services_helpers import address

from fieldapp.domain.errors import ValidationError


def add(services, head, **extra):
    return services.households.save_household({"address": address(**extra.pop("addr", {})), "head_name": head,
                                               **extra})


def test_create_masks_id_number_and_queues_one_op(services):
    household = add(services, "张红梅", members=[{"name": "张红梅", "id_number": "220102195501011234",
                                                  "phone": "13800001111"}])
    assert household["members"][0]["id_number"] == "2201**********1234"
    (op,) = services.store.pending_ops(10)
    assert op["entity"] == "household" and "220102195501011234" not in str(op)
    raw = (services.store.path / "journal.log").read_text(encoding="utf-8")
    assert "220102195501011234" not in raw, "the full ID number never reaches the disk"


@pytest.mark.parametrize("fields, field, code", [
    ({"head_name": ""}, "head_name", "required"),
    ({"head_name": "王", "members": [{"name": "王", "phone": "abc"}]}, "members[0].phone", "bad_phone"),
    ({"head_name": "王", "members": [{"name": "王", "id_number": "123"}]}, "members[0].id_number",
     "bad_id_number"),
    ({"head_name": "王", "tags": ["vip"]}, "tags", "bad_choice"),
    ({"head_name": "王", "grid_id": "00000000-0000-4000-8000-00000000ffff"}, "grid_id", "out_of_scope"),
    ({"head_name": "王", "colour": "red"}, "colour", "unknown_field"),
])
def test_bad_input_names_the_field_and_writes_nothing(services, fields, field, code):
    with pytest.raises(ValidationError) as err:
        services.households.save_household({"address": address(), **fields})
    assert (err.value.field, err.value.code) == (field, code)
    assert services.store.pending_count() == 0 and services.store.count("household") == 0


def test_edit_sends_only_changed_fields(services):
    household = add(services, "李桂兰", tags=["empty_nest"])
    services.households.save_household({"head_name": "李桂兰", "tags": ["empty_nest", "disabled"],
                                        "address": household["address"]}, household["id"])
    last = services.store.pending_ops(10)[-1]
    assert last["fields"] == {"tags": ["empty_nest", "disabled"]}
    before = services.store.pending_count()
    services.households.save_household({"head_name": "李桂兰"}, household["id"])
    assert services.store.pending_count() == before, "no change, no operation"


def test_search_by_name_pinyin_address_phone(services):
    zhang = add(services, "张红梅", members=[{"name": "刘建国", "phone": "13912345678"}],
                tags=["living_alone"])
    add(services, "孙海明", addr={"building": "7"})
    add(services, "王小红", addr={"building": "9"})
    search = services.households.search_households
    assert [h["head_name"] for h in search("zhm")] == ["张红梅"]
    assert [h["head_name"] for h in search("zhanghong")] == ["张红梅"]
    assert [h["head_name"] for h in search("ljg")] == ["张红梅"], "any member's name"
    assert [h["head_name"] for h in search("刘建")] == ["张红梅"]
    assert [h["head_name"] for h in search("1391234")] == ["张红梅"]
    assert {h["head_name"] for h in search("林海路")} == {"张红梅", "孙海明", "王小红"}
    assert [h["head_name"] for h in search("zh", tag="living_alone")] == ["张红梅"]
    assert search("没有这个人") == []
    services.households.save_household({"head_name": "张秀英"}, zhang["id"])
    assert search("zhm") == [], "the index follows edits"
    assert [h["head_name"] for h in search("zxy")] == ["张秀英"]


def test_search_ranks_name_prefix_first(services):
    add(services, "陈明", addr={"building": "明"})  # "ming" only in the name, as a second syllable
    add(services, "明丽")
    assert [h["head_name"] for h in services.households.search_households("ming")] == ["明丽", "陈明"]


def test_search_bad_tag(services):
    with pytest.raises(ValidationError) as err:
        services.households.search_households("", tag="vip")
    assert err.value.code == "bad_choice"


def test_household_archive(services):
    from fieldapp.services import NeedDraft

    household = add(services, "孙大爷", tags=["disabled"])
    services.diary.record_visit(household["id"], "special", "送轮椅", ["disability_aid"],
                                needs=[NeedDraft("申请低保", handling="promised")])
    archive = services.households.household_archive(household["id"])
    assert archive.household["head_name"] == "孙大爷" and archive.tags == ["disabled"]
    assert [e["notes"] for e in archive.entries] == ["送轮椅"]
    assert [n["title"] for n in archive.open_needs] == ["申请低保"]
    assert archive.last_visit == archive.entries[0]["visited_at"]
    assert archive.cadence is not None and archive.cadence.days_overdue < 0
    with pytest.raises(ValidationError) as err:
        services.households.household_archive("00000000-0000-4000-8000-00000000dead")
    assert err.value.code == "not_found"


def test_grids_for_pickers(services):
    from services_helpers import GRID

    assert services.households.grids() == [{"id": GRID, "name": ""}], "not pulled yet: id only"
    services.store.apply_remote({"entity": "grid", "id": GRID, "seq": 1,
                                 "record": {"id": GRID, "community_id": services.user["community_id"],
                                            "name": "一网格"},
                                 "field_hlc": {}, "field_by": {}})
    assert [g["name"] for g in services.households.grids()] == ["一网格"]
