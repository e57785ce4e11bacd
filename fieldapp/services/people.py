"""Users of my community (pulled from the server as entity "user"), for pickers."""
from __future__ import annotations

from typing import Any

from fieldapp.domain.enums import Role

from .context import ServiceContext


class PeopleService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def users(self, roles: tuple[str, ...] | None = None, include_me: bool = False) -> list[dict[str, Any]]:
        """Public user records, by display name."""
        out = [u for u in self._ctx.store.all("user")
               if (include_me or u["id"] != self._ctx.user_id) and (roles is None or u.get("role") in roles)]
        out.sort(key=lambda u: u.get("display_name", ""))
        return out

    def hand_off_candidates(self) -> list[dict[str, Any]]:
        """Workers and staff who can own a need."""
        return self.users((Role.WORKER, Role.COORDINATOR, Role.ADMIN))

    def escalation_targets(self) -> list[dict[str, Any]]:
        return self.users((Role.COORDINATOR, Role.ADMIN))

    def volunteers(self) -> list[dict[str, Any]]:
        return self.users((Role.VOLUNTEER,))

    def display_name(self, user_id: str | None) -> str:
        """A user's name; the id's first characters when not (yet) known."""
        if not user_id:
            return ""
        if user_id == self._ctx.user_id:
            return self._ctx.user.get("display_name", "")
        user = self._ctx.store.get("user", user_id)
        return user.get("display_name", user_id[:8]) if user else user_id[:8]
