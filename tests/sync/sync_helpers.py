"""Shared bits of the sync tests: a device (store + client + engine) and server reads."""
from __future__ import annotations

import asyncio
import hashlib
import io
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from PIL import Image

from fieldapp.store import Store, open_store
from fieldapp.sync import ApiClient, RetryPolicy, SyncEngine, SyncReport

DEMO_PASSWORD = "demo1234"
FAST_RETRY = RetryPolicy(attempts=8, base_delay=0.01, max_delay=0.2, total_seconds=30.0)


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclass
class Device:
    user: dict[str, Any]
    store: Store
    client: ApiClient
    engine: SyncEngine

    def sync(self, **kw: Any) -> SyncReport:
        return asyncio.run(self.engine.run(**kw))

    @property
    def grid_id(self) -> str:
        return self.user["grid_ids"][0]

    def close(self) -> None:
        self.client.close()
        self.store.close()


def login_device(base_url: str, data_dir: Path, username: str, device: str,
                 sync_url: str | None = None, **engine_kw: Any) -> Device:
    """Log in at base_url; sync through sync_url (e.g. a fault proxy) when given."""
    with ApiClient(base_url) as auth:
        result = auth.login(username, DEMO_PASSWORD, device)
    client = ApiClient(sync_url or base_url, token=result.token, timeout=10.0)
    store = open_store(data_dir / device, result.user["id"], device_id=device)
    engine_kw.setdefault("retry", FAST_RETRY)
    return Device(result.user, store, client, SyncEngine(store, client, **engine_kw))


def new_household(device: Device, head: str, notes: str = "") -> str:
    household_id = str(uuid.uuid4())
    fields = {"grid_id": device.grid_id, "address": {"building": "3", "unit": "1", "room": head[-3:]},
              "head_name": head, "created_at": now_iso(), "tags": ["living_alone"]}
    if notes:
        fields["notes"] = notes
    device.store.write_local([("household", household_id, fields)], device.user["id"])
    return household_id


def new_entry(device: Device, household_id: str, notes: str) -> str:
    entry_id = str(uuid.uuid4())
    fields = {"household_id": household_id, "grid_id": device.grid_id, "worker_id": device.user["id"],
              "visited_at": now_iso(), "kind": "regular", "notes": notes, "categories": ["elderly_care"]}
    device.store.write_local([("diary_entry", entry_id, fields)], device.user["id"])
    return entry_id


def edit(device: Device, entity: str, record_id: str, **fields: Any) -> None:
    device.store.write_local([(entity, record_id, fields)], device.user["id"])


def server_records(base_url: str, username: str = "coordinator1") -> dict[tuple[str, str], dict[str, Any]]:
    """Everything `username` may read, pulled page by page: {(entity, id): record}."""
    out: dict[tuple[str, str], dict[str, Any]] = {}
    with ApiClient(base_url) as client:
        client.login(username, DEMO_PASSWORD, "reader")
        since, pages = 0, 0
        while pages < 1000:
            page = client.pull(since, 1000)
            pages += 1
            for change in page["changes"]:
                out[(change["entity"], change["id"])] = change["record"]
            since = page["next"]
            if not page["more"]:
                break
    return out


def store_records(store: Store, entities: tuple[str, ...]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(entity, r["id"]): r for entity in entities for r in store.all(entity)}


@dataclass
class Processed:
    sha256: str
    path: Path
    thumb_path: Path
    width: int
    height: int
    bytes: int


def make_photo(folder: Path, color: str, sha: str | None = None) -> Processed:
    """A small JPEG registered like fieldapp.photos' ProcessedPhoto; `sha` may lie about it."""
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(buffer, "JPEG", quality=80)
    data = buffer.getvalue()
    digest = sha or hashlib.sha256(data).hexdigest()
    path = folder / f"{digest}.jpg"
    path.write_bytes(data)
    return Processed(digest, path, path, 64, 48, len(data))
