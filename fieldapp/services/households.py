"""Households (一户一档): search, read, create/edit, and the full archive."""
from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from fieldapp.domain.cadence import RoundItem, round_item
from fieldapp.domain.enums import OPEN_NEED_STATUSES, Tag
from fieldapp.domain.errors import ValidationError
from fieldapp.domain.records import validate_fields

from .context import ServiceContext, utc_now_iso
from .search import HouseholdIndex

EDITABLE = ("address", "head_name", "members", "tags", "notes", "archived", "grid_id")


@dataclass
class HouseholdArchive:
    """Everything known about one household, for its archive screen."""

    household: dict[str, Any]
    entries: list[dict[str, Any]]  # diary entries, newest first
    needs: list[dict[str, Any]]  # every need, open ones first, then by deadline
    open_needs: list[dict[str, Any]]
    errands: list[dict[str, Any]]
    photos: list[dict[str, Any]]  # {sha256, consent, caption, entry_id, visited_at}, newest first
    last_visit: str | None
    cadence: RoundItem | None  # when it is next due
    tags: list[str] = field(default_factory=list)


class HouseholdService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx
        self._index = HouseholdIndex(ctx.store)
        threading.Thread(target=self._index.warm, name="household-index", daemon=True).start()

    def close(self) -> None:
        """Stop following the store's changes (the store may outlive this session)."""
        self._index.unsubscribe()

    def search_households(self, query: str, tag: str | None = None, limit: int = 50,
                          include_archived: bool = False) -> list[dict[str, Any]]:
        """Households whose member names, pinyin initials ("zhm" → 张红梅), full
        pinyin prefix, address or phone contain `query`; best matches first.
        An empty query lists households (by head name). `tag` narrows to one tag."""
        store = self._ctx.store
        if tag is not None and tag not in set(Tag):
            raise ValidationError("tag", "bad_choice", str(tag))
        query = (query or "").strip()
        if query:
            candidates = (store.get("household", hid) for hid in self._index.search(query))
        else:
            candidates = iter(sorted(store.all("household"), key=lambda h: h.get("head_name", "")))
        out: list[dict[str, Any]] = []
        for household in candidates:  # fetched lazily: only up to `limit` records are copied
            if household is None or (household.get("archived") and not include_archived):
                continue
            if tag and tag not in (household.get("tags") or []):
                continue
            out.append(household)
            if limit and len(out) >= limit:
                break
        return out

    def grids(self) -> list[dict[str, Any]]:
        """Grids I may put a household in ({id, name, community_id}), by name; a
        grid not pulled yet shows as {id, name: ""}."""
        mine = self._ctx.grid_ids
        held = {g["id"]: g for g in self._ctx.store.all("grid")}
        if not mine:  # staff: every grid of the community
            return sorted(held.values(), key=lambda g: g.get("name", ""))
        return sorted((held.get(g) or {"id": g, "name": ""} for g in mine), key=lambda g: g.get("name", ""))

    def get_household(self, household_id: str) -> dict[str, Any] | None:
        return self._ctx.store.get("household", household_id)

    def save_household(self, fields: dict[str, Any], household_id: str | None = None) -> dict[str, Any]:
        """Create (household_id None) or edit a household. Only fields that
        changed travel as the operation. An ID number typed in full is masked
        by the domain check before it is stored. Raises ValidationError."""
        unknown = set(fields) - set(EDITABLE)
        if unknown:
            raise ValidationError(sorted(unknown)[0], "unknown_field")
        if household_id is None:
            return self._create(fields)
        current = self._ctx.require("household", household_id)
        clean = validate_fields("household", fields, creating=False) if fields else {}
        if "grid_id" in clean:
            self._check_grid(clean["grid_id"])
        changed = {k: v for k, v in clean.items() if current.get(k) != v}
        if changed:
            self._ctx.store.write_local([("household", household_id, changed)], self._ctx.user_id)
        return self._ctx.require("household", household_id)

    def _create(self, fields: dict[str, Any]) -> dict[str, Any]:
        grids = self._ctx.grid_ids
        record = {"grid_id": grids[0] if grids else None, **fields, "created_at": utc_now_iso()}
        if record.get("grid_id") is None:
            raise ValidationError("grid_id", "required")
        clean = validate_fields("household", {k: v for k, v in record.items() if v is not None},
                                creating=True)
        self._check_grid(clean["grid_id"])
        household_id = str(uuid.uuid4())
        self._ctx.store.write_local([("household", household_id, clean)], self._ctx.user_id)
        return self._ctx.require("household", household_id)

    def _check_grid(self, grid_id: str) -> None:
        grids = self._ctx.grid_ids
        if grids and grid_id not in grids and self._ctx.user.get("role") == "worker":
            raise ValidationError("grid_id", "out_of_scope")

    def household_archive(self, household_id: str, today: date | None = None) -> HouseholdArchive:
        """Members, tags, entries, needs, errands and photos of one household."""
        store = self._ctx.store
        household = self._ctx.require("household", household_id)
        entries = store.entries_for_household(household_id)
        needs = store.find("need", "household_id", household_id)
        needs.sort(key=lambda n: (n.get("status") not in OPEN_NEED_STATUSES, n.get("deadline", "")))
        errands = store.find("errand", "household_id", household_id)
        errands.sort(key=lambda e: e.get("requested_at", ""), reverse=True)
        photos = [
            {**photo, "entry_id": entry["id"], "visited_at": entry.get("visited_at")}
            for entry in entries for photo in entry.get("photos") or []
        ]
        last = store.last_visit(household_id)
        cadence = None
        if household.get("created_at"):
            cadence = round_item(household, last, today or self._ctx.today(), store.community())
        return HouseholdArchive(
            household=household, entries=entries, needs=needs,
            open_needs=[n for n in needs if n.get("status") in OPEN_NEED_STATUSES],
            errands=errands, photos=photos, last_visit=last, cadence=cadence,
            tags=list(household.get("tags") or []),
        )
