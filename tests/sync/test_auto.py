"""AutoSync: never two syncs at once; the state the app bar shows."""
from __future__ import annotations

import asyncio
from pathlib import Path

from sync_helpers import login_device, new_household

from fieldapp.sync import ApiClient, AutoSync, SyncState


def test_auto_sync_states_and_single_flight(server, tmp_path: Path) -> None:
    device = login_device(server.base_url, tmp_path / "app", "worker1", "phone-a")
    states: list[SyncState] = []
    auto = AutoSync(device.engine, on_state=states.append)

    async def scenario() -> None:
        first, second = await asyncio.gather(auto.sync_now(), auto.sync_now())
        assert (first is None) != (second is None)  # exactly one ran
        assert auto.state == SyncState.IDLE and not auto.running

        server.stop()
        await auto.connectivity_changed(False)
        assert auto.state == SyncState.OFFLINE
        new_household(device, "离线时新建")
        report = await auto.sync_now()
        assert report is not None and report.error == "unreachable"
        assert auto.state == SyncState.OFFLINE and device.store.pending_count() == 1

        server.restart()
        report = await auto.connectivity_changed(True)  # back online: syncs by itself
        assert report is not None and report.pushed == 1 and auto.state == SyncState.IDLE

        ApiClient(server.base_url, token=device.client.token).logout()
        report = await auto.sync_now()
        assert report is not None and report.auth_required and auto.state == SyncState.LOGIN_NEEDED

    try:
        asyncio.run(scenario())
        assert states[:2] == [SyncState.SYNCING, SyncState.IDLE]
        assert SyncState.OFFLINE in states and states[-1] == SyncState.LOGIN_NEEDED
    finally:
        device.close()
