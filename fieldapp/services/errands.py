"""Errands (代办): a volunteer's list and the steps of one errand."""
from __future__ import annotations

import uuid
from typing import Any

from fieldapp.domain.enums import ErrandStatus as S
from fieldapp.domain.enums import ErrandType, NeedEventKind, Role
from fieldapp.domain.errors import ValidationError

from .context import ServiceContext, utc_now_iso
from .photos_input import PhotoInput, process_all

STATUS_ORDER = {S.IN_PROGRESS: 0, S.ASSIGNED: 1, S.REQUESTED: 2, S.DONE: 3, S.CONFIRMED: 4}


class ErrandService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def my_errands(self, status: str | None = None) -> list[dict[str, Any]]:
        """Errands assigned to me (staff: all held), active ones first."""
        store = self._ctx.store
        if self._ctx.user.get("role") in (Role.COORDINATOR, Role.ADMIN):
            errands = store.all("errand")
        else:
            errands = store.find("errand", "volunteer_id", self._ctx.user_id)
        if status is not None:
            errands = [e for e in errands if e.get("status") == status]
        errands.sort(key=lambda e: (STATUS_ORDER.get(e.get("status"), 9), e.get("requested_at", "")))
        return errands

    def get(self, errand_id: str) -> dict[str, Any] | None:
        return self._ctx.store.get("errand", errand_id)

    def household_of(self, errand: dict[str, Any]) -> dict[str, Any] | None:
        """The household (for a volunteer: address, head name, members' phones)."""
        return self._ctx.store.get("household", errand["household_id"])

    def request(self, household_id: str, errand_type: str, details: str = "",
                need_id: str | None = None, volunteer_id: str | None = None) -> dict[str, Any]:
        """A worker or coordinator asks for an errand, optionally for a need and a volunteer."""
        household = self._ctx.require("household", household_id)
        if errand_type not in set(ErrandType):
            raise ValidationError("type", "bad_choice", str(errand_type))
        errand_id, at = str(uuid.uuid4()), utc_now_iso()
        fields: dict[str, Any] = {
            "household_id": household_id, "grid_id": household["grid_id"], "type": errand_type,
            "details": details, "status": (S.ASSIGNED if volunteer_id else S.REQUESTED).value,
            "requested_at": at,
        }
        if volunteer_id:
            fields["volunteer_id"] = volunteer_id
        changes: list[tuple[str, str, dict[str, Any]]] = []
        if need_id:
            need = self._ctx.require("need", need_id)
            fields["need_id"] = need_id
            event = {"need_id": need_id, "grid_id": need["grid_id"], "actor_id": self._ctx.user_id,
                     "kind": NeedEventKind.ASSIGNED_ERRAND.value, "at": at}
            if volunteer_id:
                event["to_user_id"] = volunteer_id
            changes.append(("need_event", str(uuid.uuid4()), event))
        self._ctx.write([("errand", errand_id, fields), *changes])
        return self._ctx.require("errand", errand_id)

    def start(self, errand_id: str) -> dict[str, Any]:
        """assigned → in progress. A volunteer may also take an unassigned one."""
        errand = self._require_status(errand_id, {S.REQUESTED, S.ASSIGNED})
        fields: dict[str, Any] = {"status": S.IN_PROGRESS.value, "started_at": utc_now_iso()}
        if not errand.get("volunteer_id"):
            fields["volunteer_id"] = self._ctx.user_id
        return self._save(errand_id, fields)

    def complete(self, errand_id: str, receipt_photo: PhotoInput | None = None,
                 details: str | None = None) -> dict[str, Any]:
        """Done, with the receipt photo (a receipt needs no resident consent)."""
        self._require_status(errand_id, {S.ASSIGNED, S.IN_PROGRESS})
        fields: dict[str, Any] = {"status": S.DONE.value, "done_at": utc_now_iso()}
        if details is not None:
            fields["details"] = details
        processed = []
        if receipt_photo is not None:
            processed = process_all([receipt_photo], self._ctx.store.photo_dir, require_consent=False)
            fields["receipt_photo"] = processed[0].sha256
        return self._save(errand_id, fields, processed)

    def confirm(self, errand_id: str, note: str = "") -> dict[str, Any]:
        """The resident confirms the errand was done."""
        self._require_status(errand_id, {S.DONE})
        return self._save(errand_id, {"status": S.CONFIRMED.value, "resident_confirmed": True,
                                      "confirmation_note": note, "confirmed_at": utc_now_iso()})

    def _require_status(self, errand_id: str, allowed: set[str]) -> dict[str, Any]:
        errand = self._ctx.require("errand", errand_id)
        if errand.get("status") not in allowed:
            raise ValidationError("status", "transition_not_allowed", str(errand.get("status")))
        return errand

    def _save(self, errand_id: str, fields: dict[str, Any],
              photos: list[Any] | None = None) -> dict[str, Any]:
        self._ctx.write([("errand", errand_id, fields)], photos=photos)
        return self._ctx.require("errand", errand_id)
