"""Scope exits on the device: records the server says this user no longer reads
(pulled as `{"entity", "id", "seq", "removed": true}`; docs/SYNC.md "Scope exits").

The rule, so that nothing the user typed silently vanishes:
- The record and every local record under it (`PARENTS`: a household's diary
  entries, needs, errands, their need events and comments) leave the store
  and its indexes.
- Unless something of the user's is unsettled in that subtree: a pending
  (not yet answered) outbox op, or an open conflict. Then the whole exit is
  deferred (store meta `deferred_exits`) and the records stay. The op is sent
  on the next sync; the server answers it (out of scope → rejected, kept in
  the outbox with its fields and reason, shown on the sync screen). Once no
  pending op or conflict is left, `Store.settle_exits()` (run by the sync
  engine after every sync) applies the exit.
- A deferred record that the server sends again (it came back into scope)
  cancels its deferral.
"""
from __future__ import annotations

from typing import Any, Protocol

from fieldapp.domain.records import PARENTS

DEFERRED_KEY = "deferred_exits"  # store meta: [[entity, id], ...]
# parent entity -> [(child entity, field naming the parent)]
CHILDREN: dict[str, list[tuple[str, str]]] = {}
for _child, (_field, _parent) in PARENTS.items():
    CHILDREN.setdefault(_parent, []).append((_child, _field))

Key = tuple[str, str]  # (entity, id)


class Tx(Protocol):
    pending: dict[tuple[str, str], dict[str, Any] | None]

    def get(self, table: str, key: str) -> dict[str, Any] | None: ...

    def delete(self, table: str, key: str) -> None: ...


class Held(Protocol):
    """What of the store these functions read: ids by an indexed field (committed state)."""

    def child_ids(self, entity: str, field: str, value: str) -> set[str]: ...


def subtree(store: Held, tx: Tx, entity: str, record_id: str) -> list[Key]:
    """The record and every record under it held locally (committed or put in `tx`)."""
    out, todo = [], [(entity, record_id)]
    while todo:
        key = todo.pop()
        if tx.get(*key) is None:
            continue
        out.append(key)
        for child, field in CHILDREN.get(key[0], ()):
            ids = set(store.child_ids(child, field, key[1]))
            ids |= {k for (table, k), doc in tx.pending.items()
                    if table == child and doc is not None and doc.get(field) == key[1]}
            todo += [(child, i) for i in sorted(ids)]
    return out


def stage_exit(store: Held, tx: Tx, entity: str, record_id: str, deferred: list[list[str]],
               unsettled: set[Key]) -> None:
    """Drop the subtree in `tx`, or add it to `deferred` while `unsettled` (records with
    a pending op or an open conflict) holds any of it."""
    keys = subtree(store, tx, entity, record_id)
    if not keys:
        return
    if set(keys) & unsettled:
        if [entity, record_id] not in deferred:
            deferred.append([entity, record_id])
        return
    for table, key in keys:
        tx.delete(table, key)


def settle(store: Held, tx: Tx, deferred: list[list[str]], unsettled: set[Key]) -> list[list[str]]:
    """Apply the deferred exits that nothing holds back any more; returns those still deferred."""
    left = []
    for entity, record_id in deferred:
        keys = subtree(store, tx, entity, record_id)
        if set(keys) & unsettled:
            left.append([entity, record_id])
            continue
        for table, key in keys:
            tx.delete(table, key)
    return left
