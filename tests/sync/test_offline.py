"""Saves keep working with the server down; one sync later the server holds exactly them."""
from __future__ import annotations

from pathlib import Path

from sync_helpers import edit, login_device, new_entry, new_household, server_records, store_records


def test_saves_offline_then_sync_delivers_exactly_them(server, tmp_path: Path) -> None:
    device = login_device(server.base_url, tmp_path / "app", "worker1", "phone-a")
    try:
        first = device.sync()
        assert first.ok and first.pulled > 0 and first.pushed == 0
        server.stop()

        household = new_household(device, "王秀兰", notes="独居，腿脚不便")
        entries = [new_entry(device, household, f"第{i}次走访：身体尚好") for i in range(5)]
        edit(device, "household", household, notes="独居，已申请轮椅")
        assert device.store.pending_count() == 7
        offline = device.sync()
        assert offline.error == "unreachable" and not offline.auth_required
        assert device.store.pending_count() == 7  # nothing lost, nothing half-sent
        assert device.store.get("household", household)["notes"] == "独居，已申请轮椅"

        server.restart()
        back = device.sync()
        assert back.ok, back
        assert back.pushed == 7 and back.duplicates == 0 and back.rejected == []
        assert device.store.pending_count() == 0

        held = server_records(server.base_url, "coordinator1")
        assert held[("household", household)]["notes"] == "独居，已申请轮椅"
        assert held[("household", household)]["head_name"] == "王秀兰"
        for entry_id in entries:
            assert held[("diary_entry", entry_id)]["household_id"] == household
        mine = store_records(device.store, ("household", "diary_entry"))
        for key in [("household", household)] + [("diary_entry", e) for e in entries]:
            assert {k: v for k, v in held[key].items() if k in mine[key]} == mine[key]
    finally:
        device.close()


def test_sync_with_nothing_to_do_is_one_round_trip(server, tmp_path: Path) -> None:
    device = login_device(server.base_url, tmp_path / "app", "worker2", "phone-b")
    try:
        assert device.sync().ok
        idle = device.sync()
        assert idle.ok and idle.requests == 1 and idle.pushed == 0 and idle.pulled == 0
    finally:
        device.close()
