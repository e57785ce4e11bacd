"""PUT/GET photos over HTTP: stored, idempotent, checked, size-limited."""
from __future__ import annotations

import hashlib

import pytest

from tests.server.world import World, make_jpeg
from tests.support.api import ApiSession


@pytest.fixture
def worker(world: World) -> ApiSession:
    return world.session("worker_a1")


def put(api: ApiSession, sha: str, body: bytes):  # noqa: ANN201
    headers = {**api.headers, "Content-Type": "image/jpeg"}
    return api.client.put(f"/photos/{sha}", content=body, headers=headers)


def test_put_stores_once_then_answers_already_held(world: World, worker: ApiSession) -> None:
    body = make_jpeg(seed=5, size=(800, 600))
    sha = hashlib.sha256(body).hexdigest()
    assert put(worker, sha, body).status_code == 201
    assert put(worker, sha, body).status_code == 200
    stored = world.srv.data_dir / "photos" / sha[:2] / f"{sha}.jpg"
    assert stored.read_bytes() == body
    got = worker.client.get(f"/photos/{sha}", headers=worker.headers)
    assert got.status_code == 200 and got.content == body
    thumb = worker.client.get(f"/photos/{sha}/thumb", headers=worker.headers)
    assert thumb.status_code == 200 and thumb.content[:2] == b"\xff\xd8" and len(thumb.content) < len(body)


@pytest.mark.parametrize(("case", "status", "code"), [
    ("mismatch", 400, "hash_mismatch"),
    ("not_image", None, None),
    ("truncated", 422, None),
])
def test_bad_photos_are_refused_and_not_kept(world: World, worker: ApiSession, case: str, status: int | None,
                                             code: str | None) -> None:
    good = make_jpeg(seed=9, size=(400, 300))
    bodies = {"mismatch": good, "not_image": b"plain text, not a jpeg", "truncated": good[: len(good) // 2]}
    body = bodies[case]
    sha = hashlib.sha256(b"other" if case == "mismatch" else body).hexdigest()
    response = put(worker, sha, body)
    assert 400 <= response.status_code < 500, response.text
    if status:
        assert response.status_code == status
    if code:
        assert response.json()["detail"]["code"] == code
    assert "code" in response.json()["detail"]
    assert not (world.srv.data_dir / "photos" / sha[:2] / f"{sha}.jpg").exists()
    assert worker.client.get(f"/photos/{sha}", headers=worker.headers).status_code == 404


def test_too_large_is_413(worker: ApiSession) -> None:
    body = b"\xff\xd8" + b"\0" * (8 * 1024 * 1024 + 10)
    response = put(worker, hashlib.sha256(body).hexdigest(), body)
    assert response.status_code == 413 and response.json()["detail"]["code"] == "too_large"


def test_bad_hash_in_path_is_422(worker: ApiSession) -> None:
    response = put(worker, "NOT-A-HASH", make_jpeg())
    assert response.status_code == 422 and response.json()["detail"]["field"] == "sha256"
