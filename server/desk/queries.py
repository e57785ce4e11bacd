"""SQL that feeds the desk, on the records table's indexed columns.

Aggregates (counts per worker and grid, last visit per household) run in
SQL; JSON is decoded only for the rows that need it (needs of the period,
households of the community). Plain SQL text, the same on SQLite and
PostgreSQL. `at` is the record's main time (visit, raised, comment time).
"""
from __future__ import annotations

import json
import threading
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

# Extra indexes for the desk's reads; created once per database, idempotently.
# (entity, community_id, at) exists already (ix_records_entity_community_at).
DESK_INDEXES = [
    # covering index for visits per (worker, grid) in a period
    "CREATE INDEX IF NOT EXISTS ix_desk_visits ON records (entity, community_id, at, person_id, grid_id)",
    # last visit per household: MAX(at) per household from the index alone
    "CREATE INDEX IF NOT EXISTS ix_desk_household_at ON records (entity, community_id, household_id, at)",
    "CREATE INDEX IF NOT EXISTS ix_desk_status ON records (entity, community_id, status)",
]
_indexed: set[str] = set()
_index_lock = threading.Lock()


def ensure_indexes(session: Session) -> None:
    bind = session.get_bind()
    key = str(bind.url)
    if key in _indexed:
        return
    with _index_lock:
        if key in _indexed:
            return
        with bind.begin() as conn:
            for statement in DESK_INDEXES:
                conn.execute(text(statement))
        _indexed.add(key)


def decode(value: Any) -> dict[str, Any]:
    """JSON column values arrive as str (SQLite) or already decoded (PostgreSQL)."""
    if value is None:
        return {}
    if isinstance(value, dict):
        return value
    if isinstance(value, bytes | bytearray):
        value = value.decode()
    return json.loads(value)


def record_of(row: Any) -> dict[str, Any]:
    record = decode(row.data)
    record.setdefault("id", row.id)
    return record


def get_record(session: Session, entity: str, record_id: str) -> dict[str, Any] | None:
    row = session.execute(
        text("SELECT id, data FROM records WHERE entity = :e AND id = :i"), {"e": entity, "i": record_id}
    ).first()
    return record_of(row) if row else None


def get_row(session: Session, entity: str, record_id: str) -> Any:
    return session.execute(
        text("SELECT id, community_id, grid_id, household_id, person_id, status, at, deadline, data "
             "FROM records WHERE entity = :e AND id = :i"),
        {"e": entity, "i": record_id},
    ).first()


def records_of(session: Session, entity: str, community_id: str, extra: str = "",
               params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    sql = f"SELECT id, data FROM records WHERE entity = :e AND community_id = :c {extra}"
    rows = session.execute(text(sql), {"e": entity, "c": community_id, **(params or {})})
    return [record_of(r) for r in rows]


def community_ids(session: Session) -> list[str]:
    rows = session.execute(text("SELECT id FROM records WHERE entity = 'community' ORDER BY id"))
    return [r.id for r in rows]


def grids(session: Session, community_id: str) -> list[dict[str, Any]]:
    rows = session.execute(
        text("SELECT id, data FROM records WHERE entity = 'grid' AND (community_id = :c OR id IN "
             "(SELECT DISTINCT grid_id FROM records WHERE entity = 'household' AND community_id = :c))"),
        {"c": community_id},
    )
    found = {r.id: record_of(r) for r in rows}
    return sorted(found.values(), key=lambda g: g.get("name", ""))


def entry_counts(session: Session, community_id: str, start_iso: str, end_iso: str) -> list[Any]:
    """Diary entries per (worker, grid) in [start, end)."""
    return list(session.execute(
        text("SELECT person_id, grid_id, COUNT(*) AS n FROM records "
             "WHERE entity = 'diary_entry' AND community_id = :c AND at >= :s AND at < :t "
             "GROUP BY person_id, grid_id"),
        {"c": community_id, "s": start_iso, "t": end_iso},
    ))


def last_visits(session: Session, community_id: str, end_iso: str) -> dict[str, str]:
    """Last diary entry per household before `end_iso`."""
    rows = session.execute(
        text("SELECT household_id, MAX(at) AS last FROM records "
             "WHERE entity = 'diary_entry' AND community_id = :c AND at < :t GROUP BY household_id"),
        {"c": community_id, "t": end_iso},
    )
    return {r.household_id: r.last for r in rows}


def is_postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def json_field(session: Session, *path: str) -> str:
    """SQL reading one field out of the record's JSON, per dialect (the
    database's JSON functions beat json.loads of whole records in Python).
    PostgreSQL reads `j`, the text parsed once per row (see `json_rows`)."""
    if is_postgresql(session):
        steps = "".join(f" -> '{p}'" for p in path[:-1])
        return f"(j{steps} ->> '{path[-1]}')"
    return f"json_extract(data, '$.{'.'.join(path)}')"


def json_rows(session: Session, columns: str, where: str) -> str:
    """`FROM` source where `json_field` works: on PostgreSQL a subquery that
    casts `data` to jsonb once per row (OFFSET 0 keeps the planner from
    inlining it and casting once per field)."""
    if is_postgresql(session):
        return f"(SELECT {columns}, CAST(data AS jsonb) AS j FROM records WHERE {where} OFFSET 0) AS r"
    return f"records WHERE {where}"


NEED_FIELDS = {"resolved_at": ("resolved_at",), "closed_at": ("closed_at",), "fu_at": ("follow_up", "at"),
               "satisfaction": ("follow_up", "satisfaction"), "first_responder_id": ("first_responder_id",)}


def needs_raised(session: Session, community_id: str, start_iso: str, end_iso: str) -> list[Any]:
    """The figure-relevant fields of the needs raised in [start, end), without decoding whole records."""
    extracted = ", ".join(f"{json_field(session, *path)} AS {name}" for name, path in NEED_FIELDS.items())
    source = json_rows(session, "grid_id, at, deadline, status",
                       "entity = 'need' AND community_id = :c AND at >= :s AND at < :t")
    return list(session.execute(text(f"SELECT grid_id, at, deadline, status, {extracted} FROM {source}"),
                                {"c": community_id, "s": start_iso, "t": end_iso}))


def household_facts(session: Session, community_id: str) -> list[Any]:
    """id, grid_id, tags (JSON text), archived, created_at of every household."""
    source = json_rows(session, "id, grid_id, at", "entity = 'household' AND community_id = :c")
    return list(session.execute(
        text(f"SELECT id, grid_id, {json_field(session, 'tags')} AS tags, "
             f"{json_field(session, 'archived')} AS archived, at AS created_at FROM {source}"),
        {"c": community_id},
    ))


def users(session: Session, community_id: str | None) -> list[dict[str, Any]]:
    """Public part of the users of a community (all users when None)."""
    rows = session.execute(text("SELECT * FROM users")).mappings().all()
    out = []
    for row in rows:
        user = dict(row)
        if community_id and user.get("community_id") not in (community_id, None):
            continue
        grid_ids = user.get("grid_ids")
        if isinstance(grid_ids, str):
            try:
                grid_ids = json.loads(grid_ids)
            except ValueError:
                grid_ids = [g for g in grid_ids.split(",") if g]
        out.append({
            "id": user.get("id"), "username": user.get("username"),
            "display_name": user.get("display_name") or user.get("username"),
            "role": user.get("role"), "community_id": user.get("community_id"),
            "grid_ids": list(grid_ids or []), "active": bool(user.get("active", True)),
        })
    return out
