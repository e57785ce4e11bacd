"""Figures for coordinators (五定/考核), as pure functions over plain data.

Definitions (also in docs/DESK.md). A period is inclusive calendar days
[start, end], days in UTC like every other date rule in fieldapp.domain.

* Visits: diary entries whose `visited_at` falls in the period.
* Quota: the community's monthly quota pro-rated per calendar month:
  quota x (days of the period in that month / days of that month), summed.
  A whole calendar month is exactly the monthly quota.
* Coverage: special households (at least one tag, not archived) whose last
  visit on or before the period end is within their cadence as of the period
  end (`fieldapp.domain.cadence.in_cadence`), divided by all such households.
* Needs are counted as a cohort: the needs raised in the period, each as it
  stood at the end of the period (a later resolution does not count).
  - resolved: `resolved_at` on or before the period end;
  - on time: resolved on or before the deadline day (`resolved_on_time`);
  - average days to resolve: mean of (resolved_at - raised_at) in days;
  - closure rate 办结率 = closed (follow-up recorded and `closed_at` on or
    before the period end) / raised;
  - satisfaction rate 满意率 = (satisfied + basically satisfied) / follow-ups
    recorded on or before the period end; the strict rate counts satisfied
    only. No follow-ups: the rate is None (shown as "—"), never 100%.
"""
from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from fieldapp.domain.cadence import DEFAULT_MONTHLY_VISIT_QUOTA, day_start_stamp, in_cadence, to_day
from fieldapp.domain.deadlines import resolved_on_time
from fieldapp.domain.enums import NeedStatus, Satisfaction
from fieldapp.domain.errors import ValidationError

MAX_PERIOD_DAYS = 3 * 366


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @classmethod
    def parse(cls, start: str, end: str) -> Period:
        try:
            first, last = date.fromisoformat(start), date.fromisoformat(end)
        except (TypeError, ValueError):
            raise ValidationError("from", "not_date") from None
        if last < first:
            raise ValidationError("to", "period_reversed")
        if (last - first).days >= MAX_PERIOD_DAYS:
            raise ValidationError("to", "period_too_long")
        return cls(first, last)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def start_iso(self) -> str:
        """Lower bound for ISO 'Z' timestamps (string order = time order)."""
        return day_start_stamp(self.start)

    def end_iso(self) -> str:
        """Exclusive upper bound: the first instant after the period."""
        return day_start_stamp(self.end + timedelta(days=1))

    def holds(self, stamp: str | None) -> bool:
        return stamp is not None and self.start <= to_day(stamp) <= self.end

    def by_end(self, stamp: str | None) -> bool:
        """On or before the period's last local day. Stored stamps are
        normalised UTC "YYYY-MM-DDTHH:MM:SSZ" (domain checks.timestamp), so
        they compare as text with the period's UTC bound: no parsing."""
        return stamp is not None and stamp < self.end_iso()

    @property
    def end_day(self) -> str:
        return self.end.isoformat()

    @property
    def start_day(self) -> str:
        return self.start.isoformat()


def prorated_quota(monthly_quota: int | None, period: Period) -> float:
    """The monthly quota pro-rated to the period, month by month."""
    quota = DEFAULT_MONTHLY_VISIT_QUOTA if monthly_quota is None else monthly_quota
    total = 0.0
    day = period.start
    while day <= period.end:
        month_days = calendar.monthrange(day.year, day.month)[1]
        month_end = date(day.year, day.month, month_days)
        last = min(month_end, period.end)
        total += quota * ((last - day).days + 1) / month_days
        day = last + timedelta(days=1)
    return round(total, 2)


def ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


@dataclass(frozen=True)
class NeedFacts:
    """What the figures need from one need record."""

    raised_at: str
    deadline: str
    status: str
    resolved_at: str | None = None
    closed_at: str | None = None
    follow_up_at: str | None = None
    satisfaction: str | None = None

    @classmethod
    def of(cls, need: dict[str, Any]) -> NeedFacts:
        follow_up = need.get("follow_up") or {}
        return cls(
            raised_at=need["raised_at"],
            deadline=need["deadline"],
            status=need.get("status", NeedStatus.OPEN),
            resolved_at=need.get("resolved_at"),
            closed_at=need.get("closed_at"),
            follow_up_at=follow_up.get("at"),
            satisfaction=follow_up.get("satisfaction"),
        )


@dataclass
class NeedFigures:
    raised: int = 0
    resolved: int = 0
    resolved_on_time: int = 0
    on_time_rate: float | None = None
    avg_days_to_resolve: float | None = None
    closed: int = 0
    closure_rate: float | None = None
    follow_ups: int = 0
    satisfied: int = 0
    basically_satisfied: int = 0
    not_satisfied: int = 0
    satisfaction_rate: float | None = None
    satisfaction_rate_strict: float | None = None


def _days_between(start: str, end: str) -> float:
    parse = datetime.fromisoformat
    delta = parse(end.replace("Z", "+00:00")) - parse(start.replace("Z", "+00:00"))
    return delta.total_seconds() / 86400


@dataclass(frozen=True)
class NeedOutcome:
    """One need of the period's cohort, judged once as of the period end
    (so the community, grid and worker rows do not re-parse dates)."""

    resolved: bool
    on_time: bool
    days_to_resolve: float | None
    closed: bool
    follow_up: bool
    satisfaction: str | None


def assess(need: NeedFacts, period: Period) -> NeedOutcome | None:
    """None when the need was not raised in the period."""
    if not period.start_iso() <= need.raised_at < period.end_iso():
        return None
    resolved = period.by_end(need.resolved_at)
    follow_up = period.by_end(need.follow_up_at)
    return NeedOutcome(
        resolved=resolved,
        on_time=resolved and resolved_on_time(need.deadline, need.resolved_at),
        days_to_resolve=_days_between(need.raised_at, need.resolved_at) if resolved else None,
        closed=need.status == NeedStatus.CLOSED and period.by_end(need.closed_at),
        follow_up=follow_up,
        satisfaction=need.satisfaction if follow_up else None,
    )


def summarize(outcomes: Iterable[NeedOutcome]) -> NeedFigures:
    out = NeedFigures()
    resolve_days: list[float] = []
    for need in outcomes:
        out.raised += 1
        if need.resolved:
            out.resolved += 1
            out.resolved_on_time += need.on_time
            resolve_days.append(need.days_to_resolve or 0.0)
        out.closed += need.closed
        if need.follow_up:
            out.follow_ups += 1
            out.satisfied += need.satisfaction == Satisfaction.SATISFIED
            out.basically_satisfied += need.satisfaction == Satisfaction.BASICALLY
            out.not_satisfied += need.satisfaction == Satisfaction.NOT_SATISFIED
    out.on_time_rate = ratio(out.resolved_on_time, out.resolved)
    out.avg_days_to_resolve = round(sum(resolve_days) / len(resolve_days), 2) if resolve_days else None
    out.closure_rate = ratio(out.closed, out.raised)
    out.satisfaction_rate = ratio(out.satisfied + out.basically_satisfied, out.follow_ups)
    out.satisfaction_rate_strict = ratio(out.satisfied, out.follow_ups)
    return out


def need_figures(needs: Iterable[NeedFacts], period: Period) -> NeedFigures:
    return summarize(o for o in (assess(n, period) for n in needs) if o is not None)


@dataclass(frozen=True)
class HouseholdFacts:
    grid_id: str
    tags: tuple[str, ...]
    last_visit: str | None  # last diary entry on or before the period end


@dataclass
class Coverage:
    special_households: int = 0
    in_cadence: int = 0
    rate: float | None = None


def coverage(households: Iterable[HouseholdFacts], period: Period,
             community: dict[str, Any] | None = None) -> Coverage:
    out = Coverage()
    for household in households:
        if not household.tags:
            continue
        out.special_households += 1
        out.in_cadence += in_cadence(list(household.tags), household.last_visit, period.end, community)
    out.rate = ratio(out.in_cadence, out.special_households)
    return out


@dataclass
class FiguresRow:
    """One line of the report: a worker, a grid, or the whole community."""

    key: str
    label: str
    visits: int
    quota: float
    quota_rate: float | None
    coverage: Coverage = field(default_factory=Coverage)
    needs: NeedFigures = field(default_factory=NeedFigures)

    def as_dict(self) -> dict[str, Any]:
        return {**vars(self), "coverage": dict(vars(self.coverage)), "needs": dict(vars(self.needs))}


def figures_row(key: str, label: str, visits: int, quota: float, households: Iterable[HouseholdFacts],
                needs: Iterable[NeedOutcome], period: Period, community: dict[str, Any] | None) -> FiguresRow:
    """`needs`: the cohort's outcomes (see `assess`)."""
    quota_rate = round(visits / quota, 4) if quota else None
    return FiguresRow(key, label, visits, quota, quota_rate,
                      coverage(households, period, community), summarize(needs))
