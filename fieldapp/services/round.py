"""My round (三访): the households due or overdue for a visit, most urgent first."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from fieldapp.domain.cadence import RoundItem
from fieldapp.domain.enums import OPEN_NEED_STATUSES

from .context import ServiceContext


@dataclass
class RoundEntry:
    item: RoundItem  # household_id, due, days_overdue (<0: due in N days), days_since_visit, special
    household: dict[str, Any]
    last_visit: str | None
    open_needs: int


class RoundService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def my_round(self, today: date | None = None, horizon_days: int = 0,
                 limit: int | None = None) -> list[RoundEntry]:
        """Households of my grids due by `today + horizon_days`, most urgent first
        (most overdue, then special households, then never visited)."""
        store = self._ctx.store
        today = today or self._ctx.today()
        grids = self._ctx.grid_ids or None
        out: list[RoundEntry] = []
        for item, household in store.round_with_households(today, grids, horizon_days, limit):
            open_needs = store.count_matching("need", "household_id", item.household_id, OPEN_NEED_STATUSES)
            out.append(RoundEntry(item, household, store.last_visit(item.household_id), open_needs))
        return out

    def round_counts(self, today: date | None = None) -> dict[str, int]:
        """{"overdue": n, "due_today": n} for a badge."""
        items = self._ctx.store.round_items(today or self._ctx.today(), self._ctx.grid_ids or None)
        return {
            "overdue": sum(1 for i in items if i.days_overdue > 0),
            "due_today": sum(1 for i in items if i.days_overdue == 0),
        }
