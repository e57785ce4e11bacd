"""How a need moves: which events are allowed from which status, and what
each event changes on the need. The app writes the event (append-only) and
the changed need fields as two operations; the server re-checks the result."""
from __future__ import annotations

from typing import Any

from .enums import NeedEventKind as E
from .enums import NeedStatus as S
from .errors import ValidationError

ACTIVE = {S.OPEN, S.ACCEPTED, S.ESCALATED}
ALLOWED_FROM: dict[str, set[str]] = {
    E.RAISED: {S.OPEN},
    E.ACCEPTED: {S.OPEN, S.ESCALATED},
    E.HANDED_OFF: ACTIVE,
    E.ESCALATED: {S.OPEN, S.ACCEPTED},
    E.ASSIGNED_ERRAND: ACTIVE,
    E.RESOLVED: ACTIVE,
    E.FOLLOWED_UP: {S.RESOLVED},
    E.CLOSED: {S.RESOLVED},
    E.NOTE: set(S),
}


def event_changes(need: dict[str, Any], kind: str, *, actor_id: str, at: str,
                  to_user_id: str | None = None, note: str = "",
                  follow_up: dict[str, Any] | None = None) -> dict[str, Any]:
    """The need fields an event changes; raises ValidationError if not allowed."""
    if not isinstance(kind, str) or kind not in ALLOWED_FROM:  # a 4xx reason, not a bare ValueError
        raise ValidationError("kind", "bad_choice", str(kind)[:40])
    status = need.get("status", S.OPEN)
    if status not in ALLOWED_FROM[E(kind)]:
        raise ValidationError("status", "transition_not_allowed", f"{kind} from {status}")
    if kind == E.ACCEPTED:
        return {"status": S.ACCEPTED.value, "owner_id": actor_id}
    if kind == E.HANDED_OFF:
        if not to_user_id:
            raise ValidationError("to_user_id", "required")
        # 首问负责: ownership moves only by this explicit hand-off
        return {"status": S.OPEN.value, "owner_id": to_user_id}
    if kind == E.ESCALATED:
        if not to_user_id:
            raise ValidationError("to_user_id", "required")
        return {"status": S.ESCALATED.value, "assignee_id": to_user_id}
    if kind == E.ASSIGNED_ERRAND:
        return {"assignee_id": to_user_id}
    if kind == E.RESOLVED:
        if not note.strip():
            raise ValidationError("outcome", "required")
        return {"status": S.RESOLVED.value, "outcome": note.strip(), "resolved_at": at}
    if kind == E.FOLLOWED_UP:
        if not follow_up:
            raise ValidationError("follow_up", "required")
        return {"follow_up": follow_up}
    if kind == E.CLOSED:
        if not need.get("follow_up"):
            raise ValidationError("status", "close_needs_follow_up")
        return {"status": S.CLOSED.value, "closed_at": at}
    return {}
