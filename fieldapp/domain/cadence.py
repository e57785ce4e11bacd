"""Visit cadence (三访): when each household is next due.

Special households are visited on a tight schedule per tag (对口访); every
household at least every `regular_interval_days` (定期访). The community sets
the numbers; these are the defaults.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any

from .enums import Tag

DEFAULT_CADENCE_DAYS: dict[str, int] = {
    Tag.LIVING_ALONE: 7,
    Tag.EMPTY_NEST: 14,
    Tag.DISABLED: 7,
    Tag.LOW_INCOME: 30,
    Tag.BEREAVED_ONLY_CHILD: 7,
    Tag.COMMUNITY_CORRECTION: 7,
    Tag.SEVERE_MENTAL_ILLNESS: 7,
    Tag.ENTITLED_GROUP: 30,
}
DEFAULT_REGULAR_INTERVAL_DAYS = 90
DEFAULT_MONTHLY_VISIT_QUOTA = 40


def interval_days(tags: list[str], community: dict[str, Any] | None = None) -> int:
    """The tightest interval among the household's tags, else the regular one."""
    community = community or {}
    settings = {**DEFAULT_CADENCE_DAYS, **(community.get("cadence_days") or {})}
    regular = community.get("regular_interval_days") or DEFAULT_REGULAR_INTERVAL_DAYS
    return min([settings[t] for t in tags if t in settings] + [regular])


# A community's day is its local day: a visit at 07:00 in Changchun is that
# day's visit, though stored as 23:00Z the day before. China has one zone, no DST.
LOCAL_TZ = timezone(timedelta(hours=8), "Asia/Shanghai")


def to_day(value: str | date | datetime) -> date:
    """The local (community) day of a stored UTC stamp, a datetime or a date."""
    if isinstance(value, datetime):
        return value.astimezone(LOCAL_TZ).date() if value.tzinfo else value.date()
    if isinstance(value, date):
        return value
    if len(value) == 10:
        return date.fromisoformat(value)
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed.astimezone(LOCAL_TZ).date() if parsed.tzinfo else parsed.date()


def day_start_stamp(day: date) -> str:
    """The stored-form UTC stamp at which a local day begins, for range queries:
    stored stamps are "YYYY-MM-DDTHH:MM:SSZ", so string order is time order."""
    start = datetime.combine(day, time.min, LOCAL_TZ).astimezone(UTC)
    return start.strftime("%Y-%m-%dT%H:%M:%SZ")


def local_today() -> date:
    return datetime.now(LOCAL_TZ).date()


def next_due(
    tags: list[str],
    last_visit: str | date | None,
    created_at: str | date,
    community: dict[str, Any] | None = None,
) -> date:
    """Never visited: due from the day the household was registered."""
    if last_visit is None:
        return to_day(created_at)
    return to_day(last_visit) + timedelta(days=interval_days(tags, community))


@dataclass(frozen=True)
class RoundItem:
    household_id: str
    due: date
    days_overdue: int  # negative: due in that many days
    days_since_visit: int | None
    special: bool


def round_item(household: dict[str, Any], last_visit: str | None, today: date,
               community: dict[str, Any] | None = None) -> RoundItem:
    tags = household.get("tags") or []
    due = next_due(tags, last_visit, household["created_at"], community)
    since = (today - to_day(last_visit)).days if last_visit else None
    return RoundItem(household["id"], due, (today - due).days, since, bool(tags))


def round_sort_key(item: RoundItem) -> tuple[int, int, int]:
    """Most urgent first: most overdue, then special households, then never visited."""
    return (-item.days_overdue, 0 if item.special else 1, 0 if item.days_since_visit is None else 1)


def in_cadence(tags: list[str], last_visit: str | None, today: date,
               community: dict[str, Any] | None = None) -> bool:
    """Was the household visited within its interval, as of `today`?"""
    if last_visit is None:
        return False
    return (today - to_day(last_visit)).days <= interval_days(tags, community)
