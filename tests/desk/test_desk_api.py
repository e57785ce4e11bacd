"""The desk API against a real server process (SQLite file in a tmp dir, and PostgreSQL),
seeded through the real sync push by the workers themselves."""
from __future__ import annotations

import io

import pytest
from desk_server import DeskWorld, start_world
from openpyxl import Workbook, load_workbook

MARCH = {"from": "2026-03-01", "to": "2026-03-31"}


@pytest.fixture(scope="module")
def world(database_url: str | None, tmp_path_factory: pytest.TempPathFactory) -> DeskWorld:
    """On SQLite, and on PostgreSQL when PEOPLE_DIARY_PG_URL is set (skipped otherwise)."""
    desk = start_world(tmp_path_factory.mktemp("desk-api"), database_url)
    yield desk
    desk.close()


def ok(response, status: int = 200):
    assert response.status_code == status, response.text
    is_json = response.headers.get("content-type", "").startswith("application/json")
    return response.json() if is_json else None


def reason(response, status: int) -> dict:
    assert response.status_code == status, response.text
    return response.json()["detail"]


# ------------------------------------------------------------------ figures


def test_figures_match_hand_worked_values(world: DeskWorld):
    report = ok(world.get("k1", "/figures", **MARCH))
    row = report["community"]
    assert (row["visits"], row["quota"]) == (4, 60.0)
    assert row["coverage"]["rate"] == 0.5
    needs = row["needs"]
    assert (needs["raised"], needs["resolved"], needs["resolved_on_time"], needs["closed"]) == (3, 2, 1, 1)
    assert (needs["closure_rate"], needs["satisfaction_rate"], needs["satisfaction_rate_strict"]) == (
        0.3333, 1.0, 0.5)
    workers = {w["label"]: w for w in report["workers"]}
    assert workers["刘红梅"]["visits"] == 3 and workers["王建军"]["visits"] == 1
    assert workers["王建军"]["needs"]["satisfaction_rate"] is None  # no follow-ups: not 100%


def test_figures_bad_period(world: DeskWorld):
    assert reason(world.get("k1", "/figures", **{"from": "2026-03-31", "to": "2026-03-01"}), 422)[
        "code"] == "period_reversed"
    bad_day = world.get("k1", "/figures", **{"from": "March", "to": "2026-03-01"})
    assert reason(bad_day, 422)["code"] == "not_date"
    assert reason(world.get("k1", "/figures", **{"from": "2026-03-01"}), 422)["field"] == "to"


# ------------------------------------------------------------------ scope


@pytest.mark.parametrize("username", ["w1", "v1"])
def test_field_roles_are_refused(world: DeskWorld, username: str):
    assert reason(world.get(username, "/figures", **MARCH), 403)["code"] == "forbidden"
    assert world.get(username, "/review").status_code == 403


def test_no_token_is_401(world: DeskWorld):
    api = world.as_user("k1")
    assert api.client.get("/desk/review").status_code == 401


def test_other_community_sees_nothing(world: DeskWorld):
    entry = world.data.ids["E1"]
    assert world.get("k2", f"/entries/{entry}").status_code == 404
    assert ok(world.get("k2", "/review"))["items"] == []
    assert world.get("k2", "/figures", community_id=world.data.community_id, **MARCH).status_code == 403
    assert world.post("k2", f"/entries/{entry}/comments", {"text": "越界"}).status_code == 404


def test_admin_reads_any_community(world: DeskWorld):
    report = ok(world.get("a1", "/figures", community_id=world.data.community_id, **MARCH))
    assert report["community"]["visits"] == 4
    assert world.get("k1", "/audit").status_code == 403


# ------------------------------------------------------------------ review


def ids_of(page: dict) -> list[str]:
    return [item["id"] for item in page["items"]]


def test_review_filters(world: DeskWorld):
    e = world.data.ids
    assert set(ids_of(ok(world.get("k1", "/review", **MARCH)))) == {e["E1"], e["E2"], e["E3"], e["E4"]}
    assert ids_of(ok(world.get("k1", "/review", grid_id=world.data.grid2))) == [e["E4"]]
    assert set(ids_of(ok(world.get("k1", "/review", worker_id=world.ids["w1"], **MARCH)))) == {
        e["E1"], e["E2"], e["E3"]}
    assert ids_of(ok(world.get("k1", "/review", category="disputes"))) == [e["E3"]]
    assert ids_of(ok(world.get("k1", "/review", q="轮椅"))) == [e["E4"]]
    assert set(ids_of(ok(world.get("k1", "/review", tag="living_alone")))) == {e["E1"], e["E2"]}
    assert set(ids_of(ok(world.get("k1", "/review", has_needs="true")))) == {e["E1"], e["E3"], e["E4"]}
    assert set(ids_of(ok(world.get("k1", "/review", has_needs="false")))) == {e["E2"], e["E0"]}


def test_review_pages_walk_everything_once(world: DeskWorld):
    seen, cursor = [], None
    for _ in range(10):
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = ok(world.get("k1", "/review", **params))
        seen += ids_of(page)
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == 5 and len(set(seen)) == 5
    assert seen[0] == world.data.ids["E2"]  # newest first


def test_review_bad_input(world: DeskWorld):
    assert reason(world.get("k1", "/review", cursor="garbage"), 422)["code"] == "bad_cursor"
    assert reason(world.get("k1", "/review", category="nope"), 422)["field"] == "category"
    assert reason(world.get("k1", "/review", tag="nope"), 422)["field"] == "tag"
    assert world.get("k1", "/review", limit=0).status_code == 422
    assert world.get("k1", "/entries/not-an-id").status_code == 404
    for odd in ("100%", "_", "!'\"", "\\u4f4e"):  # LIKE wildcards, quotes, an escaped-looking text
        assert ok(world.get("k1", "/review", q=odd))["items"] == []
    assert world.get("k1", "/review", q="长" * 101).status_code == 422


def test_entry_detail_audits_special_households_only(world: DeskWorld):
    before = len(ok(world.get("a1", "/audit", actor_id=world.ids["k1"]))["items"])
    detail = ok(world.get("k1", f"/entries/{world.data.ids['E1']}"))
    assert detail["household"]["tags"] == ["living_alone"]
    assert [n["id"] for n in detail["needs"]] == [world.data.ids["N1"]]
    ok(world.get("k1", f"/entries/{world.data.ids['E3']}"))  # ordinary household: no audit row
    rows = ok(world.get("a1", "/audit", actor_id=world.ids["k1"]))["items"]
    assert len(rows) == before + 1
    assert rows[0]["record_id"] == world.data.ids["E1"] and rows[0]["action"] == "read_entry"
    assert rows[0]["actor_name"] == "李书记"


def test_entry_photo_is_readable_by_the_coordinator(world: DeskWorld):
    detail = ok(world.get("k1", f"/entries/{world.data.ids['E4']}"))
    photo = detail["photos"][0]
    assert photo["sha256"] == world.photo_sha and photo["url"] == f"/api/v1/photos/{world.photo_sha}"
    api = world.as_user("k1")
    image = api.client.get(photo["url"].removeprefix("/api/v1"), headers=api.headers)
    assert image.status_code == 200 and image.content[:2] == b"\xff\xd8"
    assert api.client.get(photo["url"].removeprefix("/api/v1")).status_code == 401  # no token, no photo


def test_register_detail_is_audited(world: DeskWorld):
    h1 = world.data.ids["H1"]
    detail = ok(world.get("k1", f"/households/{h1}"))
    assert detail["household"]["head_name"] == "张桂兰" and len(detail["recent_entries"]) == 2
    rows = ok(world.get("a1", "/audit", actor_id=world.ids["k1"]))["items"]
    assert (rows[0]["action"], rows[0]["record_id"], rows[0]["entity"]) == ("read_household", h1, "household")
    assert rows[0]["detail"]["tags"] == ["living_alone"]
    assert world.get("k2", f"/households/{h1}").status_code == 404  # other community: no read, no row


def test_comment_reaches_the_worker(world: DeskWorld):
    entry = world.data.ids["E3"]
    comment = ok(world.post("k1", f"/entries/{entry}/comments", {"text": "调解记录很清楚，继续跟进"}), 201)
    changes = world.as_user("w1").pull_all()
    pulled = changes[("comment", comment["id"])]["record"]
    assert pulled["text"] == "调解记录很清楚，继续跟进" and pulled["entry_id"] == entry
    detail = ok(world.get("k1", f"/entries/{entry}"))
    assert [c["text"] for c in detail["comments"]] == ["调解记录很清楚，继续跟进"]
    assert reason(world.post("k1", f"/entries/{entry}/comments", {"text": "  "}), 422)["code"] == "required"
    assert world.post("k1", f"/entries/{entry}/comments", {"text": "长" * 2001}).status_code == 422


# ------------------------------------------------------------------ register and settings


def test_register_and_tag_edit(world: DeskWorld):
    register = ok(world.get("k1", "/households"))
    assert {h["id"] for h in register["items"]} == {world.data.ids["H1"], world.data.ids["H3"]}
    assert all(h["overdue"] for h in register["items"])  # last visits were in March
    assert [h["id"] for h in ok(world.get("k1", "/households", tag="disabled"))["items"]] == [
        world.data.ids["H3"]]
    h2 = world.data.ids["H2"]
    ok(world.put("k1", f"/households/{h2}/tags", {"tags": ["empty_nest"]}))
    pulled = world.as_user("w1").pull_all()[("household", h2)]["record"]
    assert pulled["tags"] == ["empty_nest"]
    assert world.put("k1", f"/households/{h2}/tags", {"tags": ["bogus"]}).status_code == 422
    ok(world.put("k1", f"/households/{h2}/tags", {"tags": []}))


def test_settings_validation(world: DeskWorld):
    settings = ok(world.get("k1", "/settings"))
    assert settings["monthly_visit_quota"] == 30 and settings["cadence_days"]["living_alone"] == 7
    assert world.put("k1", "/settings", {"monthly_visit_quota": -1}).status_code == 422
    assert reason(world.put("k1", "/settings", {"name": "改名"}), 422)["code"] == "unknown_field"
    assert ok(world.get("k1", "/settings"))["monthly_visit_quota"] == 30


# ------------------------------------------------------------------ pending help


def test_board_flags_overdue_and_hands_to_a_volunteer(world: DeskWorld):
    n3 = world.data.ids["N3"]
    board = ok(world.get("k1", "/needs", status="active"))
    flagged = {n["id"]: n["overdue"] for n in board["items"]}
    assert flagged[n3] is True
    action = {"action": "volunteer", "to_user_id": world.ids["v1"], "errand_type": "shopping",
              "note": "代买轮椅配件"}
    result = ok(world.post("k1", f"/needs/{n3}/actions", action))
    assert result["need"]["assignee_id"] == world.ids["v1"]
    errand = world.as_user("v1").pull_all()[("errand", result["errand_id"])]["record"]
    assert errand["need_id"] == n3 and errand["status"] == "assigned"
    history = ok(world.get("k1", f"/needs/{n3}"))
    assert [e["kind"] for e in history["events"]] == ["assigned_errand"]
    assert history["errands"][0]["id"] == result["errand_id"]
    assert reason(world.post("k1", f"/needs/{n3}/actions", {"action": "close"}), 409)["code"] == (
        "transition_not_allowed")


def test_need_action_bad_input(world: DeskWorld):
    n3 = world.data.ids["N3"]
    wrong = world.post("k1", f"/needs/{n3}/actions", {"action": "hand_off", "to_user_id": world.ids["v1"]})
    assert reason(wrong, 422)["code"] == "wrong_role"
    assert reason(world.post("k1", f"/needs/{n3}/actions", {"action": "fly"}), 422)["field"] == "action"
    assert reason(world.post("k1", f"/needs/{n3}/actions", {"action": "escalate"}), 422)["field"] == (
        "to_user_id")


def test_close_after_follow_up_changes_the_figures(world: DeskWorld):
    period = {"from": "2026-03-01", "to": "2028-12-31"}  # within the 3-year limit, includes today
    before = ok(world.get("k1", "/figures", **period))["community"]["needs"]["closed"]
    ok(world.post("k1", f"/needs/{world.data.ids['N2']}/actions", {"action": "close"}))
    after = ok(world.get("k1", "/figures", **period))["community"]["needs"]
    assert after["closed"] == before + 1
    # March's figures are as of 31 March: the late close does not rewrite them
    assert ok(world.get("k1", "/figures", **MARCH))["community"]["needs"]["closed"] == 1


# ------------------------------------------------------------------ devices


def test_device_status_after_push(world: DeskWorld):
    items = {d["display_name"]: d for d in ok(world.get("k1", "/devices"))["items"]}
    assert items["刘红梅"]["last_sync"] is not None
    assert items["刘红梅"]["rejected"] == 0


# ------------------------------------------------------------------ Excel


def xlsx(response) -> Workbook:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    return load_workbook(io.BytesIO(response.content))


def test_export_entries_round_trip(world: DeskWorld):
    sheet = xlsx(world.get("k1", "/excel/entries", **MARCH)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("走访时间", "网格", "网格员", "住户")
    assert len(rows) == 5  # header + 4 March entries
    assert {r[2] for r in rows[1:]} == {"刘红梅", "王建军"}
    assert any("孤寡" in (r[4] or "") for r in rows[1:])


def test_export_figures_round_trip(world: DeskWorld):
    book = xlsx(world.get("k1", "/excel/figures", **MARCH))
    assert book.sheetnames == ["社区", "网格", "网格员"]
    rows = list(book["社区"].iter_rows(values_only=True))
    assert rows[1][0] == "对象" and rows[2][1] == 4  # visits


def test_download_link_is_single_use(world: DeskWorld):
    link = ok(world.post("k1", "/excel/links", {"kind": "entries", **MARCH}))
    client = world.as_user("k1").client
    url = link["url"].removeprefix("/api/v1")
    assert client.get(url).status_code == 200  # no Authorization header
    assert reason(client.get(url), 404)["code"] == "link_expired"
    assert world.post("k1", "/excel/links", {"kind": "passwords"}).status_code == 422


def _template_with(world: DeskWorld, rows: list[dict]) -> bytes:
    """The server's own template, filled in as a coordinator would."""
    template = xlsx(world.get("k1", "/excel/template"))
    sheet = template["住户"]
    headers = [c.value for c in sheet[1]]
    for row in rows:
        sheet.append([row.get(h, "") for h in headers])
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()


def test_import_template_fill_and_import(world: DeskWorld):
    body = _template_with(world, [{"网格": "一网格", "楼栋": "9", "单元": "1", "室": "101",
                                   "户主姓名": "赵桂芝", "标签": "独居老人"}])
    api = world.as_user("k1")
    result = api.client.post("/desk/excel/households", content=body, headers=api.headers)
    assert ok(result) == {"imported": 1}
    register = ok(world.get("k1", "/households", tag="living_alone"))
    assert "赵桂芝" in [h["head_name"] for h in register["items"]]


def test_bad_uploads_import_nothing(world: DeskWorld):
    api = world.as_user("k1")
    count = len(ok(world.get("k1", "/households"))["items"])
    garbage = api.client.post("/desk/excel/households", content=b"not a spreadsheet \x00\x01",
                              headers=api.headers)
    assert reason(garbage, 422)["code"] == "import_rejected"
    assert reason(api.client.post("/desk/excel/households", content=b"", headers=api.headers), 422)[
        "code"] == "empty_file"
    body = _template_with(world, [
        {"网格": "一网格", "楼栋": "9", "室": "102", "户主姓名": "钱好人", "标签": "空巢"},
        {"网格": "不存在的网格", "楼栋": "9", "室": "103", "户主姓名": "孙坏行", "标签": "空巢"},
    ])
    bad = api.client.post("/desk/excel/households", content=body, headers=api.headers)
    detail = reason(bad, 422)
    assert detail["code"] == "import_rejected" and "第3行" in detail["detail"]
    assert len(ok(world.get("k1", "/households"))["items"]) == count  # the good row was not imported
