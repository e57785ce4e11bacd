"""What a write does beyond its own record: children that move with their
household, and scope exits (records that leave someone's pull scope).

- Household moved to another grid: every child (diary entries, needs,
  errands, need events, comments: `PARENTS`) gets the new grid_id and a new
  seq, so the new grid's users pull the whole history. The child's grid_id
  stamp is a fresh server stamp above both the move's stamp and the child's
  own grid_id stamp (so it wins every device's per-field merge); its field_by
  is the user who moved the household.
- Scope exits, one row each, pulled as `{"entity", "id", "seq", "removed": true}`:
  the household (devices drop its children with it) for workers of the old grid
  who do not hold the new one, and for the old community's coordinators if it
  left the community; a reassigned errand for its previous volunteer, and its
  household too when that volunteer has no other errand there.

All seqs come from the batch's SeqCounter, in the op's transaction/SAVEPOINT.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from fieldapp.domain.records import PARENTS

from .db import schema as s
from .rows import SERVER_CLOCK, RecordCache, SeqCounter, Stored
from .timeutil import now_iso

CHILD_ENTITIES = tuple(PARENTS)


@dataclass
class Consequences:
    records: dict[str, Stored] = field(default_factory=dict)  # id -> new state (moved children)
    exits: list[dict[str, Any]] = field(default_factory=list)  # scope_exits rows


def consequences(user_id: str, record_id: str, stored: Stored | None, new: Stored | None,
                 cache: RecordCache, counter: SeqCounter) -> Consequences:
    """The server-made writes that follow from `stored` becoming `new`."""
    out = Consequences()
    if stored is None or new is None:
        return out
    if new.entity == "household" and stored.record.get("grid_id") != new.record.get("grid_id"):
        _move_household(out, user_id, record_id, stored, new, cache, counter)
    if new.entity == "errand":
        _reassign_errand(out, record_id, stored, new, cache, counter)
    return out


def exit_row(seq: int, entity: str, record_id: str, *, grid_id: str | None = None,
             to_grid_id: str | None = None, community_id: str | None = None,
             user_id: str | None = None) -> dict[str, Any]:
    return {"seq": seq, "entity": entity, "record_id": record_id, "grid_id": grid_id,
            "to_grid_id": to_grid_id, "community_id": community_id, "user_id": user_id, "at": now_iso()}


# ---------------------------------------------------------------- household moved

def _move_household(out: Consequences, user_id: str, household_id: str, stored: Stored, new: Stored,
                    cache: RecordCache, counter: SeqCounter) -> None:
    old_grid, new_grid = stored.record.get("grid_id"), new.record.get("grid_id")
    SERVER_CLOCK.observe(new.field_hlc["grid_id"])
    for child_id in sorted(children_of(cache, household_id)):
        child = cache.get(child_id)
        if child is None:
            continue
        if child.field_hlc.get("grid_id"):
            SERVER_CLOCK.observe(child.field_hlc["grid_id"])
        out.records[child_id] = Stored(
            child.entity, {**child.record, "grid_id": new_grid},
            {**child.field_hlc, "grid_id": SERVER_CLOCK.now()}, {**child.field_by, "grid_id": user_id},
            counter.next())
    old_community, new_community = cache.community_of_grid(old_grid), cache.community_of_grid(new_grid)
    out.exits.append(exit_row(
        counter.next(), "household", household_id, grid_id=old_grid, to_grid_id=new_grid,
        community_id=old_community if old_community != new_community else None))


def children_of(cache: RecordCache, household_id: str) -> set[str]:
    """Ids of every record of the household: those in the database (one seek on
    records (household_id, entity)) and those created earlier in this batch."""
    r = s.records.c
    query = select(r.id).where(r.household_id == household_id, r.entity.in_(CHILD_ENTITIES))
    found = {row.id for row in cache.session.execute(query)}
    cache.load(found)
    for record_id, held in list(cache.rows.items()):
        if held is not None and held.entity in CHILD_ENTITIES and record_id not in found \
                and cache.household_of(held.entity, held.record) == household_id:
            found.add(record_id)
    return found


# ---------------------------------------------------------------- errand reassigned

def _reassign_errand(out: Consequences, errand_id: str, stored: Stored, new: Stored, cache: RecordCache,
                     counter: SeqCounter) -> None:
    before = stored.record.get("volunteer_id")
    if not before or before == new.record.get("volunteer_id"):
        return
    out.exits.append(exit_row(counter.next(), "errand", errand_id, user_id=before))
    household_id = new.record.get("household_id")
    if household_id and not _holds_other_errand(cache, before, household_id, errand_id):
        out.exits.append(exit_row(counter.next(), "household", household_id, user_id=before))


def _holds_other_errand(cache: RecordCache, volunteer_id: str, household_id: str, errand_id: str) -> bool:
    """Whether the volunteer has another errand in the household, as of this op
    (the cache holds this batch's earlier writes, not yet in the database)."""
    r = s.records.c
    query = select(r.id).where(r.entity == "errand", r.person_id == volunteer_id,
                               r.household_id == household_id)
    ids = {row.id for row in cache.session.execute(query)}
    cache.load(ids)
    ids |= {i for i, held in cache.rows.items() if held is not None and held.entity == "errand"}
    for other in ids - {errand_id}:
        held = cache.get(other)
        if held is not None and held.record.get("volunteer_id") == volunteer_id \
                and held.record.get("household_id") == household_id:
            return True
    return False
