"""The people diary (民情日记): recording a visit, instantly and offline, and drafts."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from fieldapp.domain.cadence import to_day
from fieldapp.domain.deadlines import default_deadline
from fieldapp.domain.enums import Handling, NeedEventKind, NeedStatus, Urgency
from fieldapp.domain.errors import ValidationError
from fieldapp.domain.records import validate_fields

from .context import ServiceContext, utc_now_iso
from .photos_input import PhotoInput, process_all
from .sync_service import cached_photo_path

DRAFT_PREFIX = "draft:"


@dataclass
class NeedDraft:
    """A need raised during a visit. deadline None → the default for its handling type."""

    title: str
    details: str = ""
    urgency: str = Urgency.NORMAL.value
    handling: str = Handling.PROMISED.value
    deadline: date | str | None = None


@dataclass
class VisitResult:
    entry: dict[str, Any]
    needs: list[dict[str, Any]] = field(default_factory=list)
    photos: list[str] = field(default_factory=list)  # sha256 of each processed photo


def need_changes(ctx: ServiceContext, household: dict[str, Any], draft: NeedDraft, at: str,
                 entry_id: str | None, index: int) -> list[tuple[str, str, dict[str, Any]]]:
    """The need record and its 'raised' event, validated; field names carry the draft's index."""
    need_id = str(uuid.uuid4())
    try:
        handling = Handling(draft.handling).value
    except ValueError:
        raise ValidationError(f"needs[{index}].handling", "bad_choice", str(draft.handling)) from None
    deadline = draft.deadline or default_deadline(handling, to_day(at))
    fields = {
        "household_id": household["id"], "grid_id": household["grid_id"],
        "raised_in_entry_id": entry_id, "first_responder_id": ctx.user_id, "owner_id": ctx.user_id,
        "title": draft.title, "details": draft.details, "urgency": draft.urgency,
        "handling": handling, "deadline": str(deadline), "status": NeedStatus.OPEN.value, "raised_at": at,
    }
    try:
        clean = validate_fields("need", {k: v for k, v in fields.items() if v is not None}, creating=True)
    except ValidationError as err:
        raise ValidationError(f"needs[{index}].{err.field}", err.code, err.detail) from None
    event = {"need_id": need_id, "grid_id": household["grid_id"], "kind": NeedEventKind.RAISED.value,
             "actor_id": ctx.user_id, "at": at}
    return [("need", need_id, clean), ("need_event", str(uuid.uuid4()), event)]


def photo_ref(sha256: str, photo: PhotoInput) -> dict[str, Any]:
    ref: dict[str, Any] = {"sha256": sha256, "consent": photo.consent}
    if photo.caption:
        ref["caption"] = photo.caption
    return ref


class DiaryService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def record_visit(self, household_id: str, kind: str, notes: str = "",
                     categories: list[str] | tuple[str, ...] = (),
                     photos: list[PhotoInput] | tuple[PhotoInput, ...] = (),
                     needs: list[NeedDraft] | tuple[NeedDraft, ...] = (),
                     visited_at: str | None = None) -> VisitResult:
        """Save a visit with its photos and the needs raised, in one durable
        commit, offline. Everything is validated before anything is written;
        a ValidationError names the field (e.g. "notes", "needs[0].title",
        "photos[1].consent"). Photos without consent are refused."""
        ctx = self._ctx
        household = ctx.require("household", household_id)
        at = visited_at or utc_now_iso()
        entry_id = str(uuid.uuid4())
        entry = {"household_id": household_id, "grid_id": household["grid_id"], "worker_id": ctx.user_id,
                 "visited_at": at, "kind": kind, "notes": notes, "categories": list(categories)}
        validate_fields("diary_entry", entry, creating=True)  # fail before touching photos
        changes = [c for i, d in enumerate(needs) for c in need_changes(ctx, household, d, at, entry_id, i)]
        processed = process_all(list(photos), ctx.store.photo_dir)
        if processed:
            entry["photos"] = [photo_ref(p.sha256, src) for p, src in zip(processed, photos, strict=True)]
        ctx.write([("diary_entry", entry_id, entry), *changes], photos=processed)
        saved_needs = [ctx.require("need", rid) for entity, rid, _f in changes if entity == "need"]
        return VisitResult(ctx.require("diary_entry", entry_id), saved_needs, [p.sha256 for p in processed])

    def get_entry(self, entry_id: str) -> dict[str, Any] | None:
        return self._ctx.store.get("diary_entry", entry_id)

    def entries_for(self, household_id: str, limit: int | None = None) -> list[dict[str, Any]]:
        """Diary entries of one household, newest first."""
        return self._ctx.store.entries_for_household(household_id, limit)

    def my_entries(self, limit: int = 50) -> list[dict[str, Any]]:
        """My own diary entries, newest first."""
        entries = self._ctx.store.find("diary_entry", "worker_id", self._ctx.user_id)
        entries.sort(key=lambda e: e.get("visited_at", ""), reverse=True)
        return entries[:limit]

    def photo_path(self, sha256: str, thumb: bool = False) -> str | None:
        """Local file of a photo taken here or fetched before (services.sync.fetch_photo);
        None when it is only on the server."""
        info = self._ctx.store.photo_info(sha256)
        if info is not None:
            return info["thumb_path"] if thumb else info["path"]
        cached = cached_photo_path(self._ctx.store.photo_dir, sha256, thumb)
        return str(cached) if cached.exists() else None

    # --- drafts: what was typed survives a crash or a phone call ---------------------
    def save_draft(self, key: str, data: dict[str, Any]) -> None:
        self._ctx.store.set_meta(DRAFT_PREFIX + key, {"data": data, "saved_at": utc_now_iso()})

    def load_draft(self, key: str) -> dict[str, Any] | None:
        held = self._ctx.store.get_meta(DRAFT_PREFIX + key)
        return held["data"] if held else None

    def clear_draft(self, key: str) -> None:
        self._ctx.store.set_meta(DRAFT_PREFIX + key, None)

    def draft_keys(self) -> list[str]:
        return [k[len(DRAFT_PREFIX):] for k in self._ctx.store.meta_keys(DRAFT_PREFIX)]
