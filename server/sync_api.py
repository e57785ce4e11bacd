"""/sync/push and /sync/pull (wire format in docs/CONTRACTS.md)."""
from __future__ import annotations

import json
import threading
import time
from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import Field, TypeAdapter
from pydantic import ValidationError as PydanticValidationError
from sqlalchemy import Engine, Integer, bindparam, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from fieldapp.domain.operation import DEVICE_RE

from .auth import Principal
from .config import Settings
from .db import schema as s
from .db.group_commit import GroupTxn, group_write
from .deps import authorized, bearer_token
from .errors import api_error, parse_json, read_limited
from .pull import pull_page, restart_needed
from .records import SERVER_CLOCK, OpResult, apply_batch, parse_ops
from .timeutil import now_iso

router = APIRouter(prefix="/sync", tags=["sync"])
MAX_OPS = 500
MAX_PUSH_BYTES = 16 * 1024 * 1024
PULL_STATUS_EVERY_S = 30.0
_last_pull_status: dict[tuple[str, str], float] = {}
_pull_status_lock = threading.Lock()


def parse_push(body: Any) -> tuple[str, list[Any], int]:
    """(device, ops, pending) from a push body; 4xx with the reason otherwise."""
    if not isinstance(body, dict):
        raise api_error(422, "not_object", field="body")
    unknown = set(body) - {"device", "ops", "pending"}
    if unknown:
        raise api_error(422, "unknown_field", field=sorted(unknown)[0])
    device, ops, pending = body.get("device"), body.get("ops"), body.get("pending", 0)
    if not isinstance(device, str) or not DEVICE_RE.match(device):
        raise api_error(422, "bad_device", field="device")
    if not isinstance(ops, list):
        raise api_error(422, "not_list", field="ops")
    if len(ops) > MAX_OPS:
        raise api_error(413, "too_many_ops", field="ops", detail=MAX_OPS)
    if isinstance(pending, bool) or not isinstance(pending, int) or not 0 <= pending <= 10**7:
        raise api_error(422, "not_int", field="pending")
    return device, ops, pending


@router.post("/push")
async def push(request: Request, token: str = Depends(bearer_token)) -> Response:
    # the token check, body checks and the write in one thread-pool hop; the
    # refusals keep their order: 401, then the body's size (413), JSON (400), shape
    try:
        raw, refused = await read_limited(request, MAX_PUSH_BYTES), None
    except HTTPException as err:
        raw, refused = b"", err
    state = request.app.state
    results = await run_in_threadpool(_checked_push, state.engine, state.settings, token, raw, refused)
    body = {"results": [r.to_dict() for r in results], "server_hlc": SERVER_CLOCK.now()}
    return Response(content=json.dumps(body, ensure_ascii=False).encode(), media_type="application/json")


def _checked_push(engine: Engine, settings: Settings, token: str, raw: bytes,
                  refused: HTTPException | None) -> list[OpResult]:
    with engine.connect() as conn:
        principal = authorized(conn, token)
    if refused is not None:
        raise refused
    device, ops, pending = parse_push(parse_json(raw))
    return _push(engine, settings, principal, device, ops, pending)


def _push(engine: Engine, settings: Settings, principal: Principal, device: str, ops: list[Any],
          pending: int) -> list[OpResult]:
    """Apply one push inside the next group transaction (see server/db/group_commit.py)."""

    parsed = parse_ops(ops)  # pure Python: done before queueing for the write lock

    def work(txn: GroupTxn) -> list[OpResult]:
        results = apply_batch(txn.session, principal, parsed, settings.max_future_ms, counter=txn.counter)
        rejected = sum(1 for r in results if r.status == "rejected")
        txn.batch(_push_statuses, (principal.user_id, device, now_iso(), pending, rejected))
        return results

    return group_write(engine, work)


def _push_statuses(session: Session, items: list[tuple[str, str, str, int, int]]) -> None:
    """The device_status rows of a group's pushes: one UPDATE executemany for the
    devices already known, one INSERT for new ones (per-row upsert if that collides)."""
    c = s.device_status.c
    latest: dict[tuple[str, str], list[Any]] = {}
    for user_id, device, at, pending, rejected in items:
        row = latest.setdefault((user_id, device), [at, pending, 0])
        row[0], row[1], row[2] = at, pending, row[2] + rejected
    users = sorted({user_id for user_id, _ in latest})
    known = {(r.user_id, r.device) for r in session.execute(
        select(c.user_id, c.device).where(c.user_id.in_(users)))}
    updates = [{"k_user": u, "k_device": d, "at": at, "pending": p, "add": add}
               for (u, d), (at, p, add) in latest.items() if (u, d) in known]
    inserts = [{"user_id": u, "device": d, "last_push_at": at, "pending_reported": p, "rejected_total": add}
               for (u, d), (at, p, add) in latest.items() if (u, d) not in known]
    if updates:
        session.execute(UPDATE_PUSH_STATUS, updates)
    if inserts:
        try:
            with session.begin_nested():
                session.execute(s.device_status.insert(), inserts)
        except IntegrityError:  # another process inserted one meanwhile
            for row in inserts:
                _device_status(session, row["user_id"], row["device"], rejected_add=row["rejected_total"],
                               last_push_at=row["last_push_at"], pending_reported=row["pending_reported"])


PULL_PARAMETERS = [  # documented as FastAPI would document Query parameters (they are read in _pull)
    {"name": "since", "in": "query", "required": False,
     "schema": {"type": "integer", "minimum": 0, "default": 0, "title": "Since"},
     "description": "the cursor: the `next` of the previous page, 0 = from the start"},
    {"name": "limit", "in": "query", "required": False,
     "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 500, "title": "Limit"}},
]


@router.get("/pull", openapi_extra={"parameters": PULL_PARAMETERS})
async def pull(request: Request, token: str = Depends(bearer_token)) -> Response:
    # async, with the token check and the database work in one thread-pool hop and
    # on one connection; `since` and `limit` are checked after the token, as when
    # they were FastAPI parameters after the current_user dependency (401 first)
    body = await run_in_threadpool(_pull, request.app.state.engine, token, request.query_params)
    return Response(content=body.encode(), media_type="application/json")


_SINCE = TypeAdapter(Annotated[int, Field(ge=0)])
_LIMIT = TypeAdapter(Annotated[int, Field(ge=1, le=1000)])


def _pull_params(query: Mapping[str, str]) -> tuple[int, int]:
    """`since` (default 0, >= 0) and `limit` (default 500, 1..1000) as FastAPI
    `Query` parameters would give them, or the same RequestValidationError."""
    values, errors = [], []
    for name, default, adapter in (("since", 0, _SINCE), ("limit", 500, _LIMIT)):
        raw = query.get(name)
        try:
            values.append(default if raw is None else adapter.validate_python(raw))
        except PydanticValidationError as err:
            errors += [{**e, "loc": ("query", name, *e["loc"])} for e in err.errors()]
    if errors:
        raise RequestValidationError(errors)
    return values[0], values[1]


def _pull(engine: Engine, token: str, query: Mapping[str, str]) -> str:
    with engine.connect() as conn:
        principal = authorized(conn, token)
        since, limit = _pull_params(query)
        with Session(bind=conn) as session:  # the token's transaction: one BEGIN for both
            if principal.scope_reset_seq and restart_needed(session, principal, since):
                since = 0  # the user's grids grew: this device starts over
            changes, cursor, more = pull_page(session, principal, since, limit)
    device = principal.device or "unknown"
    if principal.scope_reset_seq and since == 0:  # noted: the later pages are not restarted again
        group_write(engine, lambda txn: _device_status(txn.session, principal.user_id, device,
                                                       full_pull_seq=principal.scope_reset_seq))
    if _pull_status_due(principal.user_id, device):
        pulled_at = now_iso()
        group_write(engine, lambda txn: _device_status(txn.session, principal.user_id, device,
                                                       last_pull_at=pulled_at))
    return (f'{{"changes":[{",".join(changes)}],"next":{cursor},"more":{json.dumps(more)},'
            f'"server_hlc":{json.dumps(SERVER_CLOCK.now())}}}')


_status = s.device_status.c
UPDATE_PUSH_STATUS = (
    update(s.device_status)
    .where(_status.user_id == bindparam("k_user"), _status.device == bindparam("k_device"))
    .values(last_push_at=bindparam("at"), pending_reported=bindparam("pending"),
            rejected_total=_status.rejected_total + bindparam("add", type_=Integer)))


def _pull_status_due(user_id: str, device: str) -> bool:
    """Whether to record this pull: at most once per PULL_STATUS_EVERY_S per
    device, so a paging pull does not queue for the write lock on every page."""
    now = time.monotonic()
    with _pull_status_lock:
        last = _last_pull_status.get((user_id, device))
        if last is not None and now - last < PULL_STATUS_EVERY_S:
            return False
        _last_pull_status[(user_id, device)] = now
        return True


def _device_status(session: Session, user_id: str, device: str, rejected_add: int = 0, **values: Any) -> None:
    """Upsert the (user, device) row the desk shows: last push/pull, pending, rejected."""
    c = s.device_status.c
    where = (c.user_id == user_id) & (c.device == device)
    changed = session.execute(update(s.device_status).where(where).values(
        rejected_total=c.rejected_total + rejected_add, **values)).rowcount
    if changed:
        return
    try:
        with session.begin_nested():
            session.execute(s.device_status.insert().values(
                user_id=user_id, device=device, pending_reported=values.pop("pending_reported", 0),
                rejected_total=rejected_add, **values))
    except IntegrityError:
        pass  # a concurrent request inserted it first: its figures are as fresh
