"""The phone app end to end: a real server process (demo data), a real app
process, Debian's Chromium at a phone viewport (412×860).

Worker logs in; the server goes down; the worker adds a household, finds it
by pinyin initials, records a diary entry with a need and a photo offline;
the server comes back; sync; the server holds exactly that entry, need and
photo; a coordinator comment pushed through the API shows on the entry after
sync; a volunteer completes an errand with a receipt photo; English labels.
Screenshots of every main screen go to docs/screenshots/.
"""
from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.e2e import helpers as h
from tests.support.api import ApiSession

pytestmark = pytest.mark.browser
SHOTS = h.REPO / "docs" / "screenshots"
PASSWORD = "demo1234"


def pull_all(api: ApiSession) -> list[dict[str, Any]]:
    changes, cursor = [], 0
    for _page in range(200):  # bounded: the demo holds a few thousand records
        answer = api.pull(cursor, 1000)
        changes += answer["changes"]
        cursor = answer["next"]
        if not answer["more"]:
            return changes
    raise AssertionError("pull did not finish")


def records(changes: list[dict[str, Any]], entity: str) -> list[dict[str, Any]]:
    latest = {c["id"]: c["record"] for c in changes if c["entity"] == entity}
    return list(latest.values())


def sync_in_app(page) -> None:
    h.nav(page, "同步")
    h.wait_idle(page)
    h.click(page, "立即同步")
    h.wait_text(page, "同步完成", timeout_ms=60_000)


def test_worker_offline_visit_syncs_and_volunteer_errand(stack, tmp_path: Path) -> None:
    server, app = stack
    photo = h.make_jpeg(tmp_path / "visit.jpg")
    receipt = h.make_jpeg(tmp_path / "receipt.jpg", color=(40, 160, 60))
    notes = f"老人腿脚不便，需要轮椅 {uuid.uuid4().hex[:6]}"
    need_title = f"申请轮椅 {uuid.uuid4().hex[:6]}"
    with h.browser_page(h.PHONE) as page:
        h.open_app(page, app.url)
        h.wait_text(page, "服务器地址")
        h.screenshot(page, SHOTS / "login.png")
        h.log_in(page, "worker1", PASSWORD, "我的走访")
        h.wait_idle(page)
        h.wait_text(page, "逾期")
        h.screenshot(page, SHOTS / "round.png")

        server.stop()  # from here on the phone has no server

        add_household_offline(page)
        h.nav(page, "住户")
        h.wait_text(page, "新增住户")
        h.fill_and_wait(page, "搜索姓名、地址、电话或拼音首字母", "zhm", "张红梅")
        h.screenshot(page, SHOTS / "households_search.png")
        h.click_text(page, "张红梅")
        h.wait_text(page, "一户一档")

        record_visit_offline(page, notes, need_title, photo)

        server.start()  # same port, same data
        sync_in_app(page)
        h.screenshot(page, SHOTS / "sync.png")

        coordinator = ApiSession(server.api).login("coordinator1", PASSWORD)
        entry = check_server_holds_visit(coordinator, notes, need_title)
        comment = f"记录详细，继续跟进 {uuid.uuid4().hex[:4]}"
        push_comment(coordinator, entry, comment)

        sync_in_app(page)
        h.nav(page, "住户")
        h.wait_text(page, "新增住户")
        h.fill_and_wait(page, "搜索姓名、地址、电话或拼音首字母", "zhm", "张红梅")
        h.click_text(page, "张红梅")
        h.wait_text(page, comment)
        h.screenshot(page, SHOTS / "household_archive.png")

        h.nav(page, "诉求")
        h.wait_text(page, need_title)
        h.screenshot(page, SHOTS / "needs.png")

    volunteer_completes_errand(server, app, receipt)

    with h.browser_page(h.PHONE) as page:  # same browser profile is not kept: log in again
        h.open_app(page, app.url)
        h.log_in(page, "worker1", PASSWORD, "我的走访")
        h.wait_idle(page)
        h.nav(page, "设置")
        h.wait_text(page, "退出登录")
        h.screenshot(page, SHOTS / "settings.png")
        h.click_named(page, "English")
        h.wait_text(page, "Log out")
        h.wait_text(page, "Households")
        h.nav(page, "Round")
        h.wait_text(page, "My round")
        h.wait_text(page, "days overdue")
        h.screenshot(page, SHOTS / "round_en.png")


def add_household_offline(page) -> None:
    h.nav(page, "住户")
    h.click(page, "新增住户")
    h.wait_text(page, "户主姓名")
    h.fill(page, "户主姓名", "张红梅")
    h.fill(page, "小区/街路", "幸福小区")
    h.fill(page, "楼栋", "9栋")
    h.fill(page, "室", "101")
    h.click(page, "添加成员")
    h.fill(page, "姓名", "张红梅", exact=True)
    h.fill(page, "电话", "call me")
    h.fill(page, "身份证号（仅保存脱敏号码）", "220102195001011234")
    h.click(page, "保存")
    h.wait_text(page, "电话号码格式不对")  # next to the field, in the user's language
    h.screenshot(page, SHOTS / "household_form_error.png")
    assert page.get_by_role("textbox", name="户主姓名").input_value() == "张红梅"  # nothing typed is lost
    h.fill(page, "电话", "13900001111")
    h.screenshot(page, SHOTS / "household_form.png")
    h.click(page, "保存")
    h.wait_text(page, "一户一档")
    h.wait_text(page, "2201**********1234")  # stored masked


def record_visit_offline(page, notes: str, need_title: str, photo: Path) -> None:
    h.click(page, "写民情日记")
    h.wait_text(page, "所见所闻")
    h.fill(page, "所见所闻", notes)
    h.click_named(page, "养老服务")
    h.pick_file(page, "拍照/选照片", photo)
    h.wait_text(page, "已添加照片")
    h.click_named(page, "居民同意保存照片")
    h.click(page, "登记诉求")
    h.fill(page, "诉求内容", need_title)
    h.screenshot(page, SHOTS / "diary_entry.png")
    h.click(page, "保存日记")
    h.wait_text(page, "日记已保存")
    h.wait_text(page, need_title)  # open needs on the archive


def check_server_holds_visit(api: ApiSession, notes: str, need_title: str) -> dict[str, Any]:
    changes = pull_all(api)
    entries = [e for e in records(changes, "diary_entry") if e.get("notes") == notes]
    assert len(entries) == 1, entries
    entry = entries[0]
    assert entry["categories"] == ["elderly_care"]
    needs = [n for n in records(changes, "need") if n.get("title") == need_title]
    assert len(needs) == 1, needs
    assert needs[0]["raised_in_entry_id"] == entry["id"]
    assert needs[0]["handling"] == "promised" and needs[0]["status"] == "open"
    assert len(entry["photos"]) == 1 and entry["photos"][0]["consent"] is True
    sha = entry["photos"][0]["sha256"]
    answer = api.client.get(f"/photos/{sha}", headers=api.headers)
    assert answer.status_code == 200 and answer.content[:2] == b"\xff\xd8"
    households = [x for x in records(changes, "household") if x["id"] == entry["household_id"]]
    assert households[0]["head_name"] == "张红梅"
    assert households[0]["members"][0]["id_number"] == "2201**********1234"
    return entry


def push_comment(api: ApiSession, entry: dict[str, Any], text: str) -> None:
    now = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    fields = {"entry_id": entry["id"], "grid_id": entry["grid_id"], "author_id": api.user_id, "at": now,
              "text": text}
    results = api.push([api.op("comment", str(uuid.uuid4()), fields)])
    assert results[0]["status"] == "applied", results


def volunteer_completes_errand(server, app: h.AppProcess, receipt: Path) -> None:
    api = ApiSession(server.api).login("volunteer1", PASSWORD)
    assigned = [e for e in records(pull_all(api), "errand")
                if e.get("status") == "assigned" and e.get("volunteer_id") == api.user_id]
    assert assigned, "the demo gives the volunteer assigned errands"
    errand_id = assigned[0]["id"]
    with h.browser_page(h.PHONE) as page:
        h.open_app(page, app.url)
        h.log_in(page, "volunteer1", PASSWORD, "我的代办")
        h.wait_text(page, "已派发")
        h.screenshot(page, SHOTS / "errands.png")
        h.open_app(page, app.url, f"/errands/{errand_id}")  # a reload keeps the login
        h.click(page, "开始办理")
        h.pick_file(page, "拍回执", receipt)
        h.click(page, "已办完")
        h.wait_text(page, "记录居民确认")
        h.fill(page, "确认说明", "居民已收到")
        h.click(page, "记录居民确认")
        h.wait_text(page, "居民已确认")
        h.screenshot(page, SHOTS / "errand_done.png")
        sync_in_app(page)
    errand = [e for e in records(pull_all(api), "errand") if e["id"] == errand_id][0]
    assert errand["status"] == "confirmed" and errand["resident_confirmed"] is True
    answer = api.client.get(f"/photos/{errand['receipt_photo']}", headers=api.headers)
    assert answer.status_code == 200 and answer.content[:2] == b"\xff\xd8"


def test_logout_keeps_unsynced_work_wide_window_and_text_size(stack) -> None:
    server, app = stack
    with h.browser_page(h.WIDE) as page:
        h.open_app(page, app.url)
        h.log_in(page, "worker2", PASSWORD, "我的走访")
        h.wait_idle(page)
        h.screenshot(page, SHOTS / "round_wide.png")  # navigation rail beside the list

        server.stop()
        h.nav(page, "住户")
        h.click(page, "新增住户")
        h.fill(page, "户主姓名", "欧阳翠花")
        h.fill(page, "楼栋", "12栋")
        h.click(page, "保存")
        h.wait_text(page, "一户一档")

        h.nav(page, "设置")
        h.wait_text(page, "字体大小")
        h.click_named(page, "特大")
        h.wait_text(page, "退出登录")
        h.screenshot(page, SHOTS / "settings_large_text.png")
        h.click(page, "退出登录")
        h.wait_text(page, "条记录没有同步")  # warned, not dropped
        h.screenshot(page, SHOTS / "logout_warning.png")
        h.click(page, "仍然退出（保留记录）")
        h.wait_text(page, "服务器地址")

        server.start()
        h.log_in(page, "worker2", PASSWORD, "我的走访")
        h.nav(page, "同步")
        h.wait_idle(page)
        h.click(page, "立即同步")
        h.wait_text(page, "同步完成", timeout_ms=60_000)

    coordinator = ApiSession(server.api).login("coordinator1", PASSWORD)
    names = [x["head_name"] for x in records(pull_all(coordinator), "household")]
    assert names.count("欧阳翠花") == 1
