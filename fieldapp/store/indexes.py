"""In-memory secondary indexes, rebuilt on open and kept current on every put."""
from __future__ import annotations

from collections import defaultdict
from typing import Any

# entity -> fields indexed by value (value -> set of record ids)
INDEXED_FIELDS: dict[str, tuple[str, ...]] = {
    "household": ("grid_id",),
    "diary_entry": ("household_id", "worker_id"),
    "need": ("status", "owner_id", "assignee_id", "household_id"),
    "need_event": ("need_id",),
    "errand": ("volunteer_id", "status", "household_id", "need_id"),
    "comment": ("entry_id",),
    "grid": ("community_id",),
    "user": ("community_id",),
}


class FieldIndexes:
    """value -> ids for the fields of INDEXED_FIELDS, plus last visit per household."""

    def __init__(self) -> None:
        self._by: dict[tuple[str, str], dict[Any, set[str]]] = defaultdict(lambda: defaultdict(set))
        self.last_visit: dict[str, str] = {}  # household id -> newest visited_at

    def ids(self, entity: str, field: str, value: Any) -> set[str]:
        if field not in INDEXED_FIELDS.get(entity, ()):
            raise KeyError(f"{entity}.{field} is not indexed")
        return self._by[(entity, field)].get(value, set())

    def values(self, entity: str, field: str) -> list[Any]:
        return [v for v, ids in self._by[(entity, field)].items() if ids]

    def build(self, entity: str, docs: list[dict[str, Any]]) -> None:
        """Bulk version of `update` for opening a store."""
        for field in INDEXED_FIELDS.get(entity, ()):
            index = self._by[(entity, field)]
            for doc in docs:
                value = doc.get(field)
                if value is not None and _hashable(value):
                    index[value].add(doc["id"])
        if entity == "diary_entry":
            last = self.last_visit
            for doc in docs:
                household, at = doc.get("household_id"), doc.get("visited_at")
                if household and at and at > last.get(household, ""):
                    last[household] = at

    def update(self, entity: str, old: dict[str, Any] | None, new: dict[str, Any] | None) -> None:
        record_id = (new or old or {}).get("id")
        for field in INDEXED_FIELDS.get(entity, ()):
            before = old.get(field) if old else None
            after = new.get(field) if new else None
            if old is not None and before == after and new is not None:
                continue
            index = self._by[(entity, field)]
            if old is not None and before is not None and _hashable(before):
                index[before].discard(record_id)
            if new is not None and after is not None and _hashable(after):
                index[after].add(record_id)
        if entity == "household" and new is None:  # left the device: its entries go with it
            self.last_visit.pop(record_id, None)
        if entity == "diary_entry" and new is not None:
            household, at = new.get("household_id"), new.get("visited_at")
            if household and at and at > self.last_visit.get(household, ""):
                self.last_visit[household] = at


def _hashable(value: Any) -> bool:
    return isinstance(value, str | int | bool)
