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


def _v3_history(conn, ids: dict[str, str]) -> None:  # noqa: ANN001
    """A community with two grids and a household's history in grid 1, written the
    way v3 wrote it (need events and comments had no household_id column value)."""
    c, g1, g2, h = ids["community"], ids["grid1"], ids["grid2"], ids["household"]
    rows = [
        ("community", c, None, {"name": "老社区"}, None),
        ("grid", g1, c, {"name": "一网格", "community_id": c}, None),
        ("grid", g2, c, {"name": "二网格", "community_id": c}, None),
        ("household", h, c, {"grid_id": g1, "head_name": "赵大爷", "address": {"building": "1"},
                             "created_at": "2025-01-01T00:00:00Z"}, h),
        ("diary_entry", ids["entry"], c, {"household_id": h, "grid_id": g1, "worker_id": ids["user"],
                                          "visited_at": "2025-01-02T00:00:00Z", "kind": "regular"}, h),
        ("comment", ids["comment"], c, {"entry_id": ids["entry"], "grid_id": g1, "author_id": ids["user"],
                                        "at": "2025-01-02T01:00:00Z", "text": "好"}, None),
        ("need", ids["need"], c, {**NEED, "household_id": h, "grid_id": g1}, h),
        ("need_event", ids["event"], c, {"need_id": ids["need"], "grid_id": g1, "kind": "raised",
                                         "actor_id": ids["user"], "at": "2025-01-02T00:00:00Z"}, None),
    ]
    stamp = "1735689600000:00000:old"
    for seq, (entity, record_id, community, data, household) in enumerate(rows, 1):
        grid = record_id if entity == "grid" else data.get("grid_id")
        conn.execute(s.records.insert().values(
            id=record_id, entity=entity, community_id=community or record_id, grid_id=grid,
            household_id=household, data=json.dumps({"id": record_id, **data}, ensure_ascii=False),
            field_hlc=json.dumps({k: stamp for k in data}),
            field_by=json.dumps({k: ids["user"] for k in data}), seq=seq, updated_at="2025-01-01T00:00:00Z"))
    conn.execute(text("UPDATE counters SET value = :v WHERE name = 'seq'"), {"v": len(rows)})


@pytest.mark.parametrize("backend", BACKENDS)
def test_v3_database_upgrades_to_scope_exits_and_moves_old_history(backend: str, tmp_path) -> None:  # noqa: ANN001
    """v4 adds scope_exits and backfills household_id on need events and comments,
    so a household written before v4 still moves with all of its history."""
    from sqlalchemy.orm import Session

    from server.auth import Principal
    from server.records import apply_op

    names = ("community", "grid1", "grid2", "household", "entry", "comment", "need", "event", "user")
    ids = {name: str(uuid.uuid4()) for name in names}
    with database_for(backend) as url:
        engine = make_engine(Settings(tmp_path, url).database_url)
        assert upgrade(engine, target=3) == 3
        with engine.begin() as conn:
            _v3_history(conn, ids)
            before = {row.id: row.data for row in conn.execute(select(s.records.c.id, s.records.c.data))}
        assert "scope_exits" not in inspect(engine).get_table_names()
        assert upgrade(engine) == LATEST == 5
        with engine.connect() as conn:
            rows = {row.id: row for row in conn.execute(select(s.records))}
            assert {i: row.data for i, row in rows.items()} == before  # nothing lost or changed
            assert rows[ids["event"]].household_id == rows[ids["comment"]].household_id == ids["household"]
            assert conn.execute(select(s.scope_exits)).all() == []
        assert "ix_records_household_entity" in {i["name"] for i in inspect(engine).get_indexes("records")}
        admin = Principal(ids["user"], "admin", "admin", None)
        op = {"op_id": str(uuid.uuid4()), "entity": "household", "id": ids["household"],
              "fields": {"grid_id": ids["grid2"]}, "hlc": "1735689700000:00000:desk", "author": ids["user"],
              "device": "desk"}
        with Session(engine) as session:
            assert apply_op(session, admin, op).status == "applied"
            session.commit()
        with engine.connect() as conn:
            moved = {row.id: row for row in conn.execute(select(s.records).where(
                s.records.c.household_id == ids["household"]))}
            assert set(moved) == {ids[n] for n in ("household", "entry", "comment", "need", "event")}
            assert all(row.grid_id == ids["grid2"] and json.loads(row.data)["grid_id"] == ids["grid2"]
                       for row in moved.values())
            assert sorted(row.seq for row in moved.values()) == list(range(9, 14))  # 8 rows before: gap-free
            [e] = conn.execute(select(s.scope_exits)).all()
            assert (e.entity, e.record_id, e.grid_id, e.to_grid_id, e.seq) == (
                "household", ids["household"], ids["grid1"], ids["grid2"], 14)
            assert e.community_id is None  # same community: its coordinators keep it
            assert conn.execute(text("SELECT value FROM counters WHERE name = 'seq'")).scalar() == 14
        engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
def test_v4_database_gets_the_scope_reset_columns(backend: str, tmp_path) -> None:  # noqa: ANN001
    """v5 adds users.scope_reset_seq and device_status.full_pull_seq to a database
    made before them (emulated: v4, with both columns dropped), keeping its rows."""
    user_id = str(uuid.uuid4())
    with database_for(backend) as url:
        engine = make_engine(Settings(tmp_path, url).database_url)
        assert upgrade(engine, target=4) == 4
        with engine.begin() as conn:
            conn.execute(text("ALTER TABLE users DROP COLUMN scope_reset_seq"))
            conn.execute(text("ALTER TABLE device_status DROP COLUMN full_pull_seq"))
            conn.execute(text(
                "INSERT INTO users (id, username, display_name, role, grid_ids, password_hash, active, "
                "created_at) VALUES (:i, 'w', '网格员', 'worker', '[]', 'x', true, '2025-01-01T00:00:00Z')"),
                {"i": user_id})
            conn.execute(text("INSERT INTO device_status (user_id, device, pending_reported, rejected_total) "
                              "VALUES (:i, 'phone-1', 3, 0)"), {"i": user_id})
        assert upgrade(engine) == LATEST == 5
        with engine.connect() as conn:
            user = conn.execute(select(s.users)).one()
            device = conn.execute(select(s.device_status)).one()
        assert (user.id, user.scope_reset_seq) == (user_id, None)
        assert (device.pending_reported, device.full_pull_seq) == (3, None)
        engine.dispose()
