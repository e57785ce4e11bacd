"""Conflicts to review, with what a person needs to decide: which record it
is, who made the other change and when, and the names behind user ids.
Wording and formatting in the user's language is the view's
(fieldapp/views/conflict_text.py); this gathers the facts from the store."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from fieldapp.domain.hlc import wall_ms_of
from fieldapp.store import Store

# Records that belong to a household: the household says which one it is.
HOUSEHOLD_KEY = "household_id"


@dataclass
class ConflictReview:
    id: str
    entity: str
    record_id: str
    field: str
    mine: Any  # what this device had written (lost to a newer change)
    theirs: Any  # the newer value now held, from another device or person
    theirs_by: str | None  # user id of whoever made it, when the server said
    theirs_at: str | None  # when they made it (UTC ISO, from its HLC), None if unknown
    record: dict[str, Any]  # the record as it is now on this device
    household: dict[str, Any] | None = None  # for needs, errands, entries
    names: dict[str, str] = field(default_factory=dict)  # user id -> display name

    @property
    def theirs_by_name(self) -> str:
        return self.names.get(self.theirs_by or "", "")


def stamp_time(stamp: str | None) -> str | None:
    """The wall time of an HLC stamp as UTC ISO; None when it is not a stamp."""
    try:
        wall = wall_ms_of(stamp or "")
    except ValueError:
        return None
    moment = datetime.fromtimestamp(wall / 1000, UTC)
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def _strings(value: Any) -> list[str]:
    """Every string inside a value (user ids can sit in lists and objects)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def known_names(store: Store, me: dict[str, Any], values: list[Any]) -> dict[str, str]:
    """Display names of the users whose ids appear in `values`."""
    names: dict[str, str] = {}
    for text in {s for v in values for s in _strings(v)}:
        if text == me.get("id"):
            names[text] = me.get("display_name", "")
            continue
        user = store.get("user", text)
        if user and user.get("display_name"):
            names[text] = user["display_name"]
    return names


def review(store: Store, me: dict[str, Any], conflict: dict[str, Any]) -> ConflictReview:
    record = store.get(conflict["entity"], conflict["record_id"]) or {}
    household_id = record.get(HOUSEHOLD_KEY)
    household = store.get("household", household_id) if household_id else None
    mine, theirs, by = conflict.get("mine"), conflict.get("theirs"), conflict.get("theirs_by")
    return ConflictReview(
        id=conflict["id"], entity=conflict["entity"], record_id=conflict["record_id"],
        field=conflict["field"], mine=mine, theirs=theirs, theirs_by=by,
        theirs_at=stamp_time(conflict.get("theirs_hlc")), record=record, household=household,
        names=known_names(store, me, [mine, theirs, by]),
    )


def conflict_reviews(store: Store, me: dict[str, Any]) -> list[ConflictReview]:
    """Open conflicts, oldest first, each with its context."""
    return [review(store, me, c) for c in store.conflicts()]
