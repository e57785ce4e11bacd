"""The coordinator's desk end to end: a real server process seeded by the
workers' own pushes, a real app process, Debian's Chromium at 1280×800.

A coordinator logs in, filters the review list, opens an entry and
comments (the worker pulls the comment), hands a need to a volunteer (the
volunteer pulls the errand), and sees the figures change after a worker's
sync. Screenshots of every desk screen go to docs/screenshots/desk_*.png.
"""
from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.e2e import helpers as h

sys.path.insert(0, str(h.REPO / "tests" / "desk"))
from desk_server import PASSWORD, start_world  # noqa: E402

pytestmark = pytest.mark.browser
SHOTS = h.REPO / "docs" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture()
def stack(tmp_path: Path):
    world = start_world(tmp_path / "server")
    app = None
    try:
        app = h.start_app(tmp_path / "app", world.server.base_url)
        yield world, app
    finally:
        if app is not None:
            app.stop()
        world.close()


def login(page, url: str) -> None:
    h.open_app(page, url)
    h.log_in(page, "k1", PASSWORD, "日记点评")


def section(page, name: str, marker: str) -> None:
    h.click(page, name)
    h.wait_text(page, marker)


def test_coordinator_desk(stack, tmp_path: Path):
    world, app = stack
    tmp_dir = tmp_path
    with h.browser_page(viewport=DESKTOP) as page:
        login(page, app.url)
        h.wait_text(page, "送去米面油")
        h.screenshot(page, SHOTS / "desk_review.png")

        # filter by free text: only the wheelchair visit stays
        h.fill(page, "关键词", "轮椅")
        h.click(page, "查询")
        h.wait_gone(page, "送去米面油")
        h.wait_text(page, "轮椅需要维修")

        # open it and comment; the worker gets the comment on their next pull
        h.click(page, "查看")
        h.wait_text(page, "发送点评")
        h.fill(page, "写点评", "请尽快联系维修")
        h.click(page, "发送点评")
        h.wait_text(page, "请尽快联系维修")
        h.screenshot(page, SHOTS / "desk_entry.png")
        pulled = world.as_user("w2").pull_all()
        texts = [c["record"]["text"] for c in pulled.values() if c["entity"] == "comment"]
        assert "请尽快联系维修" in texts

        # the pending-help board: the overdue need goes to a volunteer
        section(page, "待办诉求", "诉求N3")
        h.screenshot(page, SHOTS / "desk_board.png")
        page.get_by_role("button", name="查看").nth(1).click()  # N4 (older deadline) first, then N3
        h.wait_text(page, "办理记录")
        page.get_by_role("radio", name="派给志愿者代办").first.click()
        page.get_by_role("radio", name="小红帽张").first.click()
        h.fill(page, "说明", "代买轮椅配件")
        h.click(page, "确定")
        h.wait_text(page, "派发代办")
        h.screenshot(page, SHOTS / "desk_need.png")
        errands = [c for c in world.as_user("v1").pull_all().values() if c["entity"] == "errand"]
        assert [e["record"]["need_id"] for e in errands] == [world.data.ids["N3"]]

        # figures for March; a worker's sync adds a visit; the figures follow
        section(page, "统计考核", "办结率")
        h.fill(page, "开始日期", "2026-03-01")
        h.fill(page, "结束日期", "2026-03-31")
        h.click(page, "查询")
        h.wait_text(page, "6.7%")  # 4 visits of a quota of 60
        h.screenshot(page, SHOTS / "desk_figures.png")
        worker = world.as_user("w1")
        visit = {"household_id": world.data.ids["H2"], "grid_id": world.data.grid1,
                 "worker_id": worker.user_id, "visited_at": "2026-03-30T02:00:00Z", "kind": "regular",
                 "notes": "补录走访"}
        assert worker.push([worker.op("diary_entry", h_uuid(), visit)])[0]["status"] == "applied"
        h.click(page, "查询")
        h.wait_text(page, "8.3%")  # 5 of 60

        section(page, "重点人群台账", "三访设置")
        h.screenshot(page, SHOTS / "desk_register.png")
        section(page, "设备同步", "最近同步")
        h.screenshot(page, SHOTS / "desk_devices.png")

        # 王建军's phone is lost: sign it out; then he also takes over 一网格
        page.get_by_role("button", name="管理").nth(2).click()  # 小红帽张, 刘红梅, 王建军
        h.wait_text(page, "注销此设备")
        h.wait_text(page, "王建军")
        h.click(page, "注销此设备")
        h.wait_text(page, "已注销该设备")
        w2 = world.as_user("w2")
        assert w2.client.get("/me", headers=w2.headers).status_code == 401
        page.get_by_role("checkbox", name="一网格").click()
        h.click(page, "保存网格")
        h.wait_text(page, "网格已保存")
        h.screenshot(page, SHOTS / "desk_person.png")
        rows = world.get("k1", "/devices").json()["items"]
        assert [len(r["grid_ids"]) for r in rows if r["user_id"] == world.ids["w2"]] == [2]
        section(page, "设备同步", "最近同步")
        assert not h.has_text(page, "审计日志")  # admins only
        section(page, "Excel导入导出", "下载导入模板")
        bad_row = {"网格": "没有这个网格", "楼栋": "3", "户主姓名": "钱多多"}
        bad = filled_template(world, tmp_dir, "bad.xlsx", bad_row)
        upload(page, bad)
        h.wait_text(page, "未导入任何住户")
        h.wait_text(page, "第2行 网格")
        good = filled_template(world, tmp_dir, "good.xlsx", {"网格": "一网格", "楼栋": "3", "室": "201",
                                                             "户主姓名": "钱多多", "标签": "空巢"})
        upload(page, good)
        h.wait_text(page, "已导入1户")
        h.screenshot(page, SHOTS / "desk_excel.png")
        register = world.get("k1", "/households", tag="empty_nest").json()["items"]
        assert [x["head_name"] for x in register] == ["钱多多"]


def test_admin_reads_the_audit_log(stack):
    """What the coordinator did is in the admin's audit log, in words."""
    world, app = stack
    assert world.get("k1", f"/households/{world.data.ids['H1']}").status_code == 200  # 孤寡: audited
    assert world.post("k1", f"/accounts/{world.ids['w2']}", {"action": "revoke"}).status_code == 200
    with h.browser_page(viewport=DESKTOP) as page:
        h.open_app(page, app.url)
        h.log_in(page, "a1", PASSWORD, "日记点评")
        section(page, "审计日志", "查看重点户档案")
        h.wait_text(page, "张桂兰")  # the household read, by address and head
        h.wait_text(page, "注销设备")
        h.wait_text(page, "王建军")  # whose devices were signed out
        h.wait_text(page, "孤寡")
        h.screenshot(page, SHOTS / "desk_audit.png")


def filled_template(world, folder: Path, name: str, row: dict[str, str]) -> Path:
    """The server's own template with one row filled in."""
    book = load_workbook(io.BytesIO(world.get("k1", "/excel/template").content))
    sheet = book["住户"]
    sheet.append([row.get(c.value, "") for c in sheet[1]])
    path = folder / name
    book.save(path)
    return path


def upload(page, path: Path) -> None:
    with page.expect_file_chooser() as chooser:
        h.click(page, "选择文件并导入")
    chooser.value.set_files(str(path))


def h_uuid() -> str:
    import uuid

    return str(uuid.uuid4())
