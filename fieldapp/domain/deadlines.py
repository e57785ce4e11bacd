"""Deadline rules (限期办理) per handling type, and how a deadline stands."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from .cadence import to_day
from .enums import Handling

# Days from the day a need is raised. 即办件 are handled on the spot.
DEFAULT_DEADLINE_DAYS: dict[str, int] = {
    Handling.IMMEDIATE: 0,
    Handling.ANSWER: 3,
    Handling.PROMISED: 7,
    Handling.JOINT: 15,
}
DUE_SOON_DAYS = 2


def default_deadline(handling: str, raised_on: date) -> date:
    return raised_on + timedelta(days=DEFAULT_DEADLINE_DAYS[Handling(handling)])


@dataclass(frozen=True)
class DeadlineState:
    state: str  # "overdue" | "due_soon" | "ok"
    days: int  # days left (>= 0) or days overdue (> 0 when overdue)


def deadline_state(deadline: str | date, today: date) -> DeadlineState:
    left = (to_day(deadline) - today).days
    if left < 0:
        return DeadlineState("overdue", -left)
    if left <= DUE_SOON_DAYS:
        return DeadlineState("due_soon", left)
    return DeadlineState("ok", left)


def resolved_on_time(deadline: str | date, resolved_at: str | None) -> bool:
    """On time when resolved on or before the deadline day."""
    return resolved_at is not None and to_day(resolved_at) <= to_day(deadline)
