"""The engine against a real server: rejections, conflicts, auth, cancel/resume, 413, photos."""
from __future__ import annotations

import asyncio
import time
import uuid
from pathlib import Path

from sync_helpers import (
    edit,
    login_device,
    make_photo,
    new_entry,
    new_household,
    now_iso,
    server_records,
    store_records,
)

from fieldapp.sync import CURSOR_KEY, ApiClient, Progress

GRID_ENTITIES = ("household", "diary_entry", "need", "need_event", "errand", "comment")


def test_rejected_op_is_kept_with_reason_and_blocks_nothing(server, tmp_path: Path) -> None:
    device = login_device(server.base_url, tmp_path / "app", "worker1", "phone-a")
    try:
        assert device.sync().ok
        before = new_household(device, "赵大爷")
        bad_id = str(uuid.uuid4())
        # the server refuses a tag it does not know; the local store does not check field values
        device.store.write_local([("household", bad_id, {
            "grid_id": device.grid_id, "address": {"building": "9"}, "head_name": "钱阿姨",
            "created_at": now_iso(), "tags": ["not_a_tag"]})], device.user["id"])
        after = new_entry(device, before, "送去米面油")
        report = device.sync()
        assert report.ok and report.pushed == 2
        assert [r["id"] for r in report.rejected] == [bad_id]
        assert report.rejected[0]["reason"]["field"] == "tags"
        kept = device.store.rejected_ops()
        assert [op["id"] for op in kept] == [bad_id] and kept[0]["reason"]["code"]
        assert device.store.pending_count() == 0
        held = server_records(server.base_url)
        assert ("household", before) in held and ("diary_entry", after) in held
        assert ("household", bad_id) not in held
        again = device.sync()  # a rejected op is not sent again
        assert again.ok and again.rejected == [] and again.requests == 1
    finally:
        device.close()


def test_pulled_change_over_a_local_one_makes_a_conflict(server, tmp_path: Path) -> None:
    phone = login_device(server.base_url, tmp_path / "app", "worker1", "phone-a")
    tablet = login_device(server.base_url, tmp_path / "app", "worker1", "tablet-a")
    try:
        household = new_household(phone, "孙奶奶", notes="原始")
        assert phone.sync().ok and tablet.sync().ok
        edit(tablet, "household", household, notes="平板：需要助听器")  # older write
        time.sleep(0.01)  # a later wall-clock millisecond: the phone's write is the newer one
        edit(phone, "household", household, notes="手机：已送助听器", head_name="孙桂英")  # newer
        assert phone.sync().ok
        report = tablet.sync()
        assert report.ok and report.conflicts_new == 1
        conflict = tablet.store.conflicts()[0]
        assert (conflict["field"], conflict["mine"], conflict["theirs"]) == (
            "notes", "平板：需要助听器", "手机：已送助听器")
        for device in (phone, tablet):  # both converge on the newest value of each field
            assert device.sync().ok
            record = device.store.get("household", household)
            assert (record["notes"], record["head_name"]) == ("手机：已送助听器", "孙桂英")
    finally:
        phone.close()
        tablet.close()


def test_revoked_token_stops_cleanly_with_data_intact(server, tmp_path: Path) -> None:
    device = login_device(server.base_url, tmp_path / "app", "worker1", "phone-a")
    try:
        assert device.sync().ok
        household = new_household(device, "周大娘")
        ApiClient(server.base_url, token=device.client.token).logout()  # revoked elsewhere
        report = device.sync()
        assert report.auth_required and report.error == "login_needed" and report.pushed == 0
        assert report.status == "login_needed"
        assert device.store.pending_count() == 1
        assert device.store.get("household", household)["head_name"] == "周大娘"
        device.client.login("worker1", "demo1234", "phone-a")
        assert device.sync().pushed == 1 and device.store.pending_count() == 0
    finally:
        device.close()


def test_cancel_mid_pull_then_resume(server, tmp_path: Path) -> None:
    device = login_device(server.base_url, tmp_path / "app", "worker1", "phone-a", pull_limit=40)
    reference = login_device(server.base_url, tmp_path / "app", "worker1", "phone-ref")
    try:
        cancel = asyncio.Event()
        pages: list[Progress] = []

        def after_two_pages(progress: Progress) -> None:
            pages.append(progress)
            if progress.phase == "pull" and len(pages) == 2:
                cancel.set()

        first = device.sync(on_progress=after_two_pages, cancel=cancel)
        assert first.cancelled and first.error is None and first.pulled == 80
        stopped_at = device.store.get_meta(CURSOR_KEY)
        assert stopped_at > 0
        second = device.sync()
        assert second.ok and not second.cancelled and second.pulled > 0
        assert device.store.get_meta(CURSOR_KEY) > stopped_at
        assert reference.sync().ok
        assert store_records(device.store, GRID_ENTITIES) == store_records(reference.store, GRID_ENTITIES)
    finally:
        device.close()
        reference.close()


def test_too_large_batch_is_halved(server, tmp_path: Path) -> None:
    device = login_device(server.base_url, tmp_path / "app", "worker1", "phone-a")
    try:
        household = new_household(device, "吴师傅")
        for start in range(0, 600, 100):
            device.store.write_local(
                [("diary_entry", str(uuid.uuid4()), {
                    "household_id": household, "grid_id": device.grid_id, "worker_id": device.user["id"],
                    "visited_at": now_iso(), "kind": "regular", "notes": f"第{i}次"})
                 for i in range(start, start + 100)], device.user["id"])
        device.engine.batch_size = 800  # more than the server's 500: it must answer 413
        report = device.sync()
        assert report.ok and report.pushed == 601 and device.store.pending_count() == 0
        assert device.engine.batch_size == 800  # halving is per run, not remembered
    finally:
        device.close()


def test_photos_upload_after_data_and_refusals_are_not_retried(server, tmp_path: Path) -> None:
    device = login_device(server.base_url, tmp_path / "app", "worker1", "phone-a")
    try:
        good = make_photo(tmp_path, "red")
        liar = make_photo(tmp_path, "blue", sha="0" * 64)  # bytes do not match the name
        lost = make_photo(tmp_path, "white")  # its file vanishes before the sync
        household = new_household(device, "郑大爷")
        device.store.write_local([("diary_entry", str(uuid.uuid4()), {
            "household_id": household, "grid_id": device.grid_id, "worker_id": device.user["id"],
            "visited_at": now_iso(), "kind": "regular",
            "photos": [{"sha256": good.sha256, "consent": True}]})], device.user["id"],
            photos=[good, liar, lost])
        lost.path.unlink()
        events: list[Progress] = []
        report = device.sync(on_progress=events.append)
        assert report.pushed == 2 and report.photos_uploaded == 1
        phases = [e.phase for e in events]
        assert phases == sorted(phases, key=["push", "pull", "photos", "done"].index) and phases[-1] == "done"
        photo_events = [e for e in events if e.phase == "photos"]
        assert [(e.done, e.total) for e in photo_events] == [(1, 3), (2, 3), (3, 3)]
        assert photo_events[-1].bytes_done == photo_events[-1].bytes_total == good.bytes + liar.bytes
        assert sorted(report.photo_errors, key=lambda e: e["code"]) == [
            {"sha256": liar.sha256, "code": "hash_mismatch"}, {"sha256": lost.sha256, "code": "missing_file"}]
        assert device.client.get_photo(good.sha256) == good.path.read_bytes()
        assert sorted(device.store.pending_photos()) == sorted([liar.sha256, lost.sha256])  # not retried
        again = device.sync()
        assert again.ok and again.photo_errors == [] and again.requests == 1
    finally:
        device.close()


def test_cancel_mid_push_then_resume(server, tmp_path: Path) -> None:
    device = login_device(server.base_url, tmp_path / "app", "worker1", "phone-a", batch_size=50)
    try:
        household = new_household(device, "冯大爷")
        entries = [new_entry(device, household, f"第{i}次") for i in range(199)]
        cancel = asyncio.Event()

        def after_two_batches(progress: Progress) -> None:
            if progress.phase == "push" and progress.done >= 100:
                cancel.set()

        first = device.sync(on_progress=after_two_batches, cancel=cancel)
        assert first.cancelled and first.pushed == 100 and first.pulled == 0 and first.status == "cancelled"
        assert device.store.pending_count() == 100
        second = device.sync()
        assert second.ok and second.pushed == 100 and second.duplicates == 0
        held = server_records(server.base_url)
        assert all(("diary_entry", e) in held for e in entries)
    finally:
        device.close()


def test_an_op_too_large_for_the_server_is_rejected_alone(server, tmp_path: Path) -> None:
    device = login_device(server.base_url, tmp_path / "app", "worker1", "phone-a")
    try:
        household = new_household(device, "褚大妈")
        huge = "长" * (6 * 1024 * 1024)  # 18 MB of UTF-8: over the server's 16 MiB body limit
        edit(device, "household", household, notes=huge)
        after = new_entry(device, household, "之后的走访")
        report = device.sync()
        assert report.ok and report.pushed == 2
        assert [(r["id"], r["reason"]["code"]) for r in report.rejected] == [(household, "op_too_large")]
        assert device.store.pending_count() == 0 and len(device.store.rejected_ops()) == 1
        held = server_records(server.base_url)
        assert ("diary_entry", after) in held and held[("household", household)].get("notes") != huge
    finally:
        device.close()
