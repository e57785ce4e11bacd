"""Routes under /api/v1/desk: coordinators see their own community, admins
any; every other role gets 403. Every query is scoped here, on the server."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Depends, Query, Request, Response
from sqlalchemy.orm import Session

from fieldapp.domain.enums import Role
from fieldapp.domain.errors import ValidationError
from server.deps import get_db, require_roles

from . import account_admin, excel, people, register, review
from . import board as needs_board
from .common import community_for, fail, invalid
from .downloads import issue_link, redeem
from .figures import Period
from .report import build_report

router = APIRouter(prefix="/desk", tags=["desk"])
staff = require_roles(Role.COORDINATOR, Role.ADMIN)
admin_only = require_roles(Role.ADMIN)
XLSX = excel.XLSX_TYPE


def _period(start: str | None, end: str | None, required: bool = True) -> Period | None:
    if not start and not end and not required:
        return None
    if not start or not end:
        fail(422, "required", "from" if not start else "to")
    try:
        return Period.parse(start, end)
    except ValidationError as err:
        invalid(err)


def _xlsx(body: bytes, filename: str) -> Response:
    return Response(body, media_type=XLSX,
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{filename}"})


@router.get("/people")
def get_people(community_id: str | None = None, db: Session = Depends(get_db), who=Depends(staff)) -> dict:
    return people.people(db, community_for(db, who, community_id))


@router.get("/review")
def get_review(
    community_id: str | None = None, grid_id: str | None = None, worker_id: str | None = None,
    start: str | None = Query(None, alias="from"), end: str | None = Query(None, alias="to"),
    category: str | None = None, tag: str | None = None, has_needs: bool | None = None,
    q: str | None = None, cursor: str | None = None, limit: int = Query(50, ge=1, le=200),
    db: Session = Depends(get_db), who=Depends(staff),
) -> dict:
    community = community_for(db, who, community_id)
    flt = review.ReviewFilter(grid_id, worker_id, _period(start, end, required=False), category, tag,
                              has_needs, (q or "").strip() or None)
    return review.review_page(db, community, flt, cursor, limit, people.names_of(db, community),
                              people.grid_names_of(db, community))


@router.get("/entries/{entry_id}")
def get_entry(entry_id: str, db: Session = Depends(get_db), who=Depends(staff)) -> dict:
    community = _community_of_record(db, who, "diary_entry", entry_id)
    return review.entry_detail(db, who, community, entry_id, people.names_of(db, community))


@router.post("/entries/{entry_id}/comments", status_code=201)
def post_comment(entry_id: str, body: Any = Body(None), db: Session = Depends(get_db),
                 who=Depends(staff)) -> dict:
    community = _community_of_record(db, who, "diary_entry", entry_id)
    return review.add_comment(db, who, community, entry_id, body)


@router.get("/households")
def get_register(community_id: str | None = None, tag: str | None = None, grid_id: str | None = None,
                 overdue: bool = False, db: Session = Depends(get_db), who=Depends(staff)) -> dict:
    community = community_for(db, who, community_id)
    return register.register(db, community, tag, grid_id, overdue, people.grid_names_of(db, community))


@router.get("/households/{household_id}")
def get_household(household_id: str, db: Session = Depends(get_db), who=Depends(staff)) -> dict:
    community = _community_of_record(db, who, "household", household_id)
    return register.household_detail(db, who, community, household_id)


@router.put("/households/{household_id}/tags")
def put_tags(household_id: str, body: Any = Body(None), db: Session = Depends(get_db),
             who=Depends(staff)) -> dict:
    community = _community_of_record(db, who, "household", household_id)
    return register.set_tags(db, who, community, household_id, body)


@router.get("/settings")
def get_settings(community_id: str | None = None, db: Session = Depends(get_db), who=Depends(staff)) -> dict:
    return register.settings(db, community_for(db, who, community_id))


@router.put("/settings")
def put_settings(body: Any = Body(None), community_id: str | None = None, db: Session = Depends(get_db),
                 who=Depends(staff)) -> dict:
    return register.save_settings(db, who, community_for(db, who, community_id), body)


@router.get("/needs")
def get_board(community_id: str | None = None, status: str | None = None, handling: str | None = None,
              grid_id: str | None = None, assignee_id: str | None = None, overdue: bool = False,
              db: Session = Depends(get_db), who=Depends(staff)) -> dict:
    community = community_for(db, who, community_id)
    filters = {"status": status, "handling": handling, "grid_id": grid_id, "assignee_id": assignee_id,
               "overdue": overdue}
    return needs_board.board(db, community, filters, people.names_of(db, community),
                             people.grid_names_of(db, community))


@router.get("/needs/{need_id}")
def get_need(need_id: str, db: Session = Depends(get_db), who=Depends(staff)) -> dict:
    community = _community_of_record(db, who, "need", need_id)
    return needs_board.need_detail(db, community, need_id, people.names_of(db, community))


@router.post("/needs/{need_id}/actions")
def post_need_action(need_id: str, body: Any = Body(None), db: Session = Depends(get_db),
                     who=Depends(staff)) -> dict:
    community = _community_of_record(db, who, "need", need_id)
    return needs_board.act(db, who, community, need_id, body)


@router.get("/figures")
def get_figures(start: str | None = Query(None, alias="from"), end: str | None = Query(None, alias="to"),
                community_id: str | None = None, db: Session = Depends(get_db), who=Depends(staff)) -> dict:
    return build_report(db, community_for(db, who, community_id), _period(start, end))


@router.get("/devices")
def get_devices(community_id: str | None = None, db: Session = Depends(get_db), who=Depends(staff)) -> dict:
    return people.devices(db, community_for(db, who, community_id))


@router.post("/accounts/{user_id}")
def post_account_action(user_id: str, request: Request, body: Any = Body(None),
                        community_id: str | None = None, db: Session = Depends(get_db),
                        who=Depends(staff)) -> dict:
    """Revoke a device's sign-in (a lost phone), deactivate/activate, set a
    password, or set a worker's grids: see server/desk/account_admin.py."""
    community = community_for(db, who, community_id)
    db.rollback()  # end the read: the action is its own writing transaction
    return account_admin.act(request.app.state.engine, who, community, user_id, body)


@router.get("/audit")
def get_audit(limit: int = Query(100, ge=1, le=500), actor_id: str | None = None,
              db: Session = Depends(get_db), who=Depends(admin_only)) -> dict:
    return people.audit_rows(db, limit, actor_id)


# ------------------------------------------------------------------ Excel


@router.get("/excel/template")
def get_template(who=Depends(staff)) -> Response:
    return _xlsx(excel.template(), "households-template.xlsx")


@router.post("/excel/households")
async def post_households(request: Request, community_id: str | None = None, db: Session = Depends(get_db),
                          who=Depends(staff)) -> dict:
    body = await request.body()
    return excel.import_households(db, who, community_for(db, who, community_id), body)


@router.get("/excel/entries")
def get_entries_xlsx(start: str | None = Query(None, alias="from"), end: str | None = Query(None, alias="to"),
                     community_id: str | None = None, db: Session = Depends(get_db),
                     who=Depends(staff)) -> Response:
    return _export(db, who, "entries", community_id, _period(start, end))


@router.get("/excel/figures")
def get_figures_xlsx(start: str | None = Query(None, alias="from"), end: str | None = Query(None, alias="to"),
                     community_id: str | None = None, db: Session = Depends(get_db),
                     who=Depends(staff)) -> Response:
    return _export(db, who, "figures", community_id, _period(start, end))


@router.post("/excel/links")
def post_link(body: Any = Body(None), db: Session = Depends(get_db), who=Depends(staff)) -> dict:
    """A short-lived URL the browser can open without the Bearer header
    (the web client downloads with page.launch_url)."""
    if not isinstance(body, dict) or body.get("kind") not in ("entries", "figures", "template"):
        fail(422, "bad_choice", "kind")
    period = _period(body.get("from"), body.get("to"), required=body["kind"] != "template")
    community = community_for(db, who, body.get("community_id"))
    return issue_link(who, body["kind"], community, period)


@router.get("/download/{token}")
def get_download(token: str, db: Session = Depends(get_db)) -> Response:
    link = redeem(token)
    if link.kind == "template":
        return _xlsx(excel.template(), "households-template.xlsx")
    return _export(db, link.principal, link.kind, link.community_id, link.period)


def _export(db: Session, who: Any, kind: str, community_id: str | None, period: Period | None) -> Response:
    community = community_for(db, who, community_id)
    if kind == "entries":
        body = excel.export_entries(db, community, period, people.names_of(db, community))
    else:
        body = excel.export_figures(db, community, period)
    return _xlsx(body, f"{kind}-{period.start}-{period.end}.xlsx")


def _community_of_record(db: Session, who: Any, entity: str, record_id: str) -> str:
    """The record's community, if the principal may see it (404 otherwise:
    a coordinator cannot probe other communities' ids)."""
    from . import queries

    row = queries.get_row(db, entity, record_id)
    if row is None:
        fail(404, "not_found", "id", entity)
    if who.role != Role.ADMIN and row.community_id != getattr(who, "community_id", None):
        fail(404, "not_found", "id", entity)
    return row.community_id
