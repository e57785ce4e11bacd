"""The rows a push works on: records read once per batch and kept current
(`RecordCache`), and the change-sequence counter (`SeqCounter`).

Change sequence: `counters.seq` is read and bumped with an UPDATE as the
first statement of every writing transaction. That row lock (PostgreSQL) or
the write lock (SQLite) serialises writers until commit, so seqs become
visible in order: a puller never skips a row committed later with a lower seq.
Records and scope exits (server/exits.py) take their seqs from this one counter.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from fieldapp.domain.hlc import HybridClock
from fieldapp.domain.records import PARENTS

from .db import schema as s

# one node id per server process: with several uvicorn workers, two processes'
# clocks must never hand out the same stamp
SERVER_CLOCK = HybridClock(f"server.{os.getpid()}" if os.environ.get("PEOPLE_DIARY_SERVE_WORKERS", "1") != "1"
                           else "server")


@dataclass
class Stored:
    entity: str
    record: dict[str, Any]
    field_hlc: dict[str, str] = field(default_factory=dict)
    field_by: dict[str, str] = field(default_factory=dict)
    seq: int = 0


class RecordCache:
    """Records read in bulk once per batch, then kept current as ops apply."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.rows: dict[str, Stored | None] = {}

    def load(self, ids: set[str]) -> None:
        wanted = [i for i in ids if i not in self.rows]
        r = s.records.c
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            for i in chunk:
                self.rows[i] = None
            query = select(r.id, r.entity, r.data, r.field_hlc, r.field_by, r.seq).where(r.id.in_(chunk))
            for row in self.session.execute(query):
                self.rows[row.id] = Stored(row.entity, json.loads(row.data), json.loads(row.field_hlc),
                                           json.loads(row.field_by), row.seq)

    def get(self, record_id: str) -> Stored | None:
        if record_id not in self.rows:
            self.load({record_id})
        return self.rows[record_id]

    def lookup(self, record_id: str) -> tuple[str, dict[str, Any]] | None:
        found = self.get(record_id)
        return (found.entity, found.record) if found else None

    def community_of_grid(self, grid_id: str | None) -> str | None:
        grid = self.get(grid_id) if grid_id else None
        return grid.record.get("community_id") if grid and grid.entity == "grid" else None

    def household_of(self, entity: str, record: dict[str, Any]) -> str | None:
        """The household a record belongs to: itself, its household_id, or (need
        events, comments) its parent's household."""
        if entity == "household":
            return record.get("id")
        if "household_id" in record or entity not in PARENTS:
            return record.get("household_id")
        field_name, _parent_entity = PARENTS[entity]
        parent = self.get(record[field_name]) if record.get(field_name) else None
        return parent.record.get("household_id") if parent else None


class SeqCounter:
    """Holds the change-sequence lock for one transaction; see module doc."""

    def __init__(self, session: Session) -> None:
        self.session = session
        c = s.counters.c
        session.execute(update(s.counters).where(c.name == "seq").values(value=c.value))  # takes the lock
        counted = session.execute(select(c.value).where(c.name == "seq")).scalar_one()
        # a bulk loader that forgot the counter must not make every later write collide
        highest = max(session.execute(select(func.max(table.c.seq))).scalar() or 0
                      for table in (s.records, s.scope_exits))
        self.value = self.start = max(counted, highest)
        self.counted = counted

    def next(self) -> int:
        self.value += 1
        return self.value

    def save(self) -> None:
        if self.value != self.counted:
            row = s.counters.c.name == "seq"
            self.session.execute(update(s.counters).where(row).values(value=self.value))
