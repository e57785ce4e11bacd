"""Errands, logout guard, resume, settings, sync status and conflicts."""
from __future__ import annotations

import pytest
from services_helpers import GRID, WORKER, address, jpeg_bytes, new_id

from fieldapp.domain.errors import ValidationError
from fieldapp.services import PhotoInput, Services, Settings, SettingsService, UnsyncedWork, resume

VOLUNTEER = {"id": "00000000-0000-4000-8000-0000000000dd", "username": "xhm", "display_name": "小红帽",
             "role": "volunteer", "community_id": WORKER["community_id"], "grid_ids": []}
STAMP = "1900000000000:00000:d-server"


def pulled(entity, record_id, record):
    return {"entity": entity, "id": record_id, "seq": 1, "record": {"id": record_id, **record},
            "field_hlc": {k: STAMP for k in record}, "field_by": {k: WORKER["id"] for k in record}}


def test_volunteer_errand_flow(tmp_path):
    services = Services.open(tmp_path, VOLUNTEER, token="t")
    household_id, errand_id, other_id = new_id(), new_id(), new_id()
    services.store.apply_remote(pulled("household", household_id, {
        "grid_id": GRID, "address": address(), "head_name": "退休林场工人",
        "created_at": "2026-01-01T00:00:00Z"}))
    errand = {"household_id": household_id, "grid_id": GRID, "type": "medical_insurance",
              "status": "assigned", "volunteer_id": VOLUNTEER["id"], "requested_at": "2026-01-02T00:00:00Z"}
    services.store.apply_remote(pulled("errand", errand_id, errand))
    services.store.apply_remote(pulled("errand", other_id, {**errand, "volunteer_id": WORKER["id"]}))
    assert [e["id"] for e in services.errands.my_errands()] == [errand_id]
    with pytest.raises(ValidationError) as err:
        services.errands.confirm(errand_id)
    assert err.value.code == "transition_not_allowed"
    assert services.errands.start(errand_id)["status"] == "in_progress"
    with pytest.raises(ValidationError) as err:
        services.errands.complete(errand_id, PhotoInput(b"garbage", consent=False))
    assert err.value.code == "photo.not_image"
    done = services.errands.complete(errand_id, PhotoInput(jpeg_bytes(), consent=False))
    assert done["status"] == "done" and done["receipt_photo"] in services.store.pending_photos()
    confirmed = services.errands.confirm(errand_id, "老人确认已缴费")
    assert confirmed["status"] == "confirmed" and confirmed["resident_confirmed"] is True
    assert services.errands.household_of(confirmed)["head_name"] == "退休林场工人"
    statuses = [op["fields"]["status"] for op in services.store.pending_ops(10)]
    assert statuses == ["in_progress", "done", "confirmed"]
    services.close()


def test_logout_refused_while_work_is_waiting_and_store_kept(tmp_path):
    services = Services.open(tmp_path, WORKER, token="tok")
    household = services.households.save_household({"address": address(), "head_name": "吴老师"})
    with pytest.raises(UnsyncedWork) as err:
        services.session.logout()
    assert (err.value.pending_ops, err.value.pending_photos) == (1, 0)
    assert services.session.is_logged_in()
    services.session.logout(force=True)
    assert not services.session.is_logged_in()
    services.close()
    assert resume(tmp_path) is None, "after logout nobody is resumed"
    again = Services.open(tmp_path, WORKER, token="new")
    assert again.households.get_household(household["id"])["head_name"] == "吴老师"
    assert again.store.pending_count() == 1, "forced logout never deletes unsynced work"
    again.close()


def test_logout_allowed_when_everything_is_sent(services):
    services.households.save_household({"address": address(), "head_name": "郑"})
    services.store.ack([{"op_id": op["op_id"], "status": "applied"} for op in services.store.pending_ops(10)])
    services.session.logout()
    assert not services.session.is_logged_in()


def test_resume_reopens_last_session(tmp_path):
    first = Services.open(tmp_path, WORKER, token="tok", server_url="http://127.0.0.1:1234/")
    first.close()
    again = resume(tmp_path)
    assert again is not None and again.user["display_name"] == "王芳"
    assert again.session.server_url == "http://127.0.0.1:1234"
    again.close()


def test_two_sessions_of_one_user_share_the_store(tmp_path):
    a = Services.open(tmp_path, WORKER, token="t")
    b = Services.open(tmp_path, WORKER)
    household = a.households.save_household({"address": address(), "head_name": "共享"})
    assert b.households.search_households("gx")[0]["id"] == household["id"]
    a.close()
    assert b.households.get_household(household["id"]) is not None
    b.close()


def test_settings_persist_and_validate(tmp_path):
    settings = SettingsService(tmp_path)
    assert settings.load() == Settings()
    settings.update(language="en", text_scale=1.5)
    assert SettingsService(tmp_path).load().language == "en"
    with pytest.raises(ValidationError) as err:
        settings.update(server_url="ftp://x")
    assert err.value.code == "bad_url"
    with pytest.raises(ValidationError):
        settings.update(language="fr")
    assert SettingsService(tmp_path).load().text_scale == 1.5


def test_sync_status_shows_rejections_and_conflicts(services):
    household = services.households.save_household({"address": address(), "head_name": "冯", "notes": "我的"})
    (op,) = services.store.pending_ops(10)
    services.store.ack([{"op_id": op["op_id"], "status": "rejected",
                         "reason": {"field": "grid_id", "code": "out_of_scope", "detail": ""}}])
    services.store.apply_remote({"entity": "household", "id": household["id"], "seq": 2,
                                 "record": {"id": household["id"], "notes": "他们的"},
                                 "field_hlc": {"notes": STAMP}, "field_by": {"notes": "x"}})
    status = services.sync.sync_status()
    assert status.pending_ops == 0 and status.rejected[0]["reason"]["code"] == "out_of_scope"
    (conflict,) = status.conflicts
    services.sync.resolve_conflict(conflict["id"], "mine")
    assert services.households.get_household(household["id"])["notes"] == "我的"
    assert services.sync.sync_status().pending_ops == 1 and services.sync.sync_status().conflicts == []
    services.sync.dismiss_rejected(op["op_id"])
    assert services.sync.sync_status().rejected == []


def test_comments_are_staff_only(tmp_path, services):
    household = services.households.save_household({"address": address(), "head_name": "陈"})
    entry = services.diary.record_visit(household["id"], "regular", "走访").entry
    with pytest.raises(ValidationError) as err:
        services.comments.add_comment(entry["id"], "写得好")
    assert err.value.code == "forbidden"
    coordinator = {**WORKER, "id": "00000000-0000-4000-8000-0000000000ee", "role": "coordinator"}
    desk = Services.open(tmp_path / "desk", coordinator, token="t")
    desk.store.apply_remote(pulled("diary_entry", entry["id"], {k: v for k, v in entry.items() if k != "id"}))
    with pytest.raises(ValidationError) as err:
        desk.comments.add_comment(entry["id"], "   ")
    assert err.value.code == "required"
    desk.comments.add_comment(entry["id"], "记录详细，继续保持")
    assert [c["text"] for c in desk.comments.comments_for(entry["id"])] == ["记录详细，继续保持"]
    desk.close()


def test_closed_sessions_stop_following_the_shared_store(tmp_path):
    first = Services.open(tmp_path, WORKER, token="t")
    store = first.store
    listeners = len(store._listeners)
    second = Services.open(tmp_path, WORKER)
    assert len(store._listeners) == listeners + 1
    second.close()
    assert len(store._listeners) == listeners
    first.close()
