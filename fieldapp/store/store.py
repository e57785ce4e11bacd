"""The app's local store: records, outbox, conflicts, photos and meta for one user.

Every write is one journal commit (see journal.py), so a record and the
operation that describes it land together or not at all. Reads come from the
in-memory tables and indexes; nothing here touches the network.
"""
from __future__ import annotations

import functools
import logging
import os
import threading
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from fieldapp.domain.cadence import RoundItem, round_item, round_sort_key
from fieldapp.domain.hlc import HybridClock, Stamp
from fieldapp.domain.merge import merge_fields
from fieldapp.domain.operation import OP_KEYS, make_op
from fieldapp.domain.records import ENTITIES, check_invariants

from . import exits
from .indexes import FieldIndexes
from .journal import Change, JournalStorage, ensure_private_dir, gc_paused

KEY_FIELD = {"meta": "key", "outbox": "op_id", "conflicts": "id", "photos": "sha256"}
log = logging.getLogger(__name__)
CLAMPED_STAMP = "0000000000000:00000:clamped"  # loses to any real stamp
PRIVATE = ("_hlc", "_by", "_mine")  # per-record bookkeeping, never shown or sent
Listener = Callable[[list[tuple[str, str]]], None]


def default_data_dir() -> Path:
    """FLET_APP_STORAGE_DATA when Flet sets it, else a per-user directory."""
    env = os.environ.get("FLET_APP_STORAGE_DATA")
    if env:
        return Path(env)
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(base) / "people-diary"


def utc_now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def public(doc: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in doc.items() if k not in PRIVATE}


def expand(doc: dict[str, Any], key: str) -> dict[str, str]:
    """Per-field stamps / authors of a doc. A plain string means "the same for
    every field" — the usual case (a record written by one op), stored packed
    because it halves the snapshot and with it the time to open the store."""
    held = doc.get(key)
    if isinstance(held, str):
        return {name: held for name in doc if name != "id" and name not in PRIVATE}
    return dict(held or {})


def pack(per_field: dict[str, Any], record: dict[str, Any]) -> dict[str, Any] | Any:
    values = set(per_field.values())
    if len(values) == 1 and len(per_field) == len(record) - 1 and "id" in record:
        value = next(iter(values))
        if isinstance(value, str) and all(name in record for name in per_field):
            return value
    return per_field


def _locked(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def wrapper(self: Store, *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            return method(self, *args, **kwargs)

    return wrapper


class _Tx:
    """Collects the changes of one commit; reads see what the commit has put so far."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.changes: list[Change] = []
        self.deleted: list[tuple[str, str]] = []
        self.pending: dict[tuple[str, str], dict[str, Any] | None] = {}

    def get(self, table: str, key: str) -> dict[str, Any] | None:
        if (table, key) in self.pending:
            return self.pending[(table, key)]
        return self.store._doc(table, key)

    def put(self, table: str, key: str, doc: dict[str, Any]) -> None:
        self.changes.append((table, self.store._doc_id(table, key, create=True), doc))
        self.pending[(table, key)] = doc

    def delete(self, table: str, key: str) -> None:
        doc_id = self.store._doc_id(table, key, create=False)
        if doc_id is not None:
            self.changes.append((table, doc_id, None))
            self.deleted.append((table, key))
            self.pending[(table, key)] = None


class Store:
    """One user's local data. Thread-safe: public methods hold one lock."""

    def __init__(self, path: Path, user_id: str, device_id: str | None = None) -> None:
        self.path = path
        self.user_id = user_id
        ensure_private_dir(path)
        self._lock = threading.RLock()
        self._storage = JournalStorage(path)  # takes the directory's process lock
        self._keys: dict[str, dict[str, str]] = {}  # table -> key -> doc_id
        self._next_id: dict[str, int] = {}
        self.indexes = FieldIndexes()
        self._listeners: list[Listener] = []
        with gc_paused():
            self._rebuild()
        self.device_id = self._doc_value("device_id") or device_id or "d-" + uuid.uuid4().hex[:16]
        self.clock = HybridClock(self.device_id, last=self._doc_value("hlc"))
        if self._doc_value("device_id") is None:
            self.set_meta("device_id", self.device_id)
        self.photo_dir = path / "photos"
        ensure_private_dir(self.photo_dir)

    # --- lifecycle -------------------------------------------------------------
    @_locked
    def close(self) -> None:
        self._storage.close()

    @_locked
    def compact(self) -> None:
        self._storage.compact()

    @property
    def storage(self) -> JournalStorage:
        return self._storage

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call `listener([(entity, id), ...])` after each commit touching records."""
        self._listeners.append(listener)

        def unsubscribe() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return unsubscribe

    # --- internal table access ---------------------------------------------------
    def _rebuild(self) -> None:
        for table, docs in self._storage.tables.items():
            key_field = KEY_FIELD.get(table, "id")
            self._keys[table] = {doc[key_field]: doc_id for doc_id, doc in docs.items()}
            self._next_id[table] = max(map(int, docs), default=0) + 1
            if table in ENTITIES:
                self.indexes.build(table, list(docs.values()))

    def _doc_id(self, table: str, key: str, *, create: bool) -> str | None:
        keys = self._keys.setdefault(table, {})
        doc_id = keys.get(key)
        if doc_id is None and create:
            doc_id = str(self._next_id.get(table, 1))
            self._next_id[table] = int(doc_id) + 1
            keys[key] = doc_id
        return doc_id

    def _doc(self, table: str, key: str) -> dict[str, Any] | None:
        doc_id = self._keys.get(table, {}).get(key)
        return None if doc_id is None else self._storage.tables.get(table, {}).get(doc_id)

    def _docs(self, table: str) -> Iterable[dict[str, Any]]:
        return self._storage.tables.get(table, {}).values()

    def _doc_value(self, key: str) -> Any:
        doc = self._doc("meta", key)
        return None if doc is None else doc["value"]

    def _commit(self, tx: _Tx, durable: bool = True) -> None:
        if not tx.changes:
            return
        olds: dict[tuple[str, str], dict[str, Any] | None] = {}
        updates: list[tuple[str, dict[str, Any] | None, dict[str, Any] | None]] = []
        for table, doc_id, doc in tx.changes:
            if table in ENTITIES:
                old = olds.get((table, doc_id), self._storage.tables.get(table, {}).get(doc_id))
                updates.append((table, old, doc))
                olds[(table, doc_id)] = doc
        self._storage.commit(tx.changes, durable)
        for table, key in tx.deleted:  # forget the keys of deleted docs (unless put again)
            if self._doc(table, key) is None:
                self._keys[table].pop(key, None)
        for table, old, new in updates:
            self.indexes.update(table, old, new)
        touched = [(t, (n or o or {}).get("id", "")) for t, o, n in updates]
        if touched:
            for listener in list(self._listeners):
                try:
                    listener(touched)
                except Exception:  # the commit stands: a broken listener must not undo "saved"
                    log.exception("store listener failed")

    # --- meta ------------------------------------------------------------------
    @_locked
    def get_meta(self, key: str, default: Any = None) -> Any:
        value = self._doc_value(key)
        return default if value is None else value

    @_locked
    def set_meta(self, key: str, value: Any) -> None:
        """Durably set (or with None, remove) one meta value."""
        self.set_metas({key: value})

    @_locked
    def set_metas(self, values: dict[str, Any]) -> None:
        tx = _Tx(self)
        for key, value in values.items():
            if value is None:
                tx.delete("meta", key)
            else:
                tx.put("meta", key, {"key": key, "value": value})
        self._commit(tx)

    @_locked
    def meta_keys(self, prefix: str = "") -> list[str]:
        return [k for k in self._keys.get("meta", {}) if k.startswith(prefix) and self._doc("meta", k)]

    # --- records: reads ----------------------------------------------------------
    @_locked
    def get(self, entity: str, record_id: str) -> dict[str, Any] | None:
        """A shallow copy: treat nested lists/dicts as read-only (change records via write_local)."""
        doc = self._doc(entity, record_id)
        return None if doc is None else public(doc)

    @_locked
    def field_stamps(self, entity: str, record_id: str) -> dict[str, str]:
        doc = self._doc(entity, record_id)
        return expand(doc, "_hlc") if doc else {}

    @_locked
    def created_stamp(self, entity: str, record_id: str) -> str:
        """The HLC of a record's first write: orders records made in the same second."""
        doc = self._doc(entity, record_id)
        stamps = list(expand(doc, "_hlc").values()) if doc else []
        return min(stamps) if stamps else ""

    @_locked
    def all(self, entity: str) -> list[dict[str, Any]]:
        return [public(d) for d in self._docs(entity)]

    @_locked
    def count(self, entity: str) -> int:
        return len(self._storage.tables.get(entity, {}))

    @_locked
    def find(self, entity: str, field: str, value: Any) -> list[dict[str, Any]]:
        """Records whose indexed `field` equals `value` (see indexes.INDEXED_FIELDS)."""
        out = []
        for record_id in self.indexes.ids(entity, field, value):
            doc = self._doc(entity, record_id)
            if doc is not None:
                out.append(public(doc))
        return out

    @_locked
    def last_visit(self, household_id: str) -> str | None:
        return self.indexes.last_visit.get(household_id)

    @_locked
    def entries_for_household(self, household_id: str, limit: int | None = None) -> list[dict[str, Any]]:
        """Diary entries of one household, newest first."""
        entries = self.find("diary_entry", "household_id", household_id)
        entries.sort(key=lambda e: (e.get("visited_at", ""), e["id"]), reverse=True)
        return entries[:limit] if limit else entries

    @_locked
    def households_in_grids(self, grid_ids: Iterable[str]) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for grid_id in grid_ids:
            out.extend(self.find("household", "grid_id", grid_id))
        return out

    @_locked
    def community(self) -> dict[str, Any] | None:
        docs = list(self._docs("community"))
        return public(docs[0]) if docs else None

    @_locked
    def round_items(self, today: date, grid_ids: Iterable[str] | None = None) -> list[RoundItem]:
        """Every active household's cadence state, most urgent first."""
        return [item for item, _household in self.round_with_households(today, grid_ids)]

    @_locked
    def round_with_households(self, today: date, grid_ids: Iterable[str] | None = None,
                              due_within: int | None = None, limit: int | None = None,
                              ) -> list[tuple[RoundItem, dict[str, Any]]]:
        """(RoundItem, household) for active households, most urgent first; only
        those due within `due_within` days (None: all), at most `limit`."""
        community = self.community()
        if grid_ids is None:
            docs: Iterable[dict[str, Any]] = self._docs("household")
        else:
            ids = [i for g in grid_ids for i in self.indexes.ids("household", "grid_id", g)]
            docs = (d for d in (self._doc("household", i) for i in ids) if d is not None)
        pairs = [
            (round_item(d, self.indexes.last_visit.get(d["id"]), today, community), d)
            for d in docs
            if not d.get("archived") and d.get("created_at")
        ]
        if due_within is not None:
            pairs = [pair for pair in pairs if pair[0].days_overdue >= -due_within]
        pairs.sort(key=lambda pair: round_sort_key(pair[0]))
        return [(item, public(doc)) for item, doc in pairs[:limit]]

    @_locked
    def count_matching(self, entity: str, field: str, value: Any, statuses: Iterable[str]) -> int:
        """How many records with indexed `field` == value have a status in `statuses`."""
        wanted = set(statuses)
        docs = (self._doc(entity, i) for i in self.indexes.ids(entity, field, value))
        return sum(1 for d in docs if d is not None and d.get("status") in wanted)

    @_locked
    def needs_with_status(self, statuses: Iterable[str]) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for status in statuses:
            out.extend(self.find("need", "status", status))
        out.sort(key=lambda n: (n.get("deadline", ""), n.get("raised_at", "")))
        return out

    @_locked
    def comments_for(self, entry_id: str) -> list[dict[str, Any]]:
        comments = self.find("comment", "entry_id", entry_id)
        comments.sort(key=lambda c: c.get("at", ""))
        return comments

    # --- records: local writes ------------------------------------------------------
    @_locked
    def write_local(
        self, changes: list[tuple[str, str, dict[str, Any]]], author: str,
        meta: dict[str, Any] | None = None, photos: list[Any] | None = None,
    ) -> list[dict[str, Any]]:
        """Apply local changes [(entity, id, fields)] and queue their operations,
        all in one durable commit. Invariants are checked on every merged record
        first; a ValidationError leaves nothing written. Returns the operations."""
        tx = _Tx(self)
        ops = [self._stage_local(tx, entity, record_id, fields, author)
               for entity, record_id, fields in changes]
        for processed in photos or []:
            self._stage_photo(tx, processed)
        for key, value in (meta or {}).items():
            if value is None:
                tx.delete("meta", key)
            else:
                tx.put("meta", key, {"key": key, "value": value})
        tx.put("meta", "hlc", {"key": "hlc", "value": ops[-1]["hlc"] if ops else self.clock.now()})
        self._commit(tx)
        return ops

    def _stage_local(self, tx: _Tx, entity: str, record_id: str, fields: dict[str, Any],
                     author: str) -> dict[str, Any]:
        stamp = self.clock.now()
        doc = tx.get(entity, record_id) or {"id": record_id, "_hlc": {}, "_by": {}, "_mine": {}}
        merged = merge_fields(public(doc), expand(doc, "_hlc"), fields, stamp)
        check_invariants(entity, merged.record)
        by = {**expand(doc, "_by"), **{f: author for f in fields}}
        new_doc = {
            **merged.record,
            "_hlc": pack(merged.field_hlc, merged.record),
            "_by": pack(by, merged.record),
            "_mine": {**doc.get("_mine", {}), **{f: stamp for f in fields}},
        }
        tx.put(entity, record_id, new_doc)
        made = make_op(entity, record_id, dict(fields), stamp, author, self.device_id)
        op = {key: getattr(made, key) for key in OP_KEYS}  # not asdict(): no deep copy needed
        tx.put("outbox", op["op_id"], {**op, "status": "pending", "queued_at": utc_now_iso()})
        return op

    # --- sync engine interface --------------------------------------------------------
    @_locked
    def pending_ops(self, limit: int = 500) -> list[dict[str, Any]]:
        """Operations not yet acknowledged (rejected ones excluded), oldest first."""
        out: list[dict[str, Any]] = []
        for doc in self._docs("outbox"):
            if doc["status"] == "pending":
                out.append({k: doc[k] for k in OP_KEYS})
                if len(out) >= limit:
                    break
        return out

    @_locked
    def pending_count(self) -> int:
        return sum(1 for d in self._docs("outbox") if d["status"] == "pending")

    @_locked
    def ack(self, results: list[dict[str, Any]]) -> None:
        """Server verdicts: applied/duplicate leave the outbox; rejected stay with
        their reason and are not sent again."""
        tx = _Tx(self)
        for result in results:
            doc = tx.get("outbox", result.get("op_id", ""))
            if doc is None:
                continue
            if result.get("status") in ("applied", "duplicate"):
                tx.delete("outbox", doc["op_id"])
                if result.get("clamped"):
                    self._stage_unclaim(tx, doc)
            elif result.get("status") == "rejected":
                reason = result.get("reason") or {"code": "rejected"}
                tx.put("outbox", doc["op_id"], {**doc, "status": "rejected", "reason": reason,
                                                "rejected_at": utc_now_iso()})
        self._commit(tx)

    def _stage_unclaim(self, tx: _Tx, op: dict[str, Any]) -> None:
        """The server clamped this op's (future) HLC: our stamp on its fields is
        not the one the server keeps. Lower it so the server's echo, carrying the
        real stamp, replaces it instead of losing to it."""
        doc = tx.get(op["entity"], op["id"])
        if doc is None:
            return
        stamps, mine = expand(doc, "_hlc"), dict(doc.get("_mine", {}))
        for name in op["fields"]:
            if stamps.get(name) == op["hlc"]:
                stamps[name] = CLAMPED_STAMP
                mine.pop(name, None)
        tx.put(op["entity"], op["id"], {**doc, "_hlc": pack(stamps, public(doc)), "_mine": mine})

    @_locked
    def rejected_ops(self) -> list[dict[str, Any]]:
        """Rejected operations with the server's reason ({field, code, detail})."""
        return [dict(d) for d in self._docs("outbox") if d["status"] == "rejected"]

    @_locked
    def dismiss_rejected(self, op_id: str) -> None:
        """The user has read a rejection: drop it from the list."""
        tx = _Tx(self)
        doc = tx.get("outbox", op_id)
        if doc is not None and doc["status"] == "rejected":
            tx.delete("outbox", op_id)
        self._commit(tx)

    @_locked
    def apply_remote(self, change: dict[str, Any]) -> None:
        """Merge one pulled change {entity, id, record, field_hlc, field_by} per field by HLC,
        or apply a scope exit {entity, id, removed: true} (exits.py).
        Written without its own fsync: until the pull cursor is saved (a durable
        commit whose fsync covers this line) the change would simply be pulled again."""
        self.apply_remote_many([change], durable=False)

    @_locked
    def apply_remote_many(self, changes: list[dict[str, Any]], meta: dict[str, Any] | None = None,
                          durable: bool = True) -> None:
        """Merge a page of pulled changes, and e.g. the new pull cursor in `meta`,
        in ONE commit: one fsync per page instead of one per record."""
        tx = _Tx(self)
        newest = ""
        deferred = list(self._doc_value(exits.DEFERRED_KEY) or [])
        held_back = len(deferred)
        outbox_and_conflicts: set[tuple[str, str]] | None = None  # read at the page's first exit
        for change in changes:
            entity, record_id = change.get("entity"), change.get("id")
            if entity not in ENTITIES or not record_id:
                continue
            if change.get("removed") is True:
                if outbox_and_conflicts is None:
                    outbox_and_conflicts = self._unsettled(tx)
                unsettled = outbox_and_conflicts | self._staged_conflicts(tx)  # this page's too
                exits.stage_exit(self, tx, entity, record_id, deferred, unsettled)
                continue
            if [entity, record_id] in deferred:  # back in scope: the deferred exit is void
                deferred.remove([entity, record_id])
            self._stage_remote(tx, entity, record_id, change)
            stamps = [s for s in (change.get("field_hlc") or {}).values() if isinstance(s, str)]
            newest = max([newest, *stamps])
        if newest:
            self._observe(tx, newest)
        if deferred or held_back:
            self._stage_deferred(tx, deferred)
        for key, value in (meta or {}).items():
            if value is None:
                tx.delete("meta", key)
            else:
                tx.put("meta", key, {"key": key, "value": value})
        self._commit(tx, durable)

    def _stage_remote(self, tx: _Tx, entity: str, record_id: str, change: dict[str, Any]) -> None:
        record = {k: v for k, v in (change.get("record") or {}).items() if k != "id"}
        field_hlc = change.get("field_hlc") or {}
        field_by = change.get("field_by") or {}
        doc = tx.get(entity, record_id) or {"id": record_id, "_hlc": {}, "_by": {}, "_mine": {}}
        out, stamps = public(doc), expand(doc, "_hlc")
        by, mine = expand(doc, "_by"), dict(doc.get("_mine", {}))
        for name, value in record.items():
            theirs = field_hlc.get(name, "")
            merged = merge_fields({name: out.get(name)} if name in out else {},
                                  {name: stamps[name]} if name in stamps else {}, {name: value}, theirs)
            mine_stamp = mine.get(name)
            if name in merged.changed or merged.field_hlc.get(name) != stamps.get(name):
                if mine_stamp and self._is_conflict(mine_stamp, theirs, out.get(name), value):
                    self._stage_conflict(tx, entity, record_id, name, out.get(name), value,
                                         field_by.get(name), theirs)
                out[name], stamps[name] = value, theirs
                by[name] = field_by.get(name, by.get(name))
                if mine_stamp and theirs >= mine_stamp:
                    mine.pop(name, None)
            elif mine_stamp and theirs == mine_stamp:
                mine.pop(name, None)  # the server echoed our own write: confirmed
        by = {k: v for k, v in by.items() if v is not None}
        new_doc = {**out, "_hlc": pack(stamps, out), "_by": pack(by, out)}
        if mine:
            new_doc["_mine"] = mine
        tx.put(entity, record_id, new_doc)

    # --- scope exits (see exits.py) ------------------------------------------------------
    @_locked
    def settle_exits(self) -> None:
        """Apply the deferred scope exits that no pending op or open conflict holds back."""
        deferred = list(self._doc_value(exits.DEFERRED_KEY) or [])
        if not deferred:
            return
        tx = _Tx(self)
        self._stage_deferred(tx, exits.settle(self, tx, deferred, self._unsettled(tx)))
        self._commit(tx)

    @_locked
    def deferred_exits(self) -> list[tuple[str, str]]:
        """Records out of this user's scope, kept while their unsent work is settled."""
        return [(e, i) for e, i in self._doc_value(exits.DEFERRED_KEY) or []]

    def child_ids(self, entity: str, field: str, value: str) -> set[str]:
        return self.indexes.ids(entity, field, value)

    def _unsettled(self, tx: _Tx) -> set[tuple[str, str]]:
        """(entity, id) of records with a pending outbox op or an open conflict."""
        out = {(d["entity"], d["id"]) for d in self._docs("outbox") if d["status"] == "pending"}
        out |= {(d["entity"], d["record_id"]) for d in self._docs("conflicts")}
        return out | self._staged_conflicts(tx)

    @staticmethod
    def _staged_conflicts(tx: _Tx) -> set[tuple[str, str]]:
        return {(d["entity"], d["record_id"]) for (table, _k), d in tx.pending.items()
                if table == "conflicts" and d is not None}

    def _stage_deferred(self, tx: _Tx, deferred: list[list[str]]) -> None:
        if deferred:
            tx.put("meta", exits.DEFERRED_KEY, {"key": exits.DEFERRED_KEY, "value": deferred})
        else:
            tx.delete("meta", exits.DEFERRED_KEY)

    def _is_conflict(self, mine_stamp: str, theirs: str, mine_value: Any, their_value: Any) -> bool:
        try:
            their_node = Stamp.parse(theirs).node
        except ValueError:
            their_node = ""
        return theirs > mine_stamp and their_node != self.device_id and mine_value != their_value

    def _stage_conflict(self, tx: _Tx, entity: str, record_id: str, field: str, mine: Any,
                        theirs: Any, theirs_by: str | None, theirs_hlc: str) -> None:
        for old in list(self._docs("conflicts")):  # one open conflict per field
            if (old["entity"], old["record_id"], old["field"]) == (entity, record_id, field):
                tx.delete("conflicts", old["id"])
                mine = old["mine"]  # what the user typed, not an intermediate remote value
        conflict_id = str(uuid.uuid4())
        tx.put("conflicts", conflict_id, {
            "id": conflict_id, "entity": entity, "record_id": record_id, "field": field,
            "mine": mine, "theirs": theirs, "theirs_by": theirs_by, "theirs_hlc": theirs_hlc,
            "at": utc_now_iso(),
        })

    @_locked
    def conflicts(self) -> list[dict[str, Any]]:
        """Fields where someone else's newer change replaced one of ours."""
        return sorted((dict(d) for d in self._docs("conflicts")), key=lambda c: c["at"])

    @_locked
    def resolve_conflict(self, conflict_id: str, keep: str | bool,
                         author: str | None = None) -> dict[str, Any] | None:
        """keep="mine": re-apply our value as a new operation with a fresh HLC;
        keep="theirs": just clear the conflict. Returns the new op, if any.
        (keep=True / False are read as "mine" / "theirs".)"""
        if isinstance(keep, bool):
            keep = "mine" if keep else "theirs"
        if keep not in ("mine", "theirs"):
            raise ValueError("keep must be 'mine' or 'theirs'")
        conflict = self._doc("conflicts", conflict_id)
        if conflict is None:
            raise KeyError(conflict_id)
        tx = _Tx(self)
        op = None
        if keep == "mine":
            op = self._stage_local(tx, conflict["entity"], conflict["record_id"],
                                   {conflict["field"]: conflict["mine"]}, author or self.user_id)
            tx.put("meta", "hlc", {"key": "hlc", "value": op["hlc"]})
        tx.delete("conflicts", conflict_id)
        self._commit(tx)
        return op

    @_locked
    def observe_hlc(self, stamp: str) -> None:
        """Fold a server stamp into the clock and persist it, so later local stamps sort after it."""
        tx = _Tx(self)
        self._observe(tx, stamp)
        self._commit(tx)

    def _observe(self, tx: _Tx, stamp: str) -> None:
        try:
            self.clock.observe(stamp)
        except ValueError:
            return
        held = self._doc_value("hlc")
        if held is None or stamp > held:
            tx.put("meta", "hlc", {"key": "hlc", "value": stamp})

    # --- photos --------------------------------------------------------------------------
    @_locked
    def add_photo(self, processed: Any) -> None:
        """Register a processed photo (fieldapp.photos.ProcessedPhoto) for upload."""
        tx = _Tx(self)
        self._stage_photo(tx, processed)
        self._commit(tx)

    def _stage_photo(self, tx: _Tx, processed: Any) -> None:
        sha = processed.sha256
        held = tx.get("photos", sha)
        tx.put("photos", sha, {
            "sha256": sha, "path": str(processed.path), "thumb_path": str(processed.thumb_path),
            "width": processed.width, "height": processed.height, "bytes": processed.bytes,
            "uploaded": bool(held and held.get("uploaded")), "added_at": utc_now_iso(),
        })

    @_locked
    def pending_photos(self) -> list[str]:
        return [d["sha256"] for d in self._docs("photos") if not d.get("uploaded")]

    @_locked
    def photo_file(self, sha: str) -> Path:
        doc = self._doc("photos", sha)
        if doc is None:
            raise KeyError(sha)
        return Path(doc["path"])

    @_locked
    def photo_info(self, sha: str) -> dict[str, Any] | None:
        doc = self._doc("photos", sha)
        return dict(doc) if doc else None

    @_locked
    def mark_photo_uploaded(self, sha: str) -> None:
        doc = self._doc("photos", sha)
        if doc is not None and not doc.get("uploaded"):
            tx = _Tx(self)
            tx.put("photos", sha, {**doc, "uploaded": True})
            self._commit(tx)


def open_store(data_dir: str | os.PathLike[str], user_id: str, device_id: str | None = None) -> Store:
    """Open (creating if needed) the store of one user: <data_dir>/<user_id>/."""
    if not user_id or "/" in user_id or user_id.startswith("."):
        raise ValueError("bad user id for a store directory")
    root = Path(data_dir)
    ensure_private_dir(root)
    return Store(root / user_id, user_id, device_id)
