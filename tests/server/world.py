"""A small two-community world on a real server, for the server tests.

Community A has grids A1 and A2, community B grid B1. Users: a worker per
grid, two volunteers of A (one has an errand assigned), a coordinator of
each community, an admin. Base records are pushed by the admin.
"""
from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from typing import Any

from PIL import Image

from tests.support import create_user
from tests.support.api import ApiSession, new_id
from tests.support.server_process import ServerProcess

PASSWORD = "secret-pass"
ACTORS = ["worker_a1", "worker_a2", "volunteer_a", "volunteer_x", "coord_a", "coord_b", "admin"]


@dataclass
class World:
    srv: ServerProcess
    users: dict[str, dict[str, Any]] = field(default_factory=dict)  # actor -> create_user output
    api: dict[str, ApiSession] = field(default_factory=dict)
    grids: dict[str, str] = field(default_factory=dict)  # "A1" -> id
    communities: dict[str, str] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)  # named records
    photo: bytes = b""
    photo_sha: str = ""

    def session(self, actor: str) -> ApiSession:
        return self.api[actor]

    def close(self) -> None:
        for api in self.api.values():
            api.close()


def make_jpeg(seed: int = 1, size: tuple[int, int] = (64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (seed * 40 % 256, 120, 200)).save(out, "JPEG", quality=85)
    return out.getvalue()


def household(grid_id: str, head: str = "王建国", **extra: Any) -> dict[str, Any]:
    return {"grid_id": grid_id, "address": {"building": "3", "unit": "2", "room": "301"}, "head_name": head,
            "created_at": "2026-01-05T02:00:00Z", "tags": ["living_alone"], "notes": "独居老人",
            "members": [{"name": head, "relation": "head", "phone": "13912345678", "birth_year": 1950}],
            **extra}


def diary_entry(household_id: str, grid_id: str, worker_id: str, **extra: Any) -> dict[str, Any]:
    return {"household_id": household_id, "grid_id": grid_id, "worker_id": worker_id,
            "visited_at": "2026-01-06T02:00:00Z", "kind": "regular", "notes": "入户走访", **extra}


def errand(household_id: str, grid_id: str, volunteer_id: str | None, **extra: Any) -> dict[str, Any]:
    fields = {"household_id": household_id, "grid_id": grid_id, "type": "medical_insurance",
              "status": "assigned" if volunteer_id else "requested", "requested_at": "2026-01-06T03:00:00Z",
              "details": "代缴医保"}
    if volunteer_id:
        fields["volunteer_id"] = volunteer_id
    return {**fields, **extra}


def build_world(srv: ServerProcess) -> World:
    w = World(srv)
    d, db = srv.data_dir, srv.db_url
    specs = {
        "worker_a1": ("worker", "社区A", ["A1"]), "worker_a2": ("worker", "社区A", ["A2"]),
        "volunteer_a": ("volunteer", "社区A", []), "volunteer_x": ("volunteer", "社区A", []),
        "coord_a": ("coordinator", "社区A", []), "coord_b": ("coordinator", "社区B", ["B1"]),
        "admin": ("admin", None, []),
    }
    for actor, (role, community, grids) in specs.items():
        w.users[actor] = create_user(d, db, actor, PASSWORD, role, community=community, grids=grids)
        w.api[actor] = ApiSession(srv.api, device=f"dev-{actor}").login(actor, PASSWORD)
    w.communities = {"A": w.users["coord_a"]["community_id"], "B": w.users["coord_b"]["community_id"]}
    w.grids = {"A1": w.users["worker_a1"]["grid_ids"][0], "A2": w.users["worker_a2"]["grid_ids"][0],
               "B1": w.users["coord_b"]["grid_ids"][0]}
    _seed_records(w)
    return w


def _seed_records(w: World) -> None:
    admin = w.api["admin"]
    w.photo = make_jpeg()
    w.photo_sha = hashlib.sha256(w.photo).hexdigest()
    ops = []
    for name in ("A1", "A2", "B1"):
        hid = w.ids[f"hh_{name}"] = new_id()
        ops.append(admin.op("household", hid, household(w.grids[name], head=f"户主{name}")))
    w.ids["entry_A1"] = new_id()
    ops.append(admin.op("diary_entry", w.ids["entry_A1"], diary_entry(
        w.ids["hh_A1"], w.grids["A1"], w.users["worker_a1"]["user_id"],
        photos=[{"sha256": w.photo_sha, "consent": True}])))
    w.ids["errand_A1"] = new_id()
    ops.append(admin.op("errand", w.ids["errand_A1"], errand(
        w.ids["hh_A1"], w.grids["A1"], w.users["volunteer_a"]["user_id"])))
    results = admin.push(ops)
    assert all(r["status"] == "applied" for r in results), results
    uploader = w.api["worker_a1"]
    headers = {**uploader.headers, "Content-Type": "image/jpeg"}
    response = uploader.client.put(f"/photos/{w.photo_sha}", content=w.photo, headers=headers)
    assert response.status_code == 201, response.text
