"""Review of diary entries: filtered keyset pages, detail, comments (点评).

The list is ordered by (at DESC, id DESC) on the (entity, community_id, at)
index and paged with a keyset cursor "at|id", so page 100 costs what page 1
does. Filters on indexed columns run in SQL; filters inside the JSON
(category, free text) run as a LIKE pre-filter in SQL and are re-checked on
the decoded record; tag and has-needs are checked per batch.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from fieldapp.domain.enums import ServiceCategory, Tag
from fieldapp.domain.operation import new_id

from . import queries as q
from .common import audit, fail, now_iso, scoped_row, write
from .figures import Period

MAX_LIMIT = 200
MAX_SCAN = 20_000  # rows examined per request before returning a short page
CURSOR_RE = re.compile(r"^(\d{4}-\d\d-\d\dT[\d:]{8}Z)\|([0-9a-f-]{36})$")


@dataclass
class ReviewFilter:
    grid_id: str | None = None
    worker_id: str | None = None
    period: Period | None = None
    category: str | None = None
    tag: str | None = None  # a Tag code, or "any" for any special household
    has_needs: bool | None = None
    text: str | None = None

    def check(self) -> None:
        if self.category and self.category not in set(ServiceCategory):
            fail(422, "bad_choice", "category", self.category[:40])
        if self.tag and self.tag != "any" and self.tag not in set(Tag):
            fail(422, "bad_choice", "tag", self.tag[:40])
        if self.text and len(self.text) > 100:
            fail(422, "too_long", "q")


def _like(value: str) -> list[str]:
    """LIKE patterns for a value as stored raw and as JSON \\u-escaped text."""
    escaped = value.replace("!", "!!").replace("%", "!%").replace("_", "!_")
    forms = {escaped, json.dumps(value)[1:-1].replace("!", "!!").replace("%", "!%").replace("_", "!_")}
    return [f"%{f}%" for f in forms]


def _sql(flt: ReviewFilter, community_id: str, cursor: tuple[str, str] | None,
         batch: int) -> tuple[str, dict]:
    where = ["entity = 'diary_entry'", "community_id = :c"]
    params: dict[str, Any] = {"c": community_id, "n": batch}
    if flt.grid_id:
        where.append("grid_id = :g")
        params["g"] = flt.grid_id
    if flt.worker_id:
        where.append("person_id = :w")
        params["w"] = flt.worker_id
    if flt.period:
        where += ["at >= :s", "at < :t"]
        params |= {"s": flt.period.start_iso(), "t": flt.period.end_iso()}
    if flt.category:
        where.append("CAST(data AS TEXT) LIKE :cat ESCAPE '!'")
        params["cat"] = f'%"{flt.category}"%'
    if flt.text:
        patterns = _like(flt.text)
        where.append("(" + " OR ".join(f"CAST(data AS TEXT) LIKE :q{i} ESCAPE '!'"
                                       for i in range(len(patterns))) + ")")
        params |= {f"q{i}": p for i, p in enumerate(patterns)}
    if cursor:
        where.append("(at < :cat_at OR (at = :cat_at AND id < :cat_id))")
        params |= {"cat_at": cursor[0], "cat_id": cursor[1]}
    sql = ("SELECT id, grid_id, household_id, person_id, at, data FROM records WHERE "
           + " AND ".join(where) + " ORDER BY at DESC, id DESC LIMIT :n")
    return sql, params


def parse_cursor(cursor: str | None) -> tuple[str, str] | None:
    if not cursor:
        return None
    match = CURSOR_RE.match(cursor)
    if not match:
        fail(422, "bad_cursor", "cursor")
    return match[1], match[2]


def _need_counts(session: Session, community_id: str, household_ids: set[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    if not household_ids:
        return counts
    names = {f"h{i}": h for i, h in enumerate(household_ids)}
    rows = session.execute(text(
        "SELECT id, data FROM records WHERE entity = 'need' AND community_id = :c AND household_id IN ("
        + ",".join(":" + k for k in names) + ")"), {"c": community_id, **names})
    for row in rows:
        entry_id = q.record_of(row).get("raised_in_entry_id")
        if entry_id:
            counts[entry_id] = counts.get(entry_id, 0) + 1
    return counts


def _comment_counts(session: Session, community_id: str, since: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for comment in q.records_of(session, "comment", community_id, "AND at >= :s", {"s": since}):
        counts[comment.get("entry_id", "")] = counts.get(comment.get("entry_id", ""), 0) + 1
    return counts


def _households(session: Session, ids: set[str]) -> dict[str, dict[str, Any]]:
    if not ids:
        return {}
    names = {f"h{i}": h for i, h in enumerate(ids)}
    rows = session.execute(text("SELECT id, data FROM records WHERE entity = 'household' AND id IN ("
                                + ",".join(":" + k for k in names) + ")"), names)
    return {r.id: q.record_of(r) for r in rows}


def household_label(household: dict[str, Any] | None) -> str:
    if not household:
        return ""
    address = household.get("address") or {}
    parts = [address.get("street", ""), address.get("building", ""), address.get("unit", ""),
             address.get("room", "")]
    where = "-".join(p for p in parts[1:] if p)
    return " ".join(p for p in (parts[0], where, household.get("head_name", "")) if p)


def _matches(flt: ReviewFilter, entry: dict[str, Any], household: dict[str, Any] | None,
             need_count: int) -> bool:
    if flt.category and flt.category not in (entry.get("categories") or []):
        return False
    if flt.text and flt.text.lower() not in (entry.get("notes") or "").lower():
        return False
    tags = (household or {}).get("tags") or []
    if flt.tag == "any" and not tags:
        return False
    if flt.tag and flt.tag != "any" and flt.tag not in tags:
        return False
    return flt.has_needs is None or flt.has_needs == (need_count > 0)


def review_page(session: Session, community_id: str, flt: ReviewFilter, cursor: str | None,
                limit: int, names: dict[str, str], grid_names: dict[str, str]) -> dict[str, Any]:
    flt.check()
    q.ensure_indexes(session)
    limit = max(1, min(limit, MAX_LIMIT))
    position = parse_cursor(cursor)
    items: list[dict[str, Any]] = []
    scanned, more = 0, False
    while len(items) < limit and scanned < MAX_SCAN:
        batch = limit * 2 if (flt.tag or flt.has_needs is not None) else limit + 1
        sql, params = _sql(flt, community_id, position, batch)
        rows = session.execute(text(sql), params).all()
        scanned += len(rows)
        if not rows:
            more = False
            break
        entries = [q.record_of(r) for r in rows]
        households = _households(session, {r.household_id for r in rows})
        needs = _need_counts(session, community_id, {r.household_id for r in rows})
        comments = _comment_counts(session, community_id, rows[-1].at)
        for row, entry in zip(rows, entries, strict=True):
            if len(items) == limit:
                more = True
                break
            position = (row.at, row.id)
            household = households.get(row.household_id)
            if _matches(flt, entry, household, needs.get(row.id, 0)):
                items.append(_item(row, entry, household, needs.get(row.id, 0), comments.get(row.id, 0),
                                   names, grid_names))
        else:
            more = len(rows) == batch
            if not more:
                break
    next_cursor = f"{position[0]}|{position[1]}" if (more or scanned >= MAX_SCAN) and position else None
    return {"items": items, "next_cursor": next_cursor}


def _item(row: Any, entry: dict[str, Any], household: dict[str, Any] | None, need_count: int,
          comment_count: int, names: dict[str, str], grid_names: dict[str, str]) -> dict[str, Any]:
    notes = entry.get("notes") or ""
    return {
        "id": row.id, "visited_at": entry.get("visited_at", row.at), "kind": entry.get("kind"),
        "worker_id": row.person_id, "worker_name": names.get(row.person_id, ""),
        "grid_id": row.grid_id, "grid_name": grid_names.get(row.grid_id, ""),
        "household_id": row.household_id, "household": household_label(household),
        "tags": (household or {}).get("tags") or [],
        "categories": entry.get("categories") or [], "notes": notes[:120],
        "photo_count": len(entry.get("photos") or []), "need_count": need_count,
        "comment_count": comment_count,
    }


def entry_detail(session: Session, principal: Any, community_id: str, entry_id: str,
                 names: dict[str, str]) -> dict[str, Any]:
    row = scoped_row(session, "diary_entry", entry_id, community_id)
    entry = q.record_of(row)
    household = q.get_record(session, "household", row.household_id) or {}
    if household.get("tags"):
        audit(session, principal, "read_entry", "diary_entry", entry_id,
              {"household_id": row.household_id, "tags": household.get("tags")})
    needs = [n for n in q.records_of(session, "need", community_id, "AND household_id = :h",
                                     {"h": row.household_id})
             if n.get("raised_in_entry_id") == entry_id]
    comments = sorted(comments_of(session, community_id, entry_id, row.at), key=lambda c: c.get("at", ""))
    for comment in comments:
        comment["author_name"] = names.get(comment.get("author_id", ""), "")
    photos = [{**p, "url": f"/api/v1/photos/{p['sha256']}",
               "thumb_url": f"/api/v1/photos/{p['sha256']}/thumb"} for p in entry.get("photos") or []]
    return {"entry": {**entry, "worker_name": names.get(entry.get("worker_id", ""), "")},
            "household": {**household, "label": household_label(household)},
            "needs": needs, "comments": comments, "photos": photos}


def comments_of(session: Session, community_id: str, entry_id: str, since: str) -> list[dict[str, Any]]:
    return [c for c in q.records_of(session, "comment", community_id, "AND at >= :s", {"s": since[:10]})
            if c.get("entry_id") == entry_id]


def add_comment(session: Session, principal: Any, community_id: str, entry_id: str, body: Any) -> dict:
    row = scoped_row(session, "diary_entry", entry_id, community_id)
    comment_text = body.get("text") if isinstance(body, dict) else None
    if not isinstance(comment_text, str) or not comment_text.strip():
        fail(422, "required", "text")
    if len(comment_text) > 2000:
        fail(422, "too_long", "text")
    comment_id = new_id()
    fields = {"entry_id": entry_id, "grid_id": row.grid_id, "author_id": principal.user_id,
              "at": now_iso(), "text": comment_text.strip()}
    write(session, principal, "comment", comment_id, fields)  # a refusal answers 422 with the reason
    session.commit()
    return {"id": comment_id, **fields}
