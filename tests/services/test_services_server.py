"""Services end to end against a real server process: login, offline saves,
sync (push, pull, photos), a second device, a conflict and its resolution."""
from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

import pytest
from services_helpers import address, jpeg_bytes

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from fieldapp.services import NeedDraft, PhotoInput, login  # noqa: E402
from fieldapp.services.conflicts import stamp_time  # noqa: E402
from fieldapp.sync import ApiClient, LoginFailed  # noqa: E402
from fieldapp.views.conflict_text import conflict_text  # noqa: E402
from tests.support.api import ApiSession  # noqa: E402
from tests.support.server_process import create_user, start_server  # noqa: E402

PASSWORD = "forest-farm-160km"


@pytest.fixture
def server(tmp_path):
    data = tmp_path / "server"
    data.mkdir()
    create_user(data, None, "worker_a", PASSWORD, "worker", display_name="王芳", community="林海社区",
                grids=["一网格"])
    create_user(data, None, "coord_a", PASSWORD, "coordinator", display_name="李书记", community="林海社区")
    proc = start_server(data)
    try:
        yield proc
    finally:
        proc.stop()


def sync(services):
    report = asyncio.run(services.sync.sync_now())
    assert report.ok, report
    return report


def test_two_devices_sync_and_resolve_a_conflict(server, tmp_path):
    with pytest.raises(LoginFailed) as err:
        asyncio.run(login(tmp_path / "phone_a", server.base_url, "worker_a", "wrong-password"))
    assert err.value.code == "bad_credentials"

    phone_a = asyncio.run(login(tmp_path / "phone_a", server.base_url, "worker_a", PASSWORD))
    assert phone_a.user["role"] == "worker" and phone_a.user["grid_ids"]
    household = phone_a.households.save_household({"address": address(), "head_name": "张红梅",
                                                   "tags": ["living_alone"]})
    visit = phone_a.diary.record_visit(household["id"], "special", "保险丝烧了，已更换", ["safety"],
                                       photos=[PhotoInput(jpeg_bytes(), consent=True)],
                                       needs=[NeedDraft("更换老化电线", handling="joint")])
    assert phone_a.sync.sync_status().pending_ops == 4 and phone_a.sync.sync_status().pending_photos == 1
    report = sync(phone_a)
    assert report.pushed == 4 and report.photos_uploaded == 1
    status = phone_a.sync.sync_status()
    assert (status.pending_ops, status.pending_photos, status.rejected) == (0, 0, [])
    assert status.last_sync_at

    phone_b = asyncio.run(login(tmp_path / "phone_b", server.base_url, "worker_a", PASSWORD))
    assert phone_b.session.device_id != phone_a.session.device_id
    sync(phone_b)
    (found,) = phone_b.households.search_households("zhm")
    assert found["id"] == household["id"]
    assert [e["id"] for e in phone_b.diary.entries_for(household["id"])] == [visit.entry["id"]]
    assert [n["title"] for n in phone_b.needs.my_needs("open")] == ["更换老化电线"]
    sha = visit.photos[0]
    assert phone_b.diary.photo_path(sha, thumb=True) is None, "taken on the other phone"
    thumb = asyncio.run(phone_b.sync.fetch_photo(sha, thumb=True))
    assert thumb and Path(thumb).read_bytes()[:2] == b"\xff\xd8"
    assert phone_b.diary.photo_path(sha, thumb=True) == thumb
    full = asyncio.run(phone_b.sync.fetch_photo(sha, thumb=False))
    assert full and Path(full).read_bytes() == phone_a.store.photo_file(sha).read_bytes()
    assert asyncio.run(phone_b.sync.fetch_photo("0" * 64)) is None, "unknown photo: None, not a crash"

    # both edit the same field offline; B's edit is the later one and reaches the server first
    phone_a.households.save_household({"notes": "A：门锁坏了"}, household["id"])
    time.sleep(0.05)  # HLCs order by wall clock first: make B's edit clearly the later one
    phone_b.households.save_household({"notes": "B：门锁已修好"}, household["id"])
    a_stamp = phone_a.store.field_stamps("household", household["id"])["notes"]
    assert phone_b.store.field_stamps("household", household["id"])["notes"] > a_stamp
    sync(phone_b)
    sync(phone_a)
    assert phone_a.households.get_household(household["id"])["notes"] == "B：门锁已修好"
    (conflict,) = phone_a.sync.sync_status().conflicts
    assert (conflict["mine"], conflict["theirs"]) == ("A：门锁坏了", "B：门锁已修好")
    phone_a.sync.resolve_conflict(conflict["id"], "mine")
    sync(phone_a)
    sync(phone_b)
    assert phone_b.households.get_household(household["id"])["notes"] == "A：门锁坏了"
    # B's own write was confirmed (echoed) before A chose again: no conflict for B
    assert phone_b.sync.sync_status().conflicts == []
    assert phone_a.sync.sync_status().conflicts == []

    phone_a.session.logout()  # everything is sent: allowed
    assert not phone_a.session.is_logged_in()
    phone_a.close()
    phone_b.close()


def test_conflict_review_says_which_record_who_changed_it_and_when(server, tmp_path):
    phone = asyncio.run(login(tmp_path / "phone", server.base_url, "worker_a", PASSWORD))
    coordinator = ApiSession(server.api, device="desk-1").login("coord_a", PASSWORD)
    try:
        household = phone.households.save_household({"address": address(), "head_name": "孙桂英"})
        sync(phone)
        phone.households.save_household({"notes": "手机：门锁坏了"}, household["id"])  # not synced yet
        time.sleep(0.01)  # the coordinator's edit is the later one by the wall clock
        stamp = coordinator.hlc()
        (result,) = coordinator.push([coordinator.op("household", household["id"],
                                                     {"notes": "已联系物业换锁"}, hlc=stamp)])
        assert result["status"] == "applied"
        report = sync(phone)
        assert report.conflicts_new == 1

        (review,) = phone.sync.conflict_reviews()
        assert (review.entity, review.field, review.mine, review.theirs) == (
            "household", "notes", "手机：门锁坏了", "已联系物业换锁")
        assert review.record["head_name"] == "孙桂英" and review.theirs_by == coordinator.user_id
        assert review.theirs_by_name == "李书记"  # a user of the community, pulled with the data
        assert review.theirs_at == stamp_time(stamp)
        text = conflict_text("zh-CN", review)
        assert text.record == "住户 · 孙桂英 · 林海路 3 2 101"
        assert (text.field, text.mine, text.theirs) == ("备注", "手机：门锁坏了", "已联系物业换锁")
        assert text.changed_by.startswith("李书记 于 ") and text.changed_by.endswith(" 修改")
        assert conflict_text("en", review).field == "Notes"

        phone.sync.resolve_conflict(review.id, "theirs")
        sync(phone)
        assert phone.sync.conflict_reviews() == []
        assert phone.households.get_household(household["id"])["notes"] == "已联系物业换锁"
    finally:
        coordinator.close()
        phone.close()


def test_relogin_after_a_revoked_token_keeps_the_work(server, tmp_path):
    phone = asyncio.run(login(tmp_path / "phone", server.base_url, "worker_a", PASSWORD))
    try:
        sync(phone)
        ApiClient(server.base_url, token=phone.session.token).logout()  # revoked on the server
        household = phone.households.save_household({"address": address("7"), "head_name": "周大娘"})
        report = asyncio.run(phone.sync.sync_now())
        assert report.auth_required and not phone.session.is_logged_in()
        assert phone.sync.sync_status().pending_ops == 1

        with pytest.raises(LoginFailed) as err:
            asyncio.run(phone.session.relogin("wrong-password"))
        assert err.value.code == "bad_credentials" and not phone.session.is_logged_in()

        asyncio.run(phone.session.relogin(PASSWORD))
        assert phone.session.is_logged_in() and phone.user["display_name"] == "王芳"
        assert sync(phone).pushed == 1 and phone.sync.sync_status().pending_ops == 0
    finally:
        phone.close()
    other = asyncio.run(login(tmp_path / "tablet", server.base_url, "worker_a", PASSWORD))
    try:
        sync(other)
        assert other.households.get_household(household["id"])["head_name"] == "周大娘"
    finally:
        other.close()
