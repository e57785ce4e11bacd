"""View logic without a browser: formatters in both languages, round rows,
form -> service call mapping, routing, and the string catalog."""

from __future__ import annotations

import ast
import re
import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest

from fieldapp import i18n
from fieldapp.domain.cadence import RoundItem
from fieldapp.domain.errors import ValidationError
from fieldapp.views import diary, household_form, round_
from fieldapp.views.context import home_route, match_route, split_route, translate
from fieldapp.views.format import address_text, date_text, deadline_text, due_text, since_visit_text

VIEWS = Path(__file__).resolve().parents[2] / "fieldapp" / "views"
TODAY = date(2026, 3, 10)


@pytest.mark.parametrize(
    ("deadline", "zh", "en", "state"),
    [
        (TODAY + timedelta(days=2), "还剩2天", "2 days left", "due_soon"),
        (TODAY - timedelta(days=3), "逾期3天", "3 days overdue", "overdue"),
        (TODAY, "今天到期", "Due today", "due_soon"),
        (TODAY + timedelta(days=9), "还剩9天", "9 days left", "ok"),
    ],
)
def test_relative_deadline_in_both_languages(deadline: date, zh: str, en: str, state: str) -> None:
    assert deadline_text("zh-CN", deadline, TODAY) == (zh, state)
    assert deadline_text("en", deadline.isoformat(), TODAY) == (en, state)


def test_days_since_visit_and_due_text() -> None:
    assert since_visit_text("zh-CN", None) == "从未走访"
    assert since_visit_text("zh-CN", 12) == "距上次走访 12 天"
    assert since_visit_text("en", 12) == "12 days since last visit"
    assert due_text("zh-CN", 5) == "逾期 5 天"
    assert due_text("en", -3) == "Due in 3 days"


def test_dates_in_the_users_language() -> None:
    assert date_text("zh-CN", "2026-03-10") == "2026年3月10日"
    assert date_text("en", "2026-03-10T08:00:00Z") == "10 Mar 2026"
    assert (
        address_text({"street": "幸福小区", "building": "3栋", "unit": "2单元", "room": "401"})
        == "幸福小区 3栋 2单元 401"
    )


class Entry:
    def __init__(self, item: RoundItem, household: dict, open_needs: int = 0) -> None:
        self.item, self.household, self.open_needs = item, household, open_needs


def test_round_row_shows_overdue_special_household() -> None:
    household = {
        "id": "h1",
        "head_name": "张红梅",
        "tags": ["living_alone", "disabled"],
        "address": {"building": "3栋", "room": "401"},
    }
    row = round_.round_row("zh-CN", Entry(RoundItem("h1", TODAY, 4, 11, True), household, 2))
    assert (row.title, row.address, row.overdue) == ("张红梅", "3栋 401", True)
    assert row.since == "距上次走访 11 天" and row.due == "逾期 4 天"
    assert row.tags == ["孤寡", "残疾"] and row.open_needs == 2
    never = round_.round_row("en", Entry(RoundItem("h1", TODAY, -2, None, False), {**household, "tags": []}))
    assert (never.since, never.due, never.overdue, never.tags) == (
        "Never visited",
        "Due in 2 days",
        False,
        [],
    )


def test_visit_form_maps_to_record_visit_arguments() -> None:
    values = {
        "kind": "special",
        "notes": "  腿脚不便  ",
        "categories": ["health", "elderly_care", "health"],
        "needs": [{"title": " 申请轮椅 ", "urgency": "urgent", "handling": "promised", "deadline": ""}],
    }
    args = diary.visit_arguments(values)
    assert args["kind"] == "special" and args["notes"] == "腿脚不便"
    assert args["categories"] == ["health", "elderly_care"]  # the domain's order, no duplicates
    need = args["needs"][0]
    assert (need.title, need.urgency, need.handling, need.deadline) == (
        "申请轮椅",
        "urgent",
        "promised",
        None,
    )


def test_visit_form_bad_deadline_names_its_field() -> None:
    with pytest.raises(ValidationError) as caught:
        diary.visit_arguments({"needs": [{"title": "x"}, {"title": "y", "deadline": "next week"}]})
    assert (caught.value.field, caught.value.code) == ("needs[1].deadline", "bad_deadline")
    assert translate("zh-CN", "error.bad_deadline").startswith("日期格式")


def test_default_visit_kind_follows_tags() -> None:
    assert diary.default_kind({"tags": ["empty_nest"]}) == "special"
    assert diary.default_kind({"tags": []}) == "regular"


def test_household_form_values_to_fields() -> None:
    fields = household_form.household_fields(
        {
            "head_name": " 张红梅 ",
            "street": "幸福小区",
            "building": "9栋",
            "unit": "",
            "room": "101",
            "notes": "",
            "tags": ["living_alone"],
            "members": [
                {
                    "name": "张红梅",
                    "relation": "head",
                    "birth_year": "1950",
                    "phone": "139 0000 1111",
                    "id_number": "220102195001011234",
                },
                {"name": "", "relation": None, "birth_year": "", "phone": "", "id_number": ""},
            ],
        }
    )
    assert fields["head_name"] == "张红梅"
    assert fields["address"] == {"street": "幸福小区", "building": "9栋", "room": "101"}
    assert fields["members"] == [
        {
            "name": "张红梅",
            "relation": "head",
            "birth_year": 1950,
            "phone": "139 0000 1111",
            "id_number": "220102195001011234",
        }
    ]
    assert household_form.member_fields({"birth_year": "19x0"}) == {
        "birth_year": "19x0"
    }  # domain says not_int
    assert household_form.field_key("address.building") == "building"


def test_household_form_saves_masked_id_through_services(tmp_path: Path) -> None:
    from fieldapp.services import Services

    user = {
        "id": str(uuid.uuid4()),
        "username": "w",
        "display_name": "W",
        "role": "worker",
        "community_id": None,
        "grid_ids": [str(uuid.uuid4())],
    }
    services = Services.open(tmp_path, user)
    try:
        fields = household_form.household_fields(
            {
                "head_name": "张红梅",
                "building": "9栋",
                "members": [{"name": "张红梅", "id_number": "220102195001011234"}],
            }
        )
        saved = services.households.save_household(fields)
        assert saved["members"][0]["id_number"] == "2201**********1234"
        assert [h["id"] for h in services.households.search_households("zhm")] == [saved["id"]]
        with pytest.raises(ValidationError) as caught:
            services.households.save_household(
                household_form.household_fields({"head_name": "", "building": "1"})
            )
        assert caught.value.code == "required"
    finally:
        services.close()


def test_routes_and_homes() -> None:
    assert match_route("/households/:id", "/households/42") == {"id": "42"}
    assert match_route("/households/:id", "/households/42/visit") is None
    assert split_route("/needs?tab=overdue") == ("/needs", {"tab": "overdue"})
    assert home_route("worker") == "/round" and home_route("volunteer") == "/errands"
    assert home_route("coordinator") == "/desk" and home_route(None) == "/settings"


def test_exact_routes_win_over_templates() -> None:
    from fieldapp.app import app_routes, resolve
    from fieldapp.views import household_form as form

    screen, params = resolve(app_routes(), "/households/new")
    assert screen is form.build_form and params == {}
    screen, params = resolve(app_routes(), "/households/abc/visit")
    assert screen is diary.build and params == {"id": "abc"}


def visible_keys() -> set[str]:
    """Every literal key passed to ctx.t / translate in the app's views."""
    keys: set[str] = set()
    for path in VIEWS.rglob("*.py"):  # the desk screens too
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
                name = getattr(node.func, "attr", getattr(node.func, "id", ""))
                if name in ("t", "translate") and isinstance(node.args[0].value, str):
                    keys.add(node.args[0].value)
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and re.fullmatch(r"(nav|sync\.state|needs\.tab|settings\.size)\.[\w.]+", node.value)
            ):
                keys.add(node.value)
    return keys


def test_every_visible_key_has_chinese_and_english() -> None:
    keys = visible_keys()
    assert len(keys) > 100
    assert i18n.missing_keys(sorted(keys)) == []
    from fieldapp.i18n.catalog_app import CATALOG

    for key, entry in CATALOG.items():
        assert entry.get("zh-CN") and entry.get("en"), key
        assert set(re.findall(r"{(\w+)}", entry["zh-CN"])) == set(re.findall(r"{(\w+)}", entry["en"])), key


def test_every_state_and_size_label_exists() -> None:
    from fieldapp.app import SYNC_ICONS
    from fieldapp.views.theme import TEXT_SCALES

    for state in SYNC_ICONS:
        assert i18n.has("sync.state." + state)
    for scale in TEXT_SCALES:
        assert i18n.has(f"settings.size.{scale}")
    from fieldapp.domain.records import ENTITIES

    for entity in ENTITIES:
        assert i18n.has("entity." + entity)
    for phase in ("push", "pull", "photos", "done"):  # fieldapp.sync.engine.Progress.phase
        assert i18n.has("sync.phase." + phase)


def test_session_languages_do_not_leak_between_sessions() -> None:
    """Each session translates with its own language; the module default is untouched."""
    before = i18n.language()
    assert translate("en", "round.title") == "My round"
    assert translate("zh-CN", "round.title") == "我的走访"
    assert i18n.language() == before


class PageStandIn:
    """Only what the forms touch outside a browser: a width and a place for toasts."""

    width = 412

    def __init__(self) -> None:
        self.shown: list[object] = []

    def show_dialog(self, dialog: object) -> None:
        self.shown.append(dialog)

    def run_task(self, *_args: object) -> None:  # background sync: not in these tests
        return None


@pytest.fixture()
def worker_context(tmp_path: Path):
    from fieldapp.services import Services
    from fieldapp.views.context import AppContext

    user = {
        "id": str(uuid.uuid4()),
        "username": "w",
        "display_name": "W",
        "role": "worker",
        "community_id": None,
        "grid_ids": [str(uuid.uuid4())],
    }
    services = Services.open(tmp_path, user)
    household = services.households.save_household(
        {"head_name": "张红梅", "address": {"building": "9栋"}, "tags": ["living_alone"]}
    )
    ctx = AppContext(page=PageStandIn(), data_dir=tmp_path, services=services)
    try:
        yield ctx, household
    finally:
        services.close()


def test_visit_draft_survives_and_bad_input_keeps_what_was_typed(worker_context) -> None:
    ctx, household = worker_context
    form = diary.VisitForm(ctx, household)
    assert form.kind.value == "special"  # a special household
    form.notes.value = "门口有积水"
    form.categories.add("safety")
    form.add_need({"title": "修排水", "handling": "joint", "deadline": "soon"})
    form.changed()
    again = diary.VisitForm(ctx, household)  # the app closed and opened again
    assert again.restored and again.notes.value == "门口有积水"
    assert again.categories == {"safety"} and again.needs[0].title.value == "修排水"
    again.save(None)  # bad deadline: shown next to the field, nothing saved, draft kept
    assert again.needs[0].deadline.error == translate("zh-CN", "error.bad_deadline")
    assert ctx.services.diary.entries_for(household["id"]) == []
    assert ctx.services.diary.load_draft(diary.draft_key(household["id"]))["notes"] == "门口有积水"
    again.needs[0].deadline.value = "2026-12-31"
    again.save(None)
    entries = ctx.services.diary.entries_for(household["id"])
    assert [e["notes"] for e in entries] == ["门口有积水"]
    assert ctx.services.needs.needs_for_household(household["id"])[0]["deadline"] == "2026-12-31"
    assert ctx.services.diary.load_draft(diary.draft_key(household["id"])) is None


def test_need_deadline_follows_handling_until_edited(worker_context) -> None:
    from fieldapp.domain.deadlines import default_deadline
    from fieldapp.views.format import today_local

    ctx, household = worker_context
    form = diary.VisitForm(ctx, household)
    form.add_need()
    card = form.needs[0]
    assert card.deadline.value == default_deadline("promised", today_local()).isoformat()
    card.handling.value = "joint"
    card.on_handling(None)
    assert card.deadline.value == default_deadline("joint", today_local()).isoformat()
    card.deadline.value = "2027-01-05"
    card.on_deadline(None)
    card.handling.value = "answer"
    card.on_handling(None)
    assert card.deadline.value == "2027-01-05"


def test_household_form_error_lands_on_member_field(worker_context) -> None:
    ctx, _household = worker_context
    form = household_form.HouseholdForm(ctx, None)
    form.boxes["head_name"].value = "李贵"
    form.boxes["building"].value = "3栋"
    form.add_member({"name": "李贵", "phone": "call me"})
    form.save(None)
    assert form.members[0]["phone"].error == translate("zh-CN", "error.bad_phone")
    assert form.boxes["head_name"].value == "李贵"  # nothing typed is lost
    assert ctx.services.households.search_households("李贵") == []
    form.members[0]["phone"].value = "13900001111"
    form.save(None)
    assert [h["head_name"] for h in ctx.services.households.search_households("lg")] == ["李贵"]


def test_need_steps_from_the_need_screen(worker_context) -> None:
    from fieldapp.services import NeedDraft
    from fieldapp.views import needs

    ctx, household = worker_context
    need = ctx.services.needs.raise_need(household["id"], NeedDraft(title="申请低保", handling="promised"))
    ctx.services.needs.accept(need["id"])
    actions = needs.NeedActions(ctx, ctx.services.needs.get(need["id"]))
    actions.ask_outcome()
    outcome = actions.panel.controls[0]
    actions.run(lambda: ctx.services.needs.resolve(need["id"], outcome.value or ""), outcome)
    assert outcome.error == translate("zh-CN", "error.required")  # empty outcome: said beside the field
    assert ctx.services.needs.get(need["id"])["status"] == "accepted"
    outcome.value = "低保已批，下月发放"
    actions.run(lambda: ctx.services.needs.resolve(need["id"], outcome.value), outcome)
    assert ctx.services.needs.get(need["id"])["status"] == "resolved"
    follow = needs.NeedActions(ctx, ctx.services.needs.get(need["id"]))
    follow.ask_follow_up()
    satisfaction = follow.panel.controls[0]
    assert satisfaction.value == "satisfied"
    follow.run(lambda: ctx.services.needs.record_follow_up(need["id"], satisfaction.value), satisfaction)
    ctx.services.needs.close(need["id"])
    kinds = [e["kind"] for e in ctx.services.needs.history(need["id"])]
    assert kinds == ["raised", "accepted", "resolved", "followed_up", "closed"]
    rows = needs.history_rows(ctx, need["id"])
    assert len(rows) == 5


def test_refused_op_shows_what_was_typed() -> None:
    from fieldapp.views.sync_view import typed_text

    op = {"entity": "diary_entry", "fields": {"household_id": "x", "notes": " 送药上门 ", "kind": "regular"},
          "reason": {"field": "grid_id", "code": "grid_mismatch"}}
    assert typed_text(op) == "送药上门"
    assert typed_text({"fields": {"head_name": "赵大爷", "notes": "腿疼"}}) == "赵大爷 · 腿疼"
    assert typed_text({"fields": {"status": "in_progress"}}) == ""
    long = typed_text({"fields": {"notes": "长" * 300}})
    assert len(long) == 120 and long.endswith("…")
