"""Pull: changed records in the caller's scope, paged by change sequence.

Rows are spliced into the response as the JSON text they are stored as:
no decode/encode per record, which keeps a grid pull fast.
"""
from __future__ import annotations

import json
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from fieldapp.domain.enums import Role

from . import scope
from .auth import Principal
from .db import schema as s

COLUMNS = (s.records.c.id, s.records.c.entity, s.records.c.seq, s.records.c.data, s.records.c.field_hlc,
           s.records.c.field_by, s.records.c.household_id)


def pull_page(session: Session, p: Principal, since: int, limit: int) -> tuple[list[str], int, bool]:
    """(change JSON texts, next cursor, more) for records with seq > since."""
    if p.role == Role.VOLUNTEER:
        return _volunteer_page(session, p, since, limit)
    rows = _first_rows(session, scope.pull_filters(p), since, limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    changes = [_change_text(row) for row in rows]
    return changes, (rows[-1].seq if rows else since), more


def _first_rows(session: Session, conditions: list[Any], since: int, count: int) -> list[Any]:
    """The first `count` rows by seq matching any condition: one indexed query
    per condition, merged (an OR in one query would scan instead)."""
    r = s.records.c
    rows: list[Any] = []
    for condition in conditions:
        query = select(*COLUMNS).where(r.seq > since, condition).order_by(r.seq).limit(count)
        rows += session.execute(query).all()
    if len(conditions) > 1:
        rows.sort(key=lambda row: row.seq)
    return rows[:count]


def _change_text(row: Any) -> str:
    return (f'{{"entity":{json.dumps(row.entity)},"id":{json.dumps(row.id)},"seq":{row.seq},'
            f'"record":{row.data},"field_hlc":{row.field_hlc},"field_by":{row.field_by}}}')


def _volunteer_page(session: Session, p: Principal, since: int, limit: int) -> tuple[list[str], int, bool]:
    """Errands assigned to the volunteer, their community's public records, and
    each page's errands' households (reduced) — sent again with the errand so a
    newly assigned errand always arrives with its household."""
    r = s.records.c
    households = select(r.household_id).where(r.entity == "errand", r.person_id == p.user_id)
    condition = or_(
        and_(r.entity == "errand", r.person_id == p.user_id),
        and_(r.entity == "household", r.id.in_(households)),
        scope.pull_filter(p),
    )
    rows = session.execute(
        select(*COLUMNS).where(r.seq > since, condition).order_by(r.seq).limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    page_households = {row.id for row in rows if row.entity == "household"}
    wanted = {row.household_id for row in rows if row.entity == "errand"} - page_households
    extra = session.execute(select(*COLUMNS).where(r.id.in_(sorted(wanted)))).all() if wanted else []
    changes = [_volunteer_change(row) for row in [*extra, *rows]]
    return changes, (rows[-1].seq if rows else since), more


def _volunteer_change(row: Any) -> str:
    if row.entity != "household":
        return _change_text(row)
    record, field_hlc, field_by = scope.reduce_household(
        json.loads(row.data), json.loads(row.field_hlc), json.loads(row.field_by))
    return json.dumps({"entity": "household", "id": row.id, "seq": row.seq, "record": record,
                       "field_hlc": field_hlc, "field_by": field_by}, ensure_ascii=False)
