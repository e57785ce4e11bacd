"""Access-control matrix: every role × endpoint/entity × in/out of scope.

Actors: worker_a1 (grid A1), worker_a2 (grid A2, same community), volunteer_a
(errand_A1 assigned), volunteer_x (nothing assigned), coord_a (community A),
coord_b (community B), admin. Each row is one request with its expected
outcome; writes that must be refused are checked to have written nothing.
"""
from __future__ import annotations

from typing import Any

import pytest

from tests.server.world import ACTORS, World, diary_entry, errand, household
from tests.support.api import new_id

Y, N = True, False


def _row(**allowed: bool) -> dict[str, bool]:
    assert set(allowed) == set(ACTORS), set(ACTORS) ^ set(allowed)
    return allowed


# record name in World.ids -> who sees it in a pull
READS: dict[str, dict[str, bool]] = {
    "hh_A1": _row(worker_a1=Y, worker_a2=N, volunteer_a=Y, volunteer_x=N, coord_a=Y, coord_b=N, admin=Y),
    "hh_A2": _row(worker_a1=N, worker_a2=Y, volunteer_a=N, volunteer_x=N, coord_a=Y, coord_b=N, admin=Y),
    "hh_B1": _row(worker_a1=N, worker_a2=N, volunteer_a=N, volunteer_x=N, coord_a=N, coord_b=Y, admin=Y),
    "entry_A1": _row(worker_a1=Y, worker_a2=N, volunteer_a=N, volunteer_x=N, coord_a=Y, coord_b=N, admin=Y),
    "errand_A1": _row(worker_a1=Y, worker_a2=N, volunteer_a=Y, volunteer_x=N, coord_a=Y, coord_b=N, admin=Y),
}


@pytest.mark.parametrize("actor", ACTORS)
def test_pull_shows_exactly_the_records_in_scope(world: World, actor: str) -> None:
    seen = world.session(actor).pull_all()
    for name, allowed in READS.items():
        record_id = world.ids[name]
        visible = any(key[1] == record_id for key in seen)
        assert visible == allowed[actor], f"{actor} sees {name}: {visible}"


@pytest.mark.parametrize("actor", ACTORS)
def test_pull_users_and_community_are_those_of_the_own_community(world: World, actor: str) -> None:
    seen = world.session(actor).pull_all()
    user_ids = {rid for (entity, rid) in seen if entity == "user"}
    community = world.users[actor]["community_id"]
    expected = {u["user_id"] for u in world.users.values() if u["community_id"] == community}
    if actor == "admin":
        expected = {u["user_id"] for u in world.users.values()}
    assert user_ids == expected
    users = [change["record"] for change in seen.values() if change["entity"] == "user"]
    assert users and all("password_hash" not in record for record in users)


def test_volunteer_gets_the_minimal_household_view(world: World) -> None:
    seen = world.session("volunteer_a").pull_all()
    hh = seen[("household", world.ids["hh_A1"])]["record"]
    assert set(hh) == {"id", "grid_id", "address", "head_name", "members", "created_at"}
    assert hh["members"] == [{"name": "户主A1", "relation": "head", "phone": "13912345678"}]
    assert "tags" not in seen[("household", world.ids["hh_A1"])]["field_hlc"]


# ---------------------------------------------------------------- writes

def _update_hh(name: str) -> Any:
    return lambda w, api: [api.op("household", w.ids[name], {"notes": f"{api.device} 记录"})]


def _create_hh(grid: str) -> Any:
    return lambda w, api: [api.op("household", new_id(), household(w.grids[grid]))]


def _errand_progress(w: World, api: Any) -> list[dict[str, Any]]:
    fields = {"status": "in_progress", "started_at": "2026-01-07T01:00:00Z"}
    return [api.op("errand", w.ids["errand_A1"], fields)]


def _errand_details(w: World, api: Any) -> list[dict[str, Any]]:
    return [api.op("errand", w.ids["errand_A1"], {"details": "改了说明"})]


def _create_entry(grid: str) -> Any:
    def make(w: World, api: Any) -> list[dict[str, Any]]:
        hh = w.ids[f"hh_{grid}"]
        return [api.op("diary_entry", new_id(), diary_entry(hh, w.grids[grid], api.user_id))]
    return make


def _create_errand(w: World, api: Any) -> list[dict[str, Any]]:
    return [api.op("errand", new_id(), errand(w.ids["hh_A1"], w.grids["A1"], None))]


def _comment_on_entry(w: World, api: Any) -> list[dict[str, Any]]:
    fields = {"entry_id": w.ids["entry_A1"], "grid_id": w.grids["A1"], "author_id": api.user_id,
              "at": "2026-01-08T01:00:00Z", "text": "记录详细"}
    return [api.op("comment", new_id(), fields)]


def _create_grid(community: str) -> Any:
    def make(w: World, api: Any) -> list[dict[str, Any]]:
        return [api.op("grid", new_id(), {"community_id": w.communities[community], "name": "新网格"})]
    return make


def _update_community(community: str) -> Any:
    return lambda w, api: [api.op("community", w.communities[community], {"monthly_visit_quota": 30})]


def _create_user_record(w: World, api: Any) -> list[dict[str, Any]]:
    return [api.op("user", new_id(), {"username": "x", "display_name": "x", "role": "admin"})]


WRITES: dict[str, tuple[Any, dict[str, bool]]] = {
    "update household A1": (_update_hh("hh_A1"), _row(
        worker_a1=Y, worker_a2=N, volunteer_a=N, volunteer_x=N, coord_a=Y, coord_b=N, admin=Y)),
    "update household B1": (_update_hh("hh_B1"), _row(
        worker_a1=N, worker_a2=N, volunteer_a=N, volunteer_x=N, coord_a=N, coord_b=Y, admin=Y)),
    "create household A2": (_create_hh("A2"), _row(
        worker_a1=N, worker_a2=Y, volunteer_a=N, volunteer_x=N, coord_a=Y, coord_b=N, admin=Y)),
    "create diary entry A1": (_create_entry("A1"), _row(
        worker_a1=Y, worker_a2=N, volunteer_a=N, volunteer_x=N, coord_a=Y, coord_b=N, admin=Y)),
    "create errand A1": (_create_errand, _row(
        worker_a1=Y, worker_a2=N, volunteer_a=N, volunteer_x=N, coord_a=Y, coord_b=N, admin=Y)),
    "errand progress": (_errand_progress, _row(
        worker_a1=Y, worker_a2=N, volunteer_a=Y, volunteer_x=N, coord_a=Y, coord_b=N, admin=Y)),
    "errand details": (_errand_details, _row(
        worker_a1=Y, worker_a2=N, volunteer_a=N, volunteer_x=N, coord_a=Y, coord_b=N, admin=Y)),
    "comment on entry A1": (_comment_on_entry, _row(
        worker_a1=N, worker_a2=N, volunteer_a=N, volunteer_x=N, coord_a=Y, coord_b=N, admin=Y)),
    "create grid in A": (_create_grid("A"), _row(
        worker_a1=N, worker_a2=N, volunteer_a=N, volunteer_x=N, coord_a=Y, coord_b=N, admin=Y)),
    "update community A": (_update_community("A"), _row(
        worker_a1=N, worker_a2=N, volunteer_a=N, volunteer_x=N, coord_a=Y, coord_b=N, admin=Y)),
    "create user record": (_create_user_record, _row(
        worker_a1=N, worker_a2=N, volunteer_a=N, volunteer_x=N, coord_a=N, coord_b=N, admin=N)),
}
CASES = [(action, actor) for action in WRITES for actor in ACTORS]


@pytest.mark.parametrize(("action", "actor"), CASES, ids=[f"{a}-{b}" for a, b in CASES])
def test_write_allowed_exactly_in_scope(world: World, action: str, actor: str) -> None:
    make_ops, allowed = WRITES[action]
    api = world.session(actor)
    ops = make_ops(world, api)
    admin = world.session("admin")
    before = admin.pull_all()
    [result] = api.push(ops)
    if allowed[actor]:
        assert result["status"] == "applied", result
        return
    assert result["status"] == "rejected", result
    assert result["reason"]["code"] in {"forbidden", "out_of_scope", "not_found"}, result
    after = admin.pull_all()
    assert {k: v["seq"] for k, v in after.items()} == {k: v["seq"] for k, v in before.items()}


# ---------------------------------------------------------------- photos and me

PHOTO_READERS = _row(worker_a1=Y, worker_a2=N, volunteer_a=N, volunteer_x=N, coord_a=Y, coord_b=N, admin=Y)


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("suffix", ["", "/thumb"])
def test_photo_readable_exactly_in_scope(world: World, actor: str, suffix: str) -> None:
    api = world.session(actor)
    response = api.client.get(f"/photos/{world.photo_sha}{suffix}", headers=api.headers)
    if PHOTO_READERS[actor]:
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "image/jpeg"
        assert (response.content == world.photo) == (suffix == "")
    else:
        assert response.status_code == 403
        assert response.json()["detail"]["code"] == "forbidden"


@pytest.mark.parametrize("actor", ACTORS)
def test_me_is_the_caller(world: World, actor: str) -> None:
    api = world.session(actor)
    response = api.client.get("/me", headers=api.headers)
    assert response.status_code == 200
    assert response.json()["id"] == world.users[actor]["user_id"]
    assert response.json()["role"] == api.user["role"]


@pytest.mark.parametrize("path", ["/me", "/sync/pull", f"/photos/{'a' * 64}"])
def test_every_endpoint_refuses_a_missing_token(world: World, path: str) -> None:
    response = world.session("admin").client.get(path)
    assert response.status_code == 401
    assert response.json()["detail"]["code"] == "not_authenticated"
