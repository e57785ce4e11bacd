"""Pending help (诉求/待办): my needs by bucket, and every step of a need's life.

Each step writes an append-only need_event and the need fields it changes
(fieldapp.domain.needs.event_changes) in one commit. A follow-up visit (回访)
also writes a diary entry of kind "follow_up", so it counts as a visit.
"""
from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from fieldapp.domain.deadlines import DeadlineState, deadline_state
from fieldapp.domain.enums import OPEN_NEED_STATUSES, NeedEventKind, Role, Satisfaction, VisitKind
from fieldapp.domain.errors import ValidationError
from fieldapp.domain.needs import event_changes

from .context import ServiceContext, utc_now_iso
from .diary import NeedDraft, need_changes

BUCKETS = ("open", "due_soon", "overdue", "to_follow_up", "all")
URGENCY_ORDER = {"critical": 0, "urgent": 1, "normal": 2}


def need_sort_key(need: dict[str, Any]) -> tuple[str, int, str]:
    urgency = URGENCY_ORDER.get(need.get("urgency", ""), 3)
    return (need.get("deadline", ""), urgency, need.get("raised_at", ""))


class NeedService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    # --- reading ---------------------------------------------------------------
    def my_needs(self, bucket: str = "open", today: date | None = None) -> list[dict[str, Any]]:
        """Needs I own or am assigned (staff: all needs held), by bucket:
        "open" (open/accepted/escalated), "due_soon", "overdue" (open ones by
        deadline), "to_follow_up" (resolved, awaiting the follow-up visit), "all".
        Soonest deadline first, then most urgent."""
        if bucket not in BUCKETS:
            raise ValidationError("bucket", "bad_choice", bucket)
        today = today or self._ctx.today()
        needs = [n for n in self._mine() if self._in_bucket(n, bucket, today)]
        needs.sort(key=need_sort_key)
        return needs

    def bucket_counts(self, today: date | None = None) -> dict[str, int]:
        today = today or self._ctx.today()
        mine = self._mine()
        return {b: sum(1 for n in mine if self._in_bucket(n, b, today)) for b in BUCKETS}

    def _mine(self) -> list[dict[str, Any]]:
        store = self._ctx.store
        if self._ctx.user.get("role") in (Role.COORDINATOR, Role.ADMIN):
            return store.all("need")
        found = {n["id"]: n for n in store.find("need", "owner_id", self._ctx.user_id)}
        found.update({n["id"]: n for n in store.find("need", "assignee_id", self._ctx.user_id)})
        return list(found.values())

    @staticmethod
    def _in_bucket(need: dict[str, Any], bucket: str, today: date) -> bool:
        status = need.get("status")
        if bucket == "all":
            return True
        if bucket == "to_follow_up":
            return status == "resolved"
        if status not in OPEN_NEED_STATUSES:
            return False
        return bucket == "open" or deadline_state(need["deadline"], today).state == bucket

    def get(self, need_id: str) -> dict[str, Any] | None:
        return self._ctx.store.get("need", need_id)

    def needs_for_household(self, household_id: str) -> list[dict[str, Any]]:
        needs = self._ctx.store.find("need", "household_id", household_id)
        needs.sort(key=need_sort_key)
        return needs

    def history(self, need_id: str) -> list[dict[str, Any]]:
        """The need's events, oldest first."""
        store = self._ctx.store
        events = store.find("need_event", "need_id", need_id)
        events.sort(key=lambda e: (e.get("at", ""), store.created_stamp("need_event", e["id"])))
        return events

    def deadline_label(self, need: dict[str, Any], today: date | None = None) -> DeadlineState:
        """state "overdue" | "due_soon" | "ok" and days (left, or overdue)."""
        return deadline_state(need["deadline"], today or self._ctx.today())

    # --- steps -------------------------------------------------------------------
    def raise_need(self, household_id: str, draft: NeedDraft, entry_id: str | None = None) -> dict[str, Any]:
        """Raise a need outside a visit (e.g. by phone). I own it (首问负责)."""
        household = self._ctx.require("household", household_id)
        changes = need_changes(self._ctx, household, draft, utc_now_iso(), entry_id, 0)
        self._ctx.write(changes)
        return self._ctx.require("need", changes[0][1])

    def accept(self, need_id: str, note: str = "") -> dict[str, Any]:
        return self._step(need_id, NeedEventKind.ACCEPTED, note=note)

    def hand_off(self, need_id: str, to_user_id: str, note: str = "") -> dict[str, Any]:
        """Give ownership to someone else (the only way ownership moves)."""
        self._check_user(to_user_id)
        return self._step(need_id, NeedEventKind.HANDED_OFF, to_user_id=to_user_id, note=note)

    def escalate(self, need_id: str, to_user_id: str, note: str = "") -> dict[str, Any]:
        """一对接: hand up to staff or a leader, who becomes the assignee."""
        self._check_user(to_user_id)
        return self._step(need_id, NeedEventKind.ESCALATED, to_user_id=to_user_id, note=note)

    def resolve(self, need_id: str, outcome: str) -> dict[str, Any]:
        return self._step(need_id, NeedEventKind.RESOLVED, note=outcome)

    def add_note(self, need_id: str, note: str) -> dict[str, Any]:
        if not (note or "").strip():
            raise ValidationError("note", "required")
        return self._step(need_id, NeedEventKind.NOTE, note=note)

    def record_follow_up(self, need_id: str, satisfaction: str, notes: str = "") -> dict[str, Any]:
        """回访: the resident's satisfaction. Also writes a diary entry of kind
        follow_up for the household (same commit), so the visit is counted."""
        if satisfaction not in set(Satisfaction):
            raise ValidationError("satisfaction", "bad_choice", str(satisfaction))
        need = self._ctx.require("need", need_id)
        at = utc_now_iso()
        follow_up = {"at": at, "by": self._ctx.user_id, "satisfaction": satisfaction, "notes": notes}
        entry = {"household_id": need["household_id"], "grid_id": need["grid_id"],
                 "worker_id": self._ctx.user_id, "visited_at": at, "kind": VisitKind.FOLLOW_UP.value,
                 "notes": notes}
        extra = [("diary_entry", str(uuid.uuid4()), entry)]
        return self._step(need_id, NeedEventKind.FOLLOWED_UP, note=notes, follow_up=follow_up, at=at,
                          extra=extra)

    def close(self, need_id: str) -> dict[str, Any]:
        """办结; refused (close_needs_follow_up) before the follow-up visit."""
        return self._step(need_id, NeedEventKind.CLOSED)

    def _step(self, need_id: str, kind: str, *, to_user_id: str | None = None, note: str = "",
              follow_up: dict[str, Any] | None = None, at: str | None = None,
              extra: list[tuple[str, str, dict[str, Any]]] | None = None) -> dict[str, Any]:
        need = self._ctx.require("need", need_id)
        at = at or utc_now_iso()
        changes = event_changes(need, kind, actor_id=self._ctx.user_id, at=at, to_user_id=to_user_id,
                                note=note, follow_up=follow_up)
        event = {"need_id": need_id, "grid_id": need["grid_id"], "kind": str(kind),
                 "actor_id": self._ctx.user_id, "at": at}
        if to_user_id:
            event["to_user_id"] = to_user_id
        if note.strip():
            event["note"] = note
        batch = [("need_event", str(uuid.uuid4()), event)]
        if changes:
            batch.append(("need", need_id, changes))
        self._ctx.write(batch + (extra or []))
        return self._ctx.require("need", need_id)

    def _check_user(self, user_id: str) -> None:
        if not user_id:
            raise ValidationError("to_user_id", "required")
        if user_id == self._ctx.user_id:
            raise ValidationError("to_user_id", "same_user")
        users = self._ctx.store.count("user")
        if users and self._ctx.store.get("user", user_id) is None:
            raise ValidationError("to_user_id", "not_found")
