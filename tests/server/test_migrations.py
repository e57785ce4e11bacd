"""An existing database at schema v1, with data, upgrades to the latest
version without loss — directly, and when the server starts on it."""
from __future__ import annotations

import json
import uuid

import httpx
import pytest
from sqlalchemy import inspect, select, text

from server.auth import hash_password
from server.config import Settings
from server.db import LATEST, make_engine, upgrade
from server.db import schema as s
from server.db.migrations import current_version
from tests.support.fixtures import BACKENDS, database_for
from tests.support.server_process import start_server

NEED = {"household_id": str(uuid.uuid4()), "grid_id": str(uuid.uuid4()), "deadline": "2026-02-01",
        "title": "申请低保", "status": "open"}


def _fill_v1(engine, user_id: str, need_id: str) -> None:  # noqa: ANN001
    with engine.begin() as conn:
        conn.execute(s.users.insert().values(
            id=user_id, username="old-admin", display_name="老管理员", role="admin", community_id=None,
            grid_ids="[]", phone=None, password_hash=hash_password("old-password"), active=True,
            created_at="2025-01-01T00:00:00Z"))
        conn.execute(text(
            "INSERT INTO records (id, entity, grid_id, data, field_hlc, field_by, seq, updated_at) "
            "VALUES (:id, 'need', :g, :data, '{}', '{}', 1, '2025-01-01T00:00:00Z')"),
            {"id": need_id, "g": NEED["grid_id"], "data": json.dumps({"id": need_id, **NEED})})
        conn.execute(text("UPDATE counters SET value = 1 WHERE name = 'seq'"))


@pytest.mark.parametrize("backend", BACKENDS)
def test_v1_database_upgrades_without_loss(backend: str, tmp_path) -> None:  # noqa: ANN001
    with database_for(backend) as url:
        settings = Settings(tmp_path, url)
        engine = make_engine(settings.database_url)
        assert upgrade(engine, target=1) == 1
        assert "deadline" not in {c["name"] for c in inspect(engine).get_columns("records")}
        user_id, need_id = str(uuid.uuid4()), str(uuid.uuid4())
        _fill_v1(engine, user_id, need_id)
        assert upgrade(engine) == LATEST == current_version(engine)
        with engine.connect() as conn:
            row = conn.execute(select(s.records).where(s.records.c.id == need_id)).one()
            assert row.deadline == "2026-02-01" and json.loads(row.data)["title"] == "申请低保"
            assert conn.execute(select(s.users.c.username)).scalar_one() == "old-admin"
            assert conn.execute(select(s.device_status)).all() == []
        assert upgrade(engine) == LATEST  # idempotent
        engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
def test_server_starts_on_a_v1_database_and_serves_its_data(backend: str, tmp_path) -> None:  # noqa: ANN001
    with database_for(backend) as url:
        engine = make_engine(Settings(tmp_path, url).database_url)
        upgrade(engine, target=1)
        user_id, need_id = str(uuid.uuid4()), str(uuid.uuid4())
        _fill_v1(engine, user_id, need_id)
        engine.dispose()
        with start_server(tmp_path, url) as srv, httpx.Client(base_url=srv.api) as client:
            login = client.post("/auth/login", json={"username": "old-admin", "password": "old-password"})
            assert login.status_code == 200, login.text
            headers = {"Authorization": f"Bearer {login.json()['token']}"}
            changes = client.get("/sync/pull", headers=headers).json()["changes"]
            assert [(c["entity"], c["id"], c["seq"]) for c in changes] == [("need", need_id, 1)]


def test_seq_counter_behind_the_records_heals_instead_of_colliding(tmp_path) -> None:  # noqa: ANN001
    """A loader that inserted rows without advancing counters.seq must not make
    later writes collide on the unique seq: the next seqs continue above them."""
    from sqlalchemy.orm import Session

    from server.db import open_database
    from server.records import seed_many

    engine = open_database(Settings(tmp_path).database_url)
    community = str(uuid.uuid4())
    with Session(engine) as session:
        [first] = seed_many(session, [("community", community, {"name": "社区"})], community)
        session.execute(text("UPDATE counters SET value = 0 WHERE name = 'seq'"))  # the forgetful loader
        grid = str(uuid.uuid4())
        grid_record = {"name": "一网格", "community_id": community}
        [second] = seed_many(session, [("grid", grid, grid_record)], community)
        session.commit()
        assert second > first
        assert session.execute(text("SELECT value FROM counters WHERE name = 'seq'")).scalar() == second
    engine.dispose()
