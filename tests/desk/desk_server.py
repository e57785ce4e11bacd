"""A real server process seeded with the fixed dataset through the real
sync API (workers push their own households, entries and needs)."""
from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

import desk_dataset as dataset
import httpx
from PIL import Image, ImageDraw

from tests.support.api import ApiSession
from tests.support.server_process import ServerProcess, create_user, start_server

PASSWORD = "secret-pass-1"
USERS = [  # username, role, display name, community, grids
    ("k1", "coordinator", "李书记", "测试社区", []),
    ("w1", "worker", "刘红梅", "测试社区", ["一网格"]),
    ("w2", "worker", "王建军", "测试社区", ["二网格"]),
    ("v1", "volunteer", "小红帽张", "测试社区", []),
    ("a1", "admin", "管理员", None, []),
    ("k2", "coordinator", "别的书记", "别的社区", []),
]


@dataclass
class DeskWorld:
    server: ServerProcess
    data: dataset.Dataset
    ids: dict[str, str]  # username -> user id
    sessions: dict[str, ApiSession] = field(default_factory=dict)
    photo_sha: str = ""

    def as_user(self, username: str) -> ApiSession:
        if username not in self.sessions:
            self.sessions[username] = ApiSession(self.server.api, device=f"dev-{username}").login(
                username, PASSWORD)
        return self.sessions[username]

    def get(self, username: str, path: str, **params) -> httpx.Response:
        api = self.as_user(username)
        return api.client.get("/desk" + path, params=params, headers=api.headers)

    def post(self, username: str, path: str, body=None, **kw) -> httpx.Response:
        api = self.as_user(username)
        return api.client.post("/desk" + path, json=body, headers=api.headers, **kw)

    def put(self, username: str, path: str, body=None) -> httpx.Response:
        api = self.as_user(username)
        return api.client.put("/desk" + path, json=body, headers=api.headers)

    def close(self) -> None:
        for api in self.sessions.values():
            api.close()
        self.server.stop()


def start_world(data_dir: Path, db_url: str | None = None) -> DeskWorld:
    server = start_server(data_dir, db_url)
    try:
        made = {}
        for username, role, name, community, grids in USERS:
            made[username] = create_user(data_dir, db_url, username, PASSWORD, role, name, community, grids)
        ids = {u: m["user_id"] for u, m in made.items()}
        grid_ids = (made["k1"]["community_id"], made["w1"]["grid_ids"][0], made["w2"]["grid_ids"][0])
        data = dataset.build(ids["w1"], ids["w2"], ids=grid_ids)
        world = DeskWorld(server, data, ids)
        assert world.put("k1", "/settings", dataset.SETTINGS).status_code == 200
        _push_dataset(world)
        return world
    except Exception:
        server.stop()
        raise


def wheelchair_photo() -> bytes:
    """A real JPEG with some structure (the server decodes what it keeps)."""
    image = Image.new("RGB", (800, 600), (90, 140, 200))
    draw = ImageDraw.Draw(image)
    for x in range(0, 800, 50):
        draw.line([(x, 0), (800 - x, 600)], fill=(240, 200, 40), width=6)
    draw.ellipse([250, 150, 550, 450], outline=(30, 30, 30), width=12)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def _push_dataset(world: DeskWorld) -> None:
    """Each worker pushes their grid's records; the wheelchair visit (E4)
    carries a photo, uploaded after the op as the app does."""
    photo = wheelchair_photo()
    sha = hashlib.sha256(photo).hexdigest()
    world.photo_sha = sha
    by_grid = {world.data.grid1: "w1", world.data.grid2: "w2"}
    for username in ("w1", "w2"):
        api = world.as_user(username)
        ops = []
        for entity, record_id, fields in world.data.records:
            if by_grid.get(fields.get("grid_id")) != username:
                continue
            if record_id == world.data.ids["E4"]:
                fields = {**fields, "photos": [{"sha256": sha, "consent": True, "caption": "轮椅"}]}
            ops.append(api.op(entity, record_id, fields))
        rejected = [r for r in api.push(ops) if r["status"] != "applied"]
        assert not rejected, rejected
    api = world.as_user("w2")
    answer = api.client.put(f"/photos/{sha}", content=photo,
                            headers={**api.headers, "Content-Type": "image/jpeg"})
    assert answer.status_code in (200, 201), answer.text
