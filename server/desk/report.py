"""The figures report for one community and period: whole community, per
grid, per worker. SQL aggregates feed the pure functions in figures.py."""
from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from sqlalchemy.orm import Session

from fieldapp.domain.enums import Role

from . import queries as q
from .figures import HouseholdFacts, NeedFacts, NeedOutcome, Period, assess, figures_row, prorated_quota


def _households(session: Session, community_id: str, period: Period) -> list[HouseholdFacts]:
    last = q.last_visits(session, community_id, period.end_iso())
    out = []
    for row in q.household_facts(session, community_id):
        if row.archived in (1, True, "true") or (row.created_at or "") >= period.end_iso():
            continue
        tags = row.tags if isinstance(row.tags, list) else json.loads(row.tags or "[]")
        out.append(HouseholdFacts(row.grid_id, tuple(tags), last.get(row.id)))
    return out


def build_report(session: Session, community_id: str, period: Period) -> dict[str, Any]:
    q.ensure_indexes(session)
    community = q.get_record(session, "community", community_id) or {"id": community_id}
    monthly = community.get("monthly_visit_quota")
    quota = prorated_quota(monthly, period)
    grids = q.grids(session, community_id)
    workers = [u for u in q.users(session, community_id) if u["role"] == Role.WORKER]
    counts = q.entry_counts(session, community_id, period.start_iso(), period.end_iso())
    households = _households(session, community_id, period)
    need_rows = q.needs_raised(session, community_id, period.start_iso(), period.end_iso())

    visits_by_grid: dict[str, int] = defaultdict(int)
    visits_by_worker: dict[str, int] = defaultdict(int)
    for row in counts:
        visits_by_grid[row.grid_id] += row.n
        visits_by_worker[row.person_id] += row.n
    households_by_grid: dict[str, list[HouseholdFacts]] = defaultdict(list)
    for household in households:
        households_by_grid[household.grid_id].append(household)
    needs_by_grid: dict[str, list[NeedOutcome]] = defaultdict(list)
    needs_by_worker: dict[str, list[NeedOutcome]] = defaultdict(list)
    all_needs: list[NeedOutcome] = []
    for row in need_rows:
        facts = NeedFacts(row.at, row.deadline, row.status, row.resolved_at, row.closed_at, row.fu_at,
                          row.satisfaction)
        outcome = assess(facts, period)
        if outcome is None:
            continue
        all_needs.append(outcome)
        needs_by_grid[row.grid_id].append(outcome)
        # per worker: the first responder (首问负责), who heard the need
        needs_by_worker[row.first_responder_id].append(outcome)

    grid_rows = [
        figures_row(g["id"], g.get("name", ""), visits_by_grid[g["id"]],
                    quota * _grid_workers(workers, g["id"]),
                    households_by_grid[g["id"]], needs_by_grid[g["id"]], period, community)
        for g in grids
    ]
    worker_rows = [
        figures_row(w["id"], w["display_name"], visits_by_worker[w["id"]], quota,
                    [h for gid in w["grid_ids"] for h in households_by_grid[gid]],
                    needs_by_worker[w["id"]], period, community)
        for w in sorted(workers, key=lambda u: u["display_name"] or "")
    ]
    total = figures_row(community_id, community.get("name", ""), sum(visits_by_grid.values()),
                        quota * len(workers), households,
                        all_needs, period, community)
    return {
        "community_id": community_id,
        "from": period.start.isoformat(), "to": period.end.isoformat(),
        "monthly_visit_quota": monthly, "quota_per_worker": quota,
        "community": total.as_dict(),
        "grids": [r.as_dict() for r in grid_rows],
        "workers": [r.as_dict() for r in worker_rows],
    }


def _grid_workers(workers: list[dict[str, Any]], grid_id: str) -> int:
    """A grid's quota is its workers' quotas (a worker in two grids counts in each)."""
    return sum(1 for w in workers if grid_id in w["grid_ids"])
