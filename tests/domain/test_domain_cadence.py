"""fieldapp.domain.cadence: who is due, and in which order (三访)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from domain_samples import uid

from fieldapp.domain.cadence import (
    DEFAULT_REGULAR_INTERVAL_DAYS,
    day_start_stamp,
    in_cadence,
    interval_days,
    next_due,
    round_item,
    round_sort_key,
    to_day,
)

TODAY = date(2026, 3, 20)


@pytest.mark.parametrize(
    ("tags", "community", "days"),
    [
        ([], None, DEFAULT_REGULAR_INTERVAL_DAYS),
        (["living_alone"], None, 7),
        (["low_income"], None, 30),
        (["low_income", "empty_nest"], None, 14),  # the tightest tag wins
        (["empty_nest", "disabled"], None, 7),
        (["unknown_tag"], None, DEFAULT_REGULAR_INTERVAL_DAYS),
        (["living_alone"], {"cadence_days": {"living_alone": 3}}, 3),  # community override
        (["low_income", "living_alone"], {"cadence_days": {"living_alone": 45}}, 30),
        ([], {"regular_interval_days": 60}, 60),
        (["low_income"], {"regular_interval_days": 20}, 20),  # every household at least this often
        (["living_alone"], {"cadence_days": None, "regular_interval_days": None}, 7),
    ],
)
def test_interval_days(tags, community, days):
    assert interval_days(tags, community) == days


def test_to_day_accepts_timestamps_dates_and_datetimes():
    assert to_day("2026-03-01T09:30:00Z") == date(2026, 3, 1)
    assert to_day("2026-03-01") == date(2026, 3, 1)
    assert to_day(date(2026, 3, 1)) == date(2026, 3, 1)
    # the community's day is Beijing time: 23:00Z is already 07:00 the next day
    assert to_day(datetime(2026, 3, 1, 23, 0, tzinfo=UTC)) == date(2026, 3, 2)
    assert to_day(datetime(2026, 3, 1, 15, 59, tzinfo=UTC)) == date(2026, 3, 1)


def test_morning_visit_counts_on_its_local_day():
    # 07:30 in Changchun on 2 March is stored as 23:30Z on 1 March
    assert to_day("2026-03-01T23:30:00Z") == date(2026, 3, 2)
    assert day_start_stamp(date(2026, 3, 2)) == "2026-03-01T16:00:00Z"


def test_next_due():
    created = "2026-01-05T08:00:00Z"
    assert next_due(["living_alone"], None, created) == date(2026, 1, 5)  # never visited: due at once
    assert next_due(["living_alone"], "2026-03-01T10:00:00Z", created) == date(2026, 3, 8)
    assert next_due([], date(2026, 3, 1), created) == date(2026, 5, 30)
    assert next_due(
        ["living_alone"], "2026-03-01T10:00:00Z", created, {"cadence_days": {"living_alone": 2}}
    ) == date(2026, 3, 3)


def household(tags: list[str], created: str = "2026-01-05T08:00:00Z") -> dict:
    return {"id": uid(), "tags": tags, "created_at": created}


def test_round_item_fields():
    house = household(["living_alone"])
    item = round_item(house, "2026-03-10T10:00:00Z", TODAY)
    assert item.household_id == house["id"]
    assert item.due == date(2026, 3, 17)
    assert item.days_overdue == 3
    assert item.days_since_visit == 10
    assert item.special is True
    future = round_item(household([]), "2026-03-10T10:00:00Z", TODAY)
    assert future.days_overdue == -80 and future.special is False
    never = round_item(household([], created="2026-03-20T01:00:00Z"), None, TODAY)
    assert never.days_since_visit is None and never.days_overdue == 0


def test_round_order_most_urgent_first():
    overdue_ten = round_item(household([]), "2025-12-10T10:00:00Z", TODAY)  # due 2026-03-10
    overdue_three_special = round_item(household(["living_alone"]), "2026-03-10T10:00:00Z", TODAY)
    overdue_three_plain = round_item(household([]), "2025-12-17T10:00:00Z", TODAY)  # due 2026-03-17
    due_today_never = round_item(household([], created="2026-03-20T02:00:00Z"), None, TODAY)
    due_today_visited = round_item(household(["empty_nest"]), "2026-03-06T10:00:00Z", TODAY)
    not_due = round_item(household([]), "2026-03-01T10:00:00Z", TODAY)
    items = [
        not_due,
        due_today_visited,
        overdue_three_plain,
        due_today_never,
        overdue_three_special,
        overdue_ten,
    ]
    ordered = sorted(items, key=round_sort_key)
    # same days overdue: special before plain; then never visited before visited
    assert ordered == [
        overdue_ten,
        overdue_three_special,
        overdue_three_plain,
        due_today_visited,
        due_today_never,
        not_due,
    ]


def test_round_tie_on_overdue_and_special_puts_never_visited_first():
    never = round_item(household([], created="2026-03-10T02:00:00Z"), None, TODAY)  # due 03-10: 10 days
    visited = round_item(household([]), "2025-12-10T10:00:00Z", TODAY)  # due 03-10: 10 days
    assert sorted([visited, never], key=round_sort_key) == [never, visited]


def test_in_cadence_boundaries():
    assert in_cadence(["living_alone"], None, TODAY) is False
    assert in_cadence(["living_alone"], "2026-03-13T10:00:00Z", TODAY) is True  # 7 days: still in
    assert in_cadence(["living_alone"], "2026-03-12T10:00:00Z", TODAY) is False  # 8 days
    assert in_cadence([], "2025-12-20T10:00:00Z", TODAY) is True  # 90 days
    assert in_cadence(["living_alone"], "2026-03-12T10:00:00Z", TODAY, {"cadence_days": {"living_alone": 10}})
