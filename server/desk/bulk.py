"""Bulk insert straight into the records table, for benchmarks and desk
tests that need a fixed dataset fast. Not a sync path: the rows get seqs
above the current counter and fill the same indexed columns the server
core's writer fills, but no per-field merge happens (fresh records only)."""
from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, text

PERSON_FIELD = {"diary_entry": "worker_id", "need": "owner_id", "errand": "volunteer_id",
                "comment": "author_id", "need_event": "actor_id"}
AT_FIELD = {"diary_entry": "visited_at", "need": "raised_at", "errand": "requested_at",
            "comment": "at", "need_event": "at", "household": "created_at"}
BATCH = 2000
PARENT_FIELD = {"need_event": "need_id", "comment": "entry_id"}  # household through the parent


def row_of(entity: str, record_id: str, record: dict[str, Any], community_id: str, seq: int,
           author_id: str, parents: dict[str, str] | None = None) -> dict[str, Any]:
    """`parents`: household id of each need / diary entry inserted so far (for need events, comments)."""
    stamp = "0000000000001:00000:bulk"
    data = {**record, "id": record_id}
    return {
        "id": record_id, "entity": entity,
        "community_id": record.get("community_id") if entity == "grid" else
        (record_id if entity == "community" else community_id),
        "grid_id": record.get("grid_id") if entity != "grid" else record_id,
        "household_id": record_id if entity == "household" else
        record.get("household_id") or (parents or {}).get(record.get(PARENT_FIELD.get(entity, ""), "")),
        "person_id": record.get(PERSON_FIELD.get(entity, "")),
        "status": record.get("status"), "at": record.get(AT_FIELD.get(entity, "")),
        "deadline": record.get("deadline") if entity == "need" else None,
        "data": json.dumps(data, ensure_ascii=False),
        "field_hlc": json.dumps({k: stamp for k in record}),
        "field_by": json.dumps({k: author_id for k in record}),
        "seq": seq, "updated_at": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
    }


def bulk_insert(engine: Engine, community_id: str, records: Iterable[tuple[str, str, dict[str, Any]]],
                author_id: str) -> int:
    """Insert (entity, id, record) tuples; returns how many. Advances the seq counter."""
    sql = text("INSERT INTO records (id, entity, community_id, grid_id, household_id, person_id, status, at, "
               "deadline, data, field_hlc, field_by, seq, updated_at) VALUES (:id, :entity, :community_id, "
               ":grid_id, :household_id, :person_id, :status, :at, :deadline, :data, :field_hlc, :field_by, "
               ":seq, :updated_at)")
    count = 0
    with engine.begin() as conn:
        seq = conn.execute(text("SELECT value FROM counters WHERE name = 'seq'")).scalar() or 0
        batch: list[dict[str, Any]] = []
        parents: dict[str, str] = {}
        for entity, record_id, record in records:
            seq += 1
            batch.append(row_of(entity, record_id, record, community_id, seq, author_id, parents))
            if entity in ("need", "diary_entry"):
                parents[record_id] = record.get("household_id", "")
            if len(batch) >= BATCH:
                conn.execute(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            conn.execute(sql, batch)
            count += len(batch)
        conn.execute(text("UPDATE counters SET value = :v WHERE name = 'seq'"), {"v": seq})
    return count
