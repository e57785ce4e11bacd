"""Applying operations to stored records, and seeding records directly.

`apply_batch` is what a push does: one transaction holding the change
sequence lock, each op checked in Python (envelope, duplicate, author,
scope, fields, merge, invariants) and written in its own SAVEPOINT, so one
bad op never blocks the others and nothing is half-written.

Change sequence: see server/rows.py (`SeqCounter`). What a write causes
beyond its own record (children moving with a household, scope exits) is
server/exits.py, written with the op in the same SAVEPOINT.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fieldapp.domain.errors import ValidationError
from fieldapp.domain.hlc import Stamp
from fieldapp.domain.merge import merge_fields
from fieldapp.domain.operation import Operation
from fieldapp.domain.records import ENTITIES, check_invariants, validate_fields

from . import scope
from .auth import Principal
from .db import schema as s
from .exits import consequences
from .rows import SERVER_CLOCK, RecordCache, SeqCounter, Stored
from .timeutil import now_iso

__all__ = ["SERVER_CLOCK", "OpResult", "RecordCache", "SeqCounter", "Stored", "apply_batch", "apply_op",
           "parse_ops", "seed", "seed_many"]
MAX_FUTURE_MS = 5 * 60 * 1000
# entity -> (person field, main time field)
PERSON_AND_TIME: dict[str, tuple[str | None, str | None]] = {
    "community": (None, None),
    "grid": (None, None),
    "user": ("id", None),
    "household": (None, "created_at"),
    "diary_entry": ("worker_id", "visited_at"),
    "need": ("owner_id", "raised_at"),
    "need_event": ("actor_id", "at"),
    "errand": ("volunteer_id", "requested_at"),
    "comment": ("author_id", "at"),
}


@dataclass
class OpResult:
    op_id: str
    status: str  # applied | duplicate | rejected
    reason: dict[str, str] | None = None
    clamped: bool = False

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"op_id": self.op_id, "status": self.status}
        if self.reason is not None:
            out["reason"] = self.reason
        if self.clamped:
            out["clamped"] = True
        return out


# ---------------------------------------------------------------- push

INSERT_RECORD = s.records.insert()
UPDATABLE = ("community_id", "grid_id", "household_id", "person_id", "status", "at", "deadline", "data",
             "field_hlc", "field_by", "seq", "updated_at")
UPDATE_RECORD = (update(s.records).where(s.records.c.id == bindparam("b_id"))
                 .values({name: bindparam(f"b_{name}") for name in UPDATABLE}))
INSERT_APPLIED = s.applied_ops.insert()
INSERT_EXIT = s.scope_exits.insert()
Rows = dict[str, tuple[Stored, bool]]  # id -> (final state, created in this batch)


class Writes:
    """What a batch writes. Bulk: collected and written at the end with
    executemany (the fast path). Per op: each op written at once in its own
    SAVEPOINT (the fallback when the bulk write hits a database conflict).
    An op's records are its own and those its write moved (exits.py)."""

    def __init__(self, session: Session, bulk: bool) -> None:
        self.session, self.bulk = session, bulk
        self.applied: list[dict[str, Any]] = []
        self.records: Rows = {}
        self.exits: list[dict[str, Any]] = []

    def add(self, applied: dict[str, Any], records: Rows, exits: list[dict[str, Any]],
            cache: RecordCache) -> None:
        if not self.bulk:
            with self.session.begin_nested():
                self.session.execute(INSERT_APPLIED, [applied])
                _write_rows(self.session, records, cache)
                if exits:
                    self.session.execute(INSERT_EXIT, exits)
            return
        self.applied.append(applied)
        self.exits += exits
        for record_id, (new, creating) in records.items():
            created_before = self.records.get(record_id, (None, False))[1]
            self.records[record_id] = (new, creating or created_before)

    def flush(self, cache: RecordCache) -> None:
        if self.applied:
            self.session.execute(INSERT_APPLIED, self.applied)
        _write_rows(self.session, self.records, cache)
        if self.exits:
            self.session.execute(INSERT_EXIT, self.exits)


def _write_rows(session: Session, records: Rows, cache: RecordCache) -> None:
    inserts, updates = [], []
    for record_id, (rec, creating) in records.items():
        values = _row(record_id, rec, cache)
        if creating:
            inserts.append({"id": record_id, "entity": rec.entity, **values})
        else:
            updates.append({"b_id": record_id, **{f"b_{k}": v for k, v in values.items()}})
    if inserts:
        session.execute(INSERT_RECORD, inserts)
    if updates:
        session.execute(UPDATE_RECORD, updates)


def _row(record_id: str, rec: Stored, cache: RecordCache) -> dict[str, Any]:
    values = row_values(rec.entity, record_id, rec.record, cache.community_of_grid)
    if values["household_id"] is None:  # need events, comments: their parent's household (exits.py)
        values["household_id"] = cache.household_of(rec.entity, rec.record)
    values.update(data=json.dumps(rec.record, ensure_ascii=False), field_hlc=json.dumps(rec.field_hlc),
                  field_by=json.dumps(rec.field_by), seq=rec.seq, updated_at=now_iso())
    return values


def apply_batch(session: Session, principal: Principal, raw_ops: list[Any],
                max_future_ms: int = MAX_FUTURE_MS, counter: SeqCounter | None = None) -> list[OpResult]:
    """Apply ops in order; the caller commits. Results are in the order of `raw_ops`
    (raw dicts, or what parse_ops made of them).
    Written in bulk under one SAVEPOINT; if the database refuses that, the
    batch is redone op by op, each in its own SAVEPOINT. `counter`: the seq
    counter of an enclosing group transaction (which then saves it)."""
    own_counter = counter is None
    counter = counter or SeqCounter(session)
    start = counter.value
    try:
        with session.begin_nested():
            results = _run(session, principal, raw_ops, max_future_ms, counter, Writes(session, bulk=True))
    except IntegrityError:
        counter.value = start
        results = _run(session, principal, raw_ops, max_future_ms, counter, Writes(session, bulk=False))
    if own_counter:
        counter.save()
    return results


def parse_ops(raw_ops: list[Any]) -> list[Operation | OpResult]:
    """Each raw op as an Operation, or its rejection (bad envelope). Needs no
    database: a push does it before queueing for the write lock."""
    return [_parse(raw) for raw in raw_ops]


def _run(session: Session, principal: Principal, raw_ops: list[Any], max_future_ms: int,
         counter: SeqCounter, writes: Writes) -> list[OpResult]:
    cache = RecordCache(session)
    parsed = [raw if isinstance(raw, Operation | OpResult) else _parse(raw) for raw in raw_ops]
    ops = [op for op in parsed if isinstance(op, Operation)]
    cache.load(_ids_to_load(ops))
    seen = _already_applied(session, [op.op_id for op in ops])
    results = []
    for item in parsed:
        if isinstance(item, OpResult):
            results.append(item)
        elif item.op_id in seen:
            results.append(OpResult(item.op_id, "duplicate"))
        else:
            result = _apply_one(principal, item, cache, counter, max_future_ms, writes)
            if result.status == "applied":
                seen.add(item.op_id)
            results.append(result)
    writes.flush(cache)
    return results


def apply_op(session: Session, principal: Principal, op: Operation | dict[str, Any]) -> OpResult:
    """Apply one op (as a push would); the caller commits."""
    raw = op.to_dict() if isinstance(op, Operation) else op
    return apply_batch(session, principal, [raw])[0]


def _parse(raw: Any) -> Operation | OpResult:
    op_id = raw.get("op_id") if isinstance(raw, dict) and isinstance(raw.get("op_id"), str) else None
    try:
        return Operation.from_dict(raw)
    except ValidationError as err:
        return OpResult(op_id or "", "rejected", err.as_dict())


def _ids_to_load(ops: list[Operation]) -> set[str]:
    ids: set[str] = set()
    for op in ops:
        ids.add(op.id)
        for name in ("household_id", "need_id", "entry_id", "raised_in_entry_id", "grid_id"):
            value = op.fields.get(name)
            if isinstance(value, str) and len(value) == 36:
                ids.add(value)
    return ids


def _already_applied(session: Session, op_ids: list[str]) -> set[str]:
    found: set[str] = set()
    c = s.applied_ops.c
    for start in range(0, len(op_ids), 500):
        chunk = op_ids[start:start + 500]
        found.update(row.op_id for row in session.execute(select(c.op_id).where(c.op_id.in_(chunk))))
    return found


def _apply_one(principal: Principal, op: Operation, cache: RecordCache, counter: SeqCounter,
               max_future_ms: int, writes: Writes) -> OpResult:
    try:
        stored, merged, hlc, clamped = _check(principal, op, cache, max_future_ms)
    except ValidationError as err:
        return OpResult(op.op_id, "rejected", err.as_dict())
    applied = {"op_id": op.op_id, "user_id": principal.user_id, "device": op.device, "applied_at": now_iso()}
    seq_before = counter.value
    new = None
    if stored is None or merged.changed:  # else every field was older than what is held
        field_by = dict(stored.field_by) if stored else {}
        for name in op.fields:
            if merged.field_hlc.get(name) == hlc:
                field_by[name] = principal.user_id
        new = Stored(op.entity, merged.record, merged.field_hlc, field_by, counter.next())
    follow = consequences(principal.user_id, op.id, stored, new, cache, counter)
    records: Rows = {op.id: (new, stored is None)} if new is not None else {}
    records.update((i, (child, False)) for i, child in follow.records.items())
    try:
        writes.add(applied, records, follow.exits, cache)
    except IntegrityError:
        cache.rows.pop(op.id, None)
        counter.value = seq_before  # per-op mode: nothing of this op was written
        return OpResult(op.op_id, "rejected", {"field": "id", "code": "conflict", "detail": ""})
    for record_id, (rec, _creating) in records.items():
        cache.rows[record_id] = rec
    return OpResult(op.op_id, "applied", clamped=clamped)


def _check(principal: Principal, op: Operation, cache: RecordCache,
           max_future_ms: int) -> tuple[Stored | None, Any, str, bool]:
    if op.author != principal.user_id:
        raise ValidationError("author", "author_mismatch")
    stored = cache.get(op.id)
    if stored is not None and stored.entity != op.entity:
        raise ValidationError("id", "entity_mismatch", stored.entity)
    fields = validate_fields(op.entity, op.fields, creating=stored is None)
    scope.check_write(principal, op.entity, op.id, stored.record if stored else None, fields, cache.lookup)
    hlc, clamped = effective_hlc(op.hlc, max_future_ms)
    base = stored.record if stored else {"id": op.id}
    merged = merge_fields(base, stored.field_hlc if stored else {}, fields, hlc)
    check_invariants(op.entity, merged.record)
    return stored, merged, hlc, clamped


def effective_hlc(stamp: str, max_future_ms: int = MAX_FUTURE_MS) -> tuple[str, bool]:
    """The op's stamp, or the server's own if the op's is too far ahead (clamped)."""
    wall = Stamp.parse(stamp).wall_ms
    physical = Stamp.parse(SERVER_CLOCK.now()).wall_ms
    if wall > physical + max_future_ms:
        return SERVER_CLOCK.now(), True
    SERVER_CLOCK.observe(stamp)
    return stamp, False


def row_values(entity: str, record_id: str, record: dict[str, Any], community_of_grid: Any) -> dict[str, Any]:
    """The indexed columns of a record row, derived from the record."""
    person_field, time_field = PERSON_AND_TIME[entity]
    grid_id = record_id if entity == "grid" else record.get("grid_id")
    if entity == "community":
        community_id = record_id
    elif entity in ("grid", "user"):
        community_id = record.get("community_id")
    else:
        community_id = community_of_grid(grid_id)
    household_id = record_id if entity == "household" else record.get("household_id")
    return {
        "community_id": community_id,
        "grid_id": grid_id,
        "household_id": household_id,
        "person_id": record.get(person_field) if person_field else None,
        "status": record.get("status") if entity in ("need", "errand") else None,
        "at": record.get(time_field) if time_field else None,
        "deadline": record.get("deadline") if entity == "need" else None,
    }


# ---------------------------------------------------------------- seeding

def seed(session: Session, entity: str, record_id: str, record: dict[str, Any], author_id: str) -> int:
    """Insert (or overwrite) one record directly, as the server (demo, import, users).
    Validates the record; returns its seq. The caller commits."""
    return seed_many(session, [(entity, record_id, record)], author_id)[-1]


def seed_many(session: Session, items: list[tuple[str, str, dict[str, Any]]], author_id: str) -> list[int]:
    """Insert records in the given (dependency) order under one seq lock, in bulk."""
    counter = SeqCounter(session)
    cache = RecordCache(session)
    cache.load({i for _, i, _ in items} | {r.get("grid_id") for _, _, r in items if r.get("grid_id")})
    writes = Writes(session, bulk=True)
    seqs = []
    for entity, record_id, record in items:
        body = {k: v for k, v in record.items() if k != "id"}
        clean = validate_fields(entity, body, creating=True)
        check_invariants(entity, clean)
        stamp = SERVER_CLOCK.now()
        rec = Stored(entity, {"id": record_id, **clean}, {k: stamp for k in clean},
                     {k: author_id for k in clean}, counter.next())
        creating = cache.get(record_id) is None or writes.records.get(record_id, (None, False))[1]
        writes.records[record_id] = (rec, creating)
        cache.rows[record_id] = rec
        seqs.append(rec.seq)
    writes.flush(cache)
    counter.save()
    return seqs


def known_entities() -> list[str]:
    return list(ENTITIES)
