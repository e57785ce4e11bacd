"""The sync screen end to end: a real server process (demo data), a real app
process, Debian's Chromium at a phone viewport (412×860).

Conflict: the worker edits a household's notes with no server; meanwhile the
coordinator changes the same field through the API; the worker syncs, reads
the conflict in words (field label, both values, who changed it) and keeps
their own; the server ends with the worker's value and the card is gone.

Re-login: the app's token is revoked on the server (POST /auth/logout with
it); the worker's next save cannot be sent; the sync screen asks for the
password in place; after it, the work made while the token was dead reaches
the server exactly once. Screenshots: sync_conflict.png, sync_relogin.png.
"""
from __future__ import annotations

import json
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e import helpers as h
from tests.support.api import ApiSession

pytestmark = pytest.mark.browser
SHOTS = h.REPO / "docs" / "screenshots"
PASSWORD = "demo1234"
POLL_S = 60  # bounded waits for what the app does in the background


def household_of(api: ApiSession, household_id: str) -> dict[str, Any]:
    return api.pull_all()[("household", household_id)]["record"]


def wait_for_server(api: ApiSession, check, what: str) -> None:
    """Poll the server (bounded) until `check(changes)` holds: the app syncs in the background."""
    deadline = time.monotonic() + POLL_S
    while time.monotonic() < deadline:
        if check(api.pull_all()):
            return
        time.sleep(0.5)
    raise AssertionError(f"the server never got {what}")


def log_in(page, app: h.AppProcess, username: str) -> None:
    h.open_app(page, app.url)
    h.log_in(page, username, PASSWORD, "我的走访")
    h.wait_idle(page)


def test_conflict_is_shown_in_words_and_the_choice_reaches_the_server(stack) -> None:
    server, app = stack
    worker = ApiSession(server.api, device="worker-api").login("worker1", PASSWORD)
    coordinator = ApiSession(server.api, device="desk-1").login("coordinator1", PASSWORD)
    grid = worker.user["grid_ids"][0]
    target = next(c for c in worker.pull_all().values()
                  if c["entity"] == "household" and c["record"]["grid_id"] == grid)
    household_id, head_name = target["id"], target["record"]["head_name"]
    mine, theirs = f"门锁坏了，已报修 {uuid.uuid4().hex[:4]}", f"物业已换新锁 {uuid.uuid4().hex[:4]}"

    with h.browser_page(h.PHONE) as page:
        log_in(page, app, "worker1")
        server.stop()  # the worker is out of signal
        h.open_app(page, app.url, f"/households/{household_id}/edit")  # a reload keeps the login
        h.wait_text(page, "户主姓名")
        h.fill(page, "备注", mine)
        h.click(page, "保存")
        h.wait_text(page, "一户一档")
        h.wait_text(page, "离线", timeout_ms=POLL_S * 1000)  # the save's own sync gave up: still pending

        server.start()  # meanwhile, at the desk, the coordinator changes the same field (later)
        (result,) = coordinator.push([coordinator.op("household", household_id, {"notes": theirs})])
        assert result["status"] == "applied", result

        h.nav(page, "同步")
        h.wait_idle(page)
        h.click(page, "立即同步")
        h.wait_text(page, "同步完成", timeout_ms=POLL_S * 1000)
        h.wait_text(page, "冲突项：备注")  # the field's label, not "notes"
        h.wait_text(page, f"住户 · {head_name}")  # which household
        h.wait_text(page, f"我的修改：{mine}")
        h.wait_text(page, f"服务器上的：{theirs}")
        h.wait_text(page, f"{coordinator.user['display_name']} 于")  # who changed it, and when
        assert household_of(coordinator, household_id)["notes"] == theirs  # the later change won
        h.text_locator(page, "冲突项：备注").first.scroll_into_view_if_needed()
        page.mouse.move(1, 1)  # no tab tooltip under the pointer
        h.screenshot(page, SHOTS / "sync_conflict.png")

        h.click(page, "保留我的")
        h.wait_gone(page, "冲突项：备注")
        wait_for_server(coordinator, lambda changes: changes[("household", household_id)]["record"]["notes"]
                        == mine, "the worker's kept value")
        h.wait_idle(page)
        assert not h.has_text(page, f"服务器上的：{theirs}")
    assert household_of(worker, household_id)["notes"] == mine


def app_token(data_dir: Path, user_id: str) -> str:
    """The token the app holds, read from its store on disk (snapshot, then the
    journal's commits in order): what a stolen phone would carry."""
    folder = data_dir / user_id
    snapshot = folder / "snapshot.json"
    meta = json.loads(snapshot.read_text()).get("meta", {}) if snapshot.exists() else {}
    meta = {str(k): v for k, v in meta.items()}
    for line in (folder / "journal.log").read_text().splitlines():
        for table, doc_id, doc in json.loads(line)["c"]:
            if table == "meta":
                meta[str(doc_id)] = doc
    tokens = [d["value"] for d in meta.values() if d and d.get("key") == "token" and d.get("value")]
    assert len(tokens) == 1, "the app holds one token"
    return tokens[0]


def test_revoked_token_asks_for_the_password_and_the_work_goes_through(stack, tmp_path: Path) -> None:
    server, app = stack
    worker = ApiSession(server.api).login("worker1", PASSWORD)
    head_name, notes = "钱秀英", f"独居，腿脚不便 {uuid.uuid4().hex[:4]}"

    with h.browser_page(h.PHONE) as page:
        log_in(page, app, "worker1")
        token = app_token(app.data_dir, worker.user_id)
        with httpx.Client(base_url=server.api) as http:  # revoked on the server, as after a lost phone
            assert http.post("/auth/logout", headers={"Authorization": f"Bearer {token}"}).status_code == 204
            assert http.get("/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401

        h.nav(page, "住户")  # work made while the token is dead, before the app knows it
        h.click(page, "新增住户")
        h.fill(page, "户主姓名", head_name)
        h.fill(page, "楼栋", "5栋")
        h.click(page, "保存")
        h.wait_text(page, "一户一档")
        h.wait_text(page, "需重新登录", timeout_ms=POLL_S * 1000)  # the save's sync was refused
        h.click(page, "写民情日记")  # and more work once it knows: the app keeps working
        h.fill(page, "所见所闻", notes)
        h.click(page, "保存日记")
        h.wait_text(page, "日记已保存")

        h.nav(page, "同步")
        h.wait_text(page, "登录已失效，请重新登录")
        h.wait_text(page, "待上传：2 条记录")
        h.wait_text(page, f"当前用户：{worker.user['display_name']}（网格员）")  # asked for this user only
        assert not h.has_text(page, "立即同步")  # the form replaces it: a sync now would be refused
        h.wait_gone(page, "日记已保存")  # the toast, for a clean screenshot
        page.mouse.move(1, 1)  # no tab tooltip under the pointer
        h.screenshot(page, SHOTS / "sync_relogin.png")
        h.fill(page, "密码", "not-the-password")
        h.click(page, "重新登录", exact=True)
        h.wait_text(page, "用户名或密码不对")  # beside the field; nothing is dropped
        h.wait_text(page, "待上传：2 条记录")
        h.fill(page, "密码", PASSWORD)
        h.click(page, "重新登录", exact=True)
        h.wait_text(page, "同步完成", timeout_ms=POLL_S * 1000)
        h.wait_text(page, "待上传：0 条记录")
        assert not h.has_text(page, "登录已失效，请重新登录")
        assert h.has_text(page, "立即同步")

    changes = ApiSession(server.api).login("coordinator1", PASSWORD).pull_all()
    households = [c["record"] for c in changes.values()
                  if c["entity"] == "household" and c["record"].get("head_name") == head_name]
    assert len(households) == 1, households
    entries = [c["record"] for c in changes.values()
               if c["entity"] == "diary_entry" and c["record"].get("notes") == notes]
    assert len(entries) == 1 and entries[0]["household_id"] == households[0]["id"], entries
