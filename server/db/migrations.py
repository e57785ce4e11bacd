"""Versioned schema migrations, applied at startup, one transaction each.

`schema_version` holds one row per applied version. Each step is plain
SQLAlchemy DDL (plus any data backfill) so an existing database upgrades in
place without loss. Add a step at the end; never edit a released one.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    func,
    inspect,
    select,
    text,
)

from . import schema as s

version_meta = MetaData()
schema_version = Table(
    "schema_version", version_meta,
    Column("version", Integer, primary_key=True),
    Column("applied_at", String(32), nullable=False),
)


def _v1_core(conn: Connection) -> None:
    """records (without deadline), counters, applied_ops, users, tokens."""
    v1 = MetaData()
    records_v1 = Table("records", v1, *s.records_columns())
    s.records_indexes(records_v1)
    records_v1.create(conn)
    for table in (s.counters, s.applied_ops, s.users, s.tokens):
        table.create(conn)
    conn.execute(s.counters.insert().values(name="seq", value=0))


def _v2_deadline_and_ops_tables(conn: Connection) -> None:
    """records.deadline (backfilled from needs' data), login failures, photos,
    device status and the audit log."""
    conn.execute(text("ALTER TABLE records ADD COLUMN deadline VARCHAR(10)"))
    rows = conn.execute(text("SELECT id, data FROM records WHERE entity = 'need'")).all()
    for row in rows:
        deadline = json.loads(row.data).get("deadline")
        conn.execute(text("UPDATE records SET deadline = :d WHERE id = :i"), {"d": deadline, "i": row.id})
    for table in (s.login_failures, s.photos, s.device_status, s.audit_log):
        table.create(conn)


def _v3_public_pull_index(conn: Connection) -> None:
    """records (entity, community_id, seq): pulling a community's public records."""
    s.ix_records_entity_community_seq.create(conn)


def _v4_scope_exits(conn: Connection) -> None:
    """scope_exits (records that left a user's scope), records (household_id, entity),
    and household_id backfilled on need events and comments from their parent."""
    s.scope_exits.create(conn)
    s.ix_records_household_entity.create(conn)
    for entity, parent_field, parent_entity in (("need_event", "need_id", "need"),
                                                ("comment", "entry_id", "diary_entry")):
        households = dict(conn.execute(
            text("SELECT id, household_id FROM records WHERE entity = :e"), {"e": parent_entity}).all())
        rows = conn.execute(text("SELECT id, data FROM records WHERE entity = :e"), {"e": entity}).all()
        updates = [{"h": households.get(json.loads(row.data).get(parent_field)), "i": row.id} for row in rows]
        updates = [u for u in updates if u["h"]]
        if updates:
            conn.execute(text("UPDATE records SET household_id = :h WHERE id = :i"), updates)


def _v5_scope_reset(conn: Connection) -> None:
    """users.scope_reset_seq and device_status.full_pull_seq: a user whose grids grew
    pulls from 0 once on each device (server/accounts.py)."""
    # v1/v2 create these tables from their latest definition: a new database has the columns
    for table, column in (("users", "scope_reset_seq"), ("device_status", "full_pull_seq")):
        if column not in {c["name"] for c in inspect(conn).get_columns(table)}:
            conn.execute(text(f"ALTER TABLE {table} ADD COLUMN {column} BIGINT"))


MIGRATIONS: list[tuple[int, Callable[[Connection], None]]] = [
    (1, _v1_core),
    (2, _v2_deadline_and_ops_tables),
    (3, _v3_public_pull_index),
    (4, _v4_scope_exits),
    (5, _v5_scope_reset),
]
LATEST = MIGRATIONS[-1][0]


def current_version(engine: Engine) -> int:
    with engine.begin() as conn:
        schema_version.create(conn, checkfirst=True)
        return conn.execute(select(func.max(schema_version.c.version))).scalar() or 0


def upgrade(engine: Engine, target: int = LATEST) -> int:
    """Apply every step above the database's version up to `target`; returns the new version."""
    version = current_version(engine)
    for step_version, step in MIGRATIONS:
        if version < step_version <= target:
            with engine.begin() as conn:
                step(conn)
                conn.execute(schema_version.insert().values(
                    version=step_version, applied_at=datetime.now(UTC).isoformat(timespec="seconds")))
            version = step_version
    return version
