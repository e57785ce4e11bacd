"""Pull: changed records in the caller's scope, paged by change sequence.

Rows are spliced into the response as the JSON text they are stored as:
no decode/encode per record, which keeps a grid pull fast. Scope exits
(server/exits.py) share the seq counter with records, so a page is the first
`limit` of both by seq and the cursor stays one number; an exit is sent as
`{"entity", "id", "seq", "removed": true}`.
"""
from __future__ import annotations

import json
from json.encoder import encode_basestring_ascii as _quoted
from typing import Any, NamedTuple

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from fieldapp.domain.enums import Role

from . import scope
from .auth import Principal
from .db import schema as s

COLUMNS = (s.records.c.id, s.records.c.entity, s.records.c.seq, s.records.c.data, s.records.c.field_hlc,
           s.records.c.field_by, s.records.c.household_id)
EXIT_COLUMNS = (s.scope_exits.c.seq, s.scope_exits.c.entity, s.scope_exits.c.record_id)
# _change_text reads rows by position: the prebuilt statements (scope.py) select the same columns
assert all(a is b for a, b in zip(COLUMNS + EXIT_COLUMNS, scope.PULL_COLUMNS + scope.EXIT_COLUMNS,
                                  strict=True))


class Exit(NamedTuple):
    seq: int
    entity: str
    record_id: str


def pull_page(session: Session, p: Principal, since: int, limit: int) -> tuple[list[str], int, bool]:
    """(change JSON texts, next cursor, more) for records and exits with seq > since."""
    if p.role == Role.VOLUNTEER:
        return _volunteer_page(session, p, since, limit)
    rows = _first_rows(session, scope.pull_queries(p), since, limit + 1)
    rows = _with_exits(session, p, rows, since, limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    changes = [_change_text(row) for row in rows]
    return changes, (rows[-1].seq if rows else since), more


def restart_needed(session: Session, p: Principal, since: int) -> bool:
    """Whether this device must be answered from 0: the user's grids grew (at seq
    p.scope_reset_seq, server/accounts.py) after its cursor, and it has not pulled
    from 0 since then. The answer is then the first page from 0: any client that
    follows `next` starts over by itself."""
    reset = p.scope_reset_seq
    if not reset or since == 0 or since >= reset:
        return False
    c = s.device_status.c
    marked = session.execute(select(c.full_pull_seq).where(
        c.user_id == p.user_id, c.device == (p.device or "unknown"))).scalar()
    return marked is None or marked < reset


def _first_rows(session: Session, queries: list[tuple[Any, dict[str, Any]]], since: int,
                count: int) -> list[Any]:
    """The first `count` rows by seq of any of `queries` (prebuilt statements and their
    parameters, server/scope.py pull_queries): one indexed query each, merged (an OR in
    one query would scan instead). Run on the session's connection: the statements are
    built once, so SQLAlchemy's compiled cache is hit without building a cache key."""
    rows: list[Any] = []
    connection = session.connection() if queries else None
    for statement, params in queries:
        rows += connection.execute(statement, {**params, "since": since, "count": count}).all()
    if len(queries) > 1:
        rows.sort(key=lambda row: row.seq)
    return rows[:count]


def _with_exits(session: Session, p: Principal, rows: list[Any], since: int, count: int) -> list[Any]:
    """The first `count` of `rows` and the caller's scope exits, by seq (seqs are unique
    across both: one counter)."""
    exits = [Exit(*row) for row in
             _first_rows(session, scope.exit_queries(p), since, count)]
    if not exits:
        return rows
    return sorted([*rows, *exits], key=lambda row: row.seq)[:count]


def _change_text(row: Any) -> str:
    # _quoted (json.encoder.encode_basestring_ascii) is what json.dumps(a str) calls:
    # the same text, without json.dumps's per-call overhead
    if isinstance(row, Exit):
        return (f'{{"entity":{_quoted(row.entity)},"id":{_quoted(row.record_id)},'
                f'"seq":{row.seq},"removed":true}}')
    # a row of COLUMNS, read by position: a SQLAlchemy Row's attributes cost ~0.4 µs each
    record_id, entity, seq, data, field_hlc, field_by = row[0], row[1], row[2], row[3], row[4], row[5]
    return (f'{{"entity":{_quoted(entity)},"id":{_quoted(record_id)},'
            f'"seq":{seq},"record":{data},"field_hlc":{field_hlc},"field_by":{field_by}}}')


def _volunteer_page(session: Session, p: Principal, since: int, limit: int) -> tuple[list[str], int, bool]:
    """Errands assigned to the volunteer, their community's public records, and
    each page's errands' households (reduced) — sent again with the errand so a
    newly assigned errand always arrives with its household — and their exits."""
    r = s.records.c
    households = select(r.household_id).where(r.entity == "errand", r.person_id == p.user_id)
    condition = or_(
        and_(r.entity == "errand", r.person_id == p.user_id),
        and_(r.entity == "household", r.id.in_(households)),
        scope.pull_filter(p),
    )
    rows = session.execute(
        select(*COLUMNS).where(r.seq > since, condition).order_by(r.seq).limit(limit + 1)).all()
    rows = _with_exits(session, p, rows, since, limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    cursor = rows[-1].seq if rows else since
    records = [row for row in rows if not isinstance(row, Exit)]
    page_households = {row.id for row in records if row.entity == "household"}
    wanted = {row.household_id for row in records if row.entity == "errand"} - page_households
    extra = session.execute(select(*COLUMNS).where(r.id.in_(sorted(wanted)))).all() if wanted else []
    rows = _drop_stale_household_exits(session, p, rows)
    changes = [_volunteer_change(row) for row in [*extra, *rows]]
    return changes, cursor, more


def _drop_stale_household_exits(session: Session, p: Principal, rows: list[Any]) -> list[Any]:
    """A household exit is stale once the volunteer holds an errand there again
    (reassigned back): dropping it keeps the household this page re-sends for it."""
    exits = {row.record_id for row in rows if isinstance(row, Exit) and row.entity == "household"}
    if not exits:
        return rows
    r = s.records.c
    held = {row.household_id for row in session.execute(select(r.household_id).where(
        r.entity == "errand", r.person_id == p.user_id, r.household_id.in_(sorted(exits))))}
    return [row for row in rows
            if not (isinstance(row, Exit) and row.entity == "household" and row.record_id in held)]


def _volunteer_change(row: Any) -> str:
    if isinstance(row, Exit) or row.entity != "household":
        return _change_text(row)
    record, field_hlc, field_by = scope.reduce_household(
        json.loads(row.data), json.loads(row.field_hlc), json.loads(row.field_by))
    return json.dumps({"entity": "household", "id": row.id, "seq": row.seq, "record": record,
                       "field_hlc": field_hlc, "field_by": field_by}, ensure_ascii=False)
