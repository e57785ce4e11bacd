"""Coordinators' reviews (点评) of diary entries."""
from __future__ import annotations

import uuid
from typing import Any

from fieldapp.domain.enums import Role
from fieldapp.domain.errors import ValidationError

from .context import ServiceContext, utc_now_iso


class CommentService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def comments_for(self, entry_id: str) -> list[dict[str, Any]]:
        """Comments on one diary entry, oldest first."""
        return self._ctx.store.comments_for(entry_id)

    def add_comment(self, entry_id: str, text: str) -> dict[str, Any]:
        """Staff only (the server checks too)."""
        if self._ctx.user.get("role") not in (Role.COORDINATOR, Role.ADMIN):
            raise ValidationError("role", "forbidden")
        entry = self._ctx.require("diary_entry", entry_id)
        comment_id = str(uuid.uuid4())
        self._ctx.write([("comment", comment_id, {"entry_id": entry_id, "grid_id": entry["grid_id"],
                                                  "author_id": self._ctx.user_id, "at": utc_now_iso(),
                                                  "text": text})])
        return self._ctx.require("comment", comment_id)
