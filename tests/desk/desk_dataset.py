"""A small fixed community whose March 2026 figures are worked out by hand.

Community quota 30/month; living_alone cadence 7 days, disabled 7 (default).
  Grid 1 (worker w1): H1 living_alone, H2 ordinary.   Grid 2 (worker w2): H3 disabled.
  Visits in March: w1 -> H1 on 10th and 28th, H2 on 15th; w2 -> H3 on 5th.
  (w1 -> H2 on 20 Feb is outside the period.)
  Coverage as of 31 March: H1 visited 3 days before (in), H3 26 days (out).
  Needs raised in March (first responder in brackets):
    N1 [w1] raised 2nd 01:00, deadline 9th, resolved 9th 01:00 (deadline day: on time),
       follow-up satisfied, closed 12th.
    N2 [w1] raised 3rd 01:00, deadline 10th, resolved 11th 01:00 (a day late), follow-up
       basically satisfied, not closed.
    N3 [w2] raised 20th, deadline 27th, accepted, unresolved (overdue on the board).
    N4 [w2] raised 25 Feb: outside the period.
Expected (community): visits 4 of quota 60; coverage 1/2; raised 3, resolved 2,
on time 1 (0.5), average 7.5 days, closed 1 (办结率 1/3), follow-ups 2,
satisfaction 1.0 lenient, 0.5 strict.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

PERIOD = ("2026-03-01", "2026-03-31")
Record = tuple[str, str, dict[str, Any]]


def uid(name: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "desk-test/" + name))


@dataclass
class Dataset:
    community_id: str
    grid1: str
    grid2: str
    records: list[Record] = field(default_factory=list)
    ids: dict[str, str] = field(default_factory=dict)


SETTINGS = {"monthly_visit_quota": 30, "cadence_days": {"living_alone": 7}, "regular_interval_days": 90}


def build(w1: str, w2: str, suffix: str = "", ids: tuple[str, str, str] | None = None) -> Dataset:
    """`ids`: (community, grid 1, grid 2) when they exist already (made by the
    server's create-user); otherwise they are made here, with the settings."""
    c, g1, g2 = ids or (uid("c" + suffix), uid("g1" + suffix), uid("g2" + suffix))
    h = {n: uid(n + suffix) for n in ("H1", "H2", "H3")}
    ds = Dataset(c, g1, g2, ids={**h})
    if ids is None:
        ds.records += [
            ("community", c, {"name": "测试社区" + suffix, **SETTINGS}),
            ("grid", g1, {"community_id": c, "name": "一网格"}),
            ("grid", g2, {"community_id": c, "name": "二网格"}),
        ]
    ds.records += [
        _household(h["H1"], g1, "张桂兰", ["living_alone"], "1"),
        _household(h["H2"], g1, "李建国", [], "2"),
        _household(h["H3"], g2, "王德发", ["disabled"], "3"),
    ]
    for name, worker, household, grid, day, notes, categories in [
        ("E1", w1, "H1", g1, "2026-03-10", "老人身体还好，需要换灯泡", ["elderly_care"]),
        ("E2", w1, "H1", g1, "2026-03-28", "送去米面油", ["elderly_care", "health"]),
        ("E3", w1, "H2", g1, "2026-03-15", "邻里纠纷已调解", ["disputes"]),
        ("E4", w2, "H3", g2, "2026-03-05", "轮椅需要维修", ["disability_aid"]),
        ("E0", w1, "H2", g1, "2026-02-20", "二月走访", ["safety"]),
    ]:
        ds.ids[name] = uid(name + suffix)
        ds.records.append(("diary_entry", ds.ids[name], {
            "household_id": h[household], "grid_id": grid, "worker_id": worker,
            "visited_at": f"{day}T02:00:00Z", "kind": "regular", "notes": notes, "categories": categories}))
    follow = {"by": w1, "notes": ""}
    needs = [
        ("N1", w1, "H1", g1, "E1", "2026-03-02", "2026-03-09", {
            "status": "closed", "outcome": "已换", "resolved_at": "2026-03-09T01:00:00Z",
            "follow_up": {**follow, "at": "2026-03-12T01:00:00Z", "satisfaction": "satisfied"},
            "closed_at": "2026-03-12T01:00:00Z"}),
        ("N2", w1, "H2", g1, "E3", "2026-03-03", "2026-03-10", {
            "status": "resolved", "outcome": "已办", "resolved_at": "2026-03-11T01:00:00Z",
            "follow_up": {**follow, "at": "2026-03-12T01:00:00Z", "satisfaction": "basically"}}),
        ("N3", w2, "H3", g2, "E4", "2026-03-20", "2026-03-27", {"status": "accepted"}),
        ("N4", w2, "H3", g2, None, "2026-02-25", "2026-03-04", {"status": "open"}),
    ]
    for name, worker, household, grid, entry, raised, deadline, extra in needs:
        ds.ids[name] = uid(name + suffix)
        need = {"household_id": h[household], "grid_id": grid, "first_responder_id": worker,
                "owner_id": worker, "title": f"诉求{name}", "urgency": "normal", "handling": "promised",
                "deadline": deadline, "raised_at": f"{raised}T01:00:00Z", **extra}
        if entry:
            need["raised_in_entry_id"] = ds.ids[entry]
        ds.records.append(("need", ds.ids[name], need))
    return ds


def _household(record_id: str, grid: str, head: str, tags: list[str], room: str) -> Record:
    return ("household", record_id, {
        "grid_id": grid, "address": {"street": "幸福小区", "building": "5", "unit": "2", "room": room},
        "head_name": head, "members": [{"name": head, "relation": "head"}], "tags": tags,
        "created_at": "2025-01-01T00:00:00Z"})
