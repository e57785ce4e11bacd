"""Bad input gets a 4xx with a reason (or a per-op rejection) and writes nothing."""
from __future__ import annotations

from typing import Any

import pytest

from tests.server.world import World, household
from tests.support.api import ApiSession, new_id


def snapshot(world: World) -> dict[Any, int]:
    return {key: change["seq"] for key, change in world.session("admin").pull_all().items()}


@pytest.fixture
def worker(world: World) -> ApiSession:
    return world.session("worker_a1")


def post(api: ApiSession, content: bytes, token: bool = True) -> Any:
    headers = {"Content-Type": "application/json", **(api.headers if token else {})}
    return api.client.post("/sync/push", content=content, headers=headers)


@pytest.mark.parametrize(("content", "status", "code", "field"), [
    (b'{"device": "d", "ops": [', 400, "bad_json", None),
    (b"\xff\xfe not json", 400, "bad_json", None),
    (b"[]", 422, "not_object", "body"),
    (b'{"device": "d"}', 422, "not_list", "ops"),
    (b'{"device": "bad device", "ops": []}', 422, "bad_device", "device"),
    (b'{"device": "d", "ops": [], "extra": 1}', 422, "unknown_field", "extra"),
    (b'{"device": "d", "ops": [], "pending": "many"}', 422, "not_int", "pending"),
])
def test_malformed_push_body_is_4xx_with_reason(world: World, worker: ApiSession, content: bytes, status: int,
                                                code: str, field: str | None) -> None:
    before = snapshot(world)
    response = post(worker, content)
    assert response.status_code == status, response.text
    detail = response.json()["detail"]
    assert detail["code"] == code and detail.get("field") == field
    assert snapshot(world) == before


def test_oversized_batch_is_413_and_nothing_written(world: World, worker: ApiSession) -> None:
    before = snapshot(world)
    ops = [worker.op("household", new_id(), household(world.grids["A1"])) for _ in range(501)]
    response = worker.push_raw({"device": worker.device, "ops": ops})
    assert response.status_code == 413
    assert response.json()["detail"] == {"code": "too_many_ops", "field": "ops", "detail": 500}
    assert snapshot(world) == before


def _bad_ops(world: World, api: ApiSession) -> list[tuple[dict[str, Any], str, str]]:
    grid = world.grids["A1"]
    return [
        (api.op("spaceship", new_id(), {"name": "x"}), "entity", "unknown_entity"),
        (api.op("household", new_id(), {**household(grid), "colour": "red"}), "colour", "unknown_field"),
        (api.op("household", new_id(), {**household(grid), "head_name": 42}), "head_name", "not_text"),
        (api.op("household", new_id(), {**household(grid), "members": "many"}), "members", "not_list"),
        (api.op("household", new_id(), {**household(grid), "created_at": "yesterday"}), "created_at",
         "not_time"),
        (api.op("household", "not-a-uuid", household(grid)), "id", "not_id"),
        (api.op("household", new_id(), {}), "fields", "not_object"),
        ({**api.op("household", new_id(), household(grid)), "hlc": "soon"}, "hlc", "bad_hlc"),
        (api.op("household", world.ids["hh_A2"], {"notes": "越界"}), "grid_id", "out_of_scope"),
        (api.op("household", world.ids["hh_B1"], {"notes": "越界"}), "grid_id", "out_of_scope"),
        (api.op("need", world.ids["hh_A1"], {"title": "错类型"}), "id", "entity_mismatch"),
        (api.op("household", new_id(), household(new_id())), "grid_id", "not_found"),
        ("not an op", "op", "not_object"),
    ]


def test_bad_ops_are_rejected_with_reason_and_write_nothing(world: World, worker: ApiSession) -> None:
    cases = _bad_ops(world, worker)
    before = snapshot(world)
    results = worker.push([op for op, _, _ in cases])
    assert len(results) == len(cases)
    for result, (_op, field, code) in zip(results, cases, strict=True):
        assert result["status"] == "rejected", result
        assert (result["reason"]["field"], result["reason"]["code"]) == (field, code), result
    assert snapshot(world) == before


def test_push_without_token_is_401_and_writes_nothing(world: World, worker: ApiSession) -> None:
    before = snapshot(world)
    body = b'{"device": "d", "ops": []}'
    response = post(worker, body, token=False)
    assert response.status_code == 401 and response.json()["detail"]["code"] == "not_authenticated"
    assert snapshot(world) == before


@pytest.mark.parametrize("params", [{"since": -1}, {"since": "abc"}, {"limit": 0}, {"limit": 1001},
                                    {"limit": "x"}])
def test_bad_pull_parameters_are_422_with_the_field(worker: ApiSession, params: dict) -> None:
    response = worker.client.get("/sync/pull", params=params, headers=worker.headers)
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail["code"] == "invalid" and detail["field"] in params


def test_unknown_route_and_wrong_method_are_4xx_with_a_code(worker: ApiSession) -> None:
    missing = worker.client.get("/nothing-here", headers=worker.headers)
    assert missing.status_code == 404 and missing.json()["detail"]["code"] == "not_found"
    wrong = worker.client.delete("/sync/push", headers=worker.headers)
    assert wrong.status_code == 405 and wrong.json()["detail"]["code"] == "method_not_allowed"


@pytest.mark.parametrize("query", ["since=-1", "since=abc", "limit=0", "limit=1001"])
def test_pull_refuses_a_bad_token_before_bad_parameters(world: World, worker: ApiSession, query: str) -> None:
    bad = {"Authorization": "Bearer not-a-token"}
    assert worker.client.get(f"/sync/pull?{query}", headers=bad).status_code == 401
    response = worker.client.get(f"/sync/pull?{query}", headers=worker.headers)
    assert response.status_code == 422
    assert response.json()["detail"]["field"] == query.split("=")[0]


@pytest.mark.parametrize("content", [b'{"device": "d", "ops": [', b"[]"])
def test_push_refuses_a_bad_token_before_a_bad_body(world: World, worker: ApiSession, content: bytes) -> None:
    headers = {"Content-Type": "application/json", "Authorization": "Bearer not-a-token"}
    assert worker.client.post("/sync/push", content=content, headers=headers).status_code == 401
    assert post(worker, content).status_code in (400, 422)
