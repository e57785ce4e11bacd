"""A real server process seeded with the fixed dataset through the real
sync API (workers push their own households, entries and needs)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import desk_dataset as dataset
import httpx

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


def start_world(data_dir: Path) -> DeskWorld:
    server = start_server(data_dir)
    try:
        made = {}
        for username, role, name, community, grids in USERS:
            made[username] = create_user(data_dir, None, username, PASSWORD, role, name, community, grids)
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


def _push_dataset(world: DeskWorld) -> None:
    by_grid = {world.data.grid1: "w1", world.data.grid2: "w2"}
    for username in ("w1", "w2"):
        api = world.as_user(username)
        mine = [r for r in world.data.records if by_grid.get(r[2].get("grid_id")) == username]
        results = api.push([api.op(entity, record_id, fields) for entity, record_id, fields in mine])
        rejected = [r for r in results if r["status"] != "applied"]
        assert not rejected, rejected
