"""Saves keep working with the server down; one sync later the server holds exactly them."""
from __future__ import annotations

import asyncio
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
        assert offline.error == "unreachable" and not offline.auth_required and offline.status == "offline"
        assert device.store.pending_count() == 7  # nothing lost, nothing half-sent
        assert device.store.get("household", household)["notes"] == "独居，已申请轮椅"

        server.restart()
        back = device.sync()
        assert back.ok and back.status == "ok", back
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


def test_offline_through_the_services_the_screens_use(server, tmp_path: Path) -> None:
    """The app's own path: services save while the server is down, sync_now delivers later."""
    from fieldapp.services import login

    async def scenario() -> None:
        services = await login(tmp_path / "app", server.base_url, "worker3", "demo1234")
        try:
            assert (await services.sync.sync_now()).ok
            server.stop()
            household = services.households.save_household(
                {"address": {"building": "12", "unit": "2", "room": "301"}, "head_name": "冯桂芝",
                 "tags": ["empty_nest"], "notes": "子女在外地"})
            visit = services.diary.record_visit(household["id"], "regular", notes="血压偏高，提醒按时吃药",
                                                categories=["health", "elderly_care"])
            status = services.sync.sync_status()
            assert status.pending_ops == 2
            report = await services.sync.sync_now()
            assert report.error == "unreachable" and services.sync.sync_status().pending_ops == 2

            server.restart()
            report = await services.sync.sync_now()
            assert report.ok and report.pushed == 2 and services.sync.sync_status().pending_ops == 0
            held = server_records(server.base_url, "coordinator1")
            assert held[("household", household["id"])]["head_name"] == "冯桂芝"
            entry = held[("diary_entry", visit.entry["id"])]
            assert entry["notes"] == "血压偏高，提醒按时吃药" and entry["household_id"] == household["id"]
        finally:
            services.close()

    asyncio.run(scenario())
