"""fieldapp.domain.deadlines: 限期办理 per handling type."""

from __future__ import annotations

from datetime import date

import pytest

from fieldapp.domain.deadlines import DeadlineState, deadline_state, default_deadline, resolved_on_time

RAISED = date(2026, 3, 1)


@pytest.mark.parametrize(
    ("handling", "deadline"),
    [
        ("immediate", date(2026, 3, 1)),  # 即办件: the same day
        ("answer", date(2026, 3, 4)),
        ("promised", date(2026, 3, 8)),
        ("joint", date(2026, 3, 16)),
    ],
)
def test_default_deadline_per_handling(handling, deadline):
    assert default_deadline(handling, RAISED) == deadline


def test_unknown_handling():
    with pytest.raises(ValueError):
        default_deadline("whenever", RAISED)


@pytest.mark.parametrize(
    ("today", "state"),
    [
        (date(2026, 3, 1), DeadlineState("ok", 7)),
        (date(2026, 3, 5), DeadlineState("ok", 3)),
        (date(2026, 3, 6), DeadlineState("due_soon", 2)),
        (date(2026, 3, 8), DeadlineState("due_soon", 0)),  # the deadline day itself
        (date(2026, 3, 9), DeadlineState("overdue", 1)),
        (date(2026, 4, 8), DeadlineState("overdue", 31)),
    ],
)
def test_deadline_state(today, state):
    assert deadline_state("2026-03-08", today) == state
    assert deadline_state(date(2026, 3, 8), today) == state


@pytest.mark.parametrize(
    ("resolved_at", "on_time"),
    [
        (None, False),  # not resolved: not on time
        ("2026-03-02T09:00:00Z", True),
        ("2026-03-08T00:00:00Z", True),  # the deadline day counts
        ("2026-03-08T15:59:59Z", True),  # 23:59:59 Beijing time on the deadline day
        ("2026-03-08T16:00:00Z", False),  # midnight Beijing time: the day after
        ("2026-03-08T23:59:59Z", False),
        ("2026-03-08", True),
    ],
)
def test_resolved_on_time(resolved_at, on_time):
    assert resolved_on_time("2026-03-08", resolved_at) is on_time
    assert resolved_on_time(date(2026, 3, 8), resolved_at) is on_time
